// The fake Slack's chat.startStream / appendStream / stopStream refuse what Slack's docs say Slack refuses, checked
// with the real @slack/web-api client.
import { webApi } from "@slack/bolt";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { FakeSlack, FULL_SCOPES } from "../../support/fake-slack/index.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const THREAD = "1700000000.000100";
const RECIPIENT = { recipient_user_id: "U0ADA", recipient_team_id: "T0BATON" } as const;

async function setup(retryConfig: webApi.RetryOptions = { retries: 0 }) {
  const started = await FakeSlack.start({ users: [{ id: "U0ADA", name: "ada" }] });
  fake = started;
  const api = new webApi.WebClient(started.identity.botToken, { slackApiUrl: started.apiUrl, logger: createBoltLogger(pino({ level: "silent" })), retryConfig, rejectRateLimitedCalls: true });
  return { api, fake: started };
}

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: { data?: { error?: string }; code?: string }) => e.data?.error ?? e.code);

describe("fake Slack streaming methods", () => {
  it("starts a stream only as a thread reply, naming its recipient outside DMs", async () => {
    const { api } = await setup();
    // The installed types make thread_ts required; a caller that leaves it out anyway is refused.
    const withoutThread = { channel: "C0ONE", markdown_text: "hi", ...RECIPIENT } as unknown as webApi.ChatStartStreamArguments;
    expect(await errorOf(api.chat.startStream(withoutThread))).toBe("invalid_arguments");
    expect(await errorOf(api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "hi" }))).toBe("missing_recipient_user_id");
    expect(await errorOf(api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "hi", recipient_user_id: "U0ADA" }))).toBe("missing_recipient_team_id");
    expect(await errorOf(api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "x".repeat(12_001), ...RECIPIENT }))).toBe("msg_too_long");
    // A DM needs no recipient.
    const dm = await api.chat.startStream({ channel: "D0ADA", thread_ts: THREAD, markdown_text: "hi" });
    expect(dm.ok).toBe(true);
  });

  it("grows one thread message under the app's chosen name, stops it with metadata, then refuses appends and stops", async () => {
    const { api, fake } = await setup();
    const started = await api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "The **derivative**", username: "Math Tutor", icon_emoji: ":abacus:", ...RECIPIENT });
    const ts = started.ts!;
    await api.chat.appendStream({ channel: "C0ONE", ts, markdown_text: " of x^2" });
    expect(await errorOf(api.chat.appendStream({ channel: "C0ONE", ts, markdown_text: "" }))).toBe("no_text");
    expect(await errorOf(api.chat.appendStream({ channel: "C0ONE", ts, markdown_text: "y".repeat(12_001) }))).toBe("msg_too_long");
    const metadata = { event_type: "baton_reply", event_payload: { reply_id: 7 } };
    await api.chat.stopStream({ channel: "C0ONE", ts, markdown_text: " is 2x.", metadata });
    expect(fake.messages()).toMatchObject([{ ts, threadTs: THREAD, text: "The **derivative** of x^2 is 2x.", username: "Math Tutor", iconEmoji: ":abacus:", metadata }]);
    expect(fake.messages()[0]!.stream).toEqual({ state: "stopped", recipient: { userId: "U0ADA", teamId: "T0BATON" }, chunks: ["The **derivative**", " of x^2", " is 2x."] });
    expect(await errorOf(api.chat.appendStream({ channel: "C0ONE", ts, markdown_text: "more" }))).toBe("message_not_in_streaming_state");
    expect(await errorOf(api.chat.stopStream({ channel: "C0ONE", ts }))).toBe("message_not_in_streaming_state");
    expect(await errorOf(api.chat.appendStream({ channel: "C0ONE", ts: "1.000001", markdown_text: "more" }))).toBe("message_not_found");
    // Like any message, it reads back in the thread with its name, icon and (asked for) metadata, and can be updated.
    const replies = await api.conversations.replies({ channel: "C0ONE", ts: THREAD, include_all_metadata: true });
    expect(replies.messages).toMatchObject([{ ts, text: "The **derivative** of x^2 is 2x.", username: "Math Tutor", icons: { emoji: ":abacus:" }, metadata }]);
    await api.chat.update({ channel: "C0ONE", ts, markdown_text: "Fixed." });
    expect(fake.messages()[0]!.text).toBe("Fixed.");
  });

  it("an expired stream refuses appends; refusals and rate limits can be injected", async () => {
    const { api, fake } = await setup();
    const { ts } = await api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "Half", ...RECIPIENT });
    fake.expireStream("C0ONE", ts!);
    expect(await errorOf(api.chat.appendStream({ channel: "C0ONE", ts: ts!, markdown_text: " more" }))).toBe("message_not_in_streaming_state");

    fake.refuseStreaming("method_not_supported_for_channel_type", { channelPrefix: "G" });
    expect(await errorOf(api.chat.startStream({ channel: "G0PRIVATE", thread_ts: THREAD, markdown_text: "hi", ...RECIPIENT }))).toBe("method_not_supported_for_channel_type");
    expect((await api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "hi", ...RECIPIENT })).ok).toBe(true);

    fake.rateLimit("chat.appendStream", { retryAfterSeconds: 3 });
    const limited = await api.chat.appendStream({ channel: "C0ONE", ts: ts!, markdown_text: "x" }).then(
      () => undefined,
      (e: { code?: string; retryAfter?: number }) => e,
    );
    expect(limited).toMatchObject({ code: "slack_webapi_rate_limited_error", retryAfter: 3 });
  });

  it("needs chat:write, and drops the agent's name without chat:write.customize as chat.postMessage does", async () => {
    const { api, fake } = await setup();
    fake.setScopes(FULL_SCOPES.filter((scope) => scope !== "chat:write.customize"));
    await api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "hi", username: "Math Tutor", ...RECIPIENT });
    expect(fake.messages()[0]!.username).toBeUndefined();
    fake.setScopes(FULL_SCOPES.filter((scope) => scope !== "chat:write"));
    expect(await errorOf(api.chat.startStream({ channel: "C0ONE", thread_ts: THREAD, markdown_text: "hi", ...RECIPIENT }))).toBe("missing_scope");
  });
});
