// The fake Slack is as strict as the real Web API where the adapter depends on it, checked with the real client.
import { webApi } from "@slack/bolt";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { FakeSlack, FULL_SCOPES, signSlackRequest } from "../../support/fake-slack/index.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const quiet = createBoltLogger(pino({ level: "silent" }));

async function setup(options: { token?: string; retryConfig?: webApi.RetryOptions } = {}) {
  const started = await FakeSlack.start({ users: [{ id: "U0ADA", name: "ada", displayName: "Ada", isAdmin: true }] });
  fake = started;
  const api = new webApi.WebClient(options.token ?? started.identity.botToken, {
    slackApiUrl: started.apiUrl,
    logger: quiet,
    retryConfig: options.retryConfig ?? { retries: 0 },
  });
  return { api, fake: started };
}

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: { data?: { error?: string } }) => e.data?.error);

describe("fake Slack Web API", () => {
  it("answers auth.test with the bot's identity and reports scopes in x-oauth-scopes", async () => {
    const { api } = await setup();
    const result = await api.auth.test();
    expect(result).toMatchObject({ ok: true, user_id: "U0BATONBOT", bot_id: "B0BATON", team_id: "T0BATON" });
    expect(result.response_metadata?.scopes).toEqual([...FULL_SCOPES]);
  });

  it("requires the configured bot token", async () => {
    const { api, fake } = await setup({ token: "xoxb-wrong" });
    expect(await errorOf(api.auth.test())).toBe("invalid_auth");
    const response = await fetch(`${fake.apiUrl}auth.test`, { method: "POST" });
    expect(await response.json()).toEqual({ ok: false, error: "not_authed" });
  });

  it("validates chat.postMessage like Slack", async () => {
    const { api, fake } = await setup();
    expect(await errorOf(api.chat.postMessage({ channel: "", text: "x" }))).toBe("channel_not_found");
    expect(await errorOf(api.chat.postMessage({ channel: "C0ONE", text: "" }))).toBe("no_text");
    expect(await errorOf(api.chat.postMessage({ channel: "C0ONE", text: "x".repeat(40_001) }))).toBe("msg_too_long");
    fake.setChannel("C0OUT", { member: false });
    expect(await errorOf(api.chat.postMessage({ channel: "C0OUT", text: "x" }))).toBe("not_in_channel");
    const ok = await api.chat.postMessage({ channel: "C0ONE", text: "x".repeat(40_000), thread_ts: "1700000000.000100" });
    expect(ok.ok).toBe(true);
    expect(fake.messages()).toHaveLength(1);
  });

  it("ignores username without chat:write.customize, or refuses it when told to", async () => {
    const { api, fake } = await setup();
    fake.setScopes(FULL_SCOPES.filter((s) => s !== "chat:write.customize"));
    const quietly = await api.chat.postMessage({ channel: "C0ONE", text: "x", username: "Math Tutor", icon_emoji: ":abacus:" });
    expect(quietly.message?.username).toBeUndefined();
    fake.customizeWithoutScope = "missing_scope";
    const refused = await api.chat.postMessage({ channel: "C0ONE", text: "x", username: "Math Tutor" }).catch((e: { data: unknown }) => e.data);
    expect(refused).toMatchObject({ ok: false, error: "missing_scope", needed: "chat:write.customize" });
  });

  it("answers 429 with Retry-After when rate limiting, and the client retries", async () => {
    const { api, fake } = await setup({ retryConfig: { retries: 1, minTimeout: 1, maxTimeout: 1 } });
    fake.rateLimit("chat.postMessage", { retryAfterSeconds: 0 });
    await api.chat.postMessage({ channel: "C0ONE", text: "x" });
    expect(fake.callsTo("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
  });

  it("serves users.info, chat.update, postEphemeral, conversations.replies and thread status", async () => {
    const { api, fake } = await setup();
    expect((await api.users.info({ user: "U0ADA" })).user).toMatchObject({ id: "U0ADA", is_admin: true, profile: { display_name: "Ada" } });
    expect(await errorOf(api.users.info({ user: "U0NOBODY" }))).toBe("user_not_found");
    const root = await api.chat.postMessage({ channel: "C0ONE", text: "root" });
    await api.chat.postMessage({ channel: "C0ONE", text: "reply", thread_ts: root.ts ?? "" });
    await api.chat.update({ channel: "C0ONE", ts: root.ts ?? "", text: "edited" });
    expect(await errorOf(api.chat.update({ channel: "C0ONE", ts: "1.000001", text: "x" }))).toBe("message_not_found");
    const thread = await api.conversations.replies({ channel: "C0ONE", ts: root.ts ?? "" });
    expect(thread.messages?.map((m) => m.text)).toEqual(["edited", "reply"]);
    await api.chat.postEphemeral({ channel: "C0ONE", user: "U0ADA", text: "psst" });
    expect(await errorOf(api.chat.postEphemeral({ channel: "C0ONE", user: "U0NOBODY", text: "psst" }))).toBe("user_not_in_channel");
    await api.assistant.threads.setStatus({ channel_id: "C0ONE", thread_ts: root.ts ?? "", status: "" });
    expect(fake.world.statuses).toEqual([{ channel: "C0ONE", threadTs: root.ts, status: "" }]);
  });

  it("records who a thread status is shown under, and refuses arguments that are not strings", async () => {
    const { api, fake } = await setup();
    const root = await api.chat.postMessage({ channel: "C0ONE", text: "root" });
    await api.assistant.threads.setStatus({ channel_id: "C0ONE", thread_ts: root.ts ?? "", status: "is thinking…", username: "Math Tutor", icon_emoji: ":triangular_ruler:" });
    expect(fake.world.statuses).toEqual([{ channel: "C0ONE", threadTs: root.ts, status: "is thinking…", username: "Math Tutor", iconEmoji: ":triangular_ruler:" }]);
    const json = (body: unknown) =>
      fetch(`${fake.apiUrl}assistant.threads.setStatus`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${fake.identity.botToken}` },
        body: JSON.stringify(body),
      }).then((response) => response.json() as Promise<{ ok: boolean; error?: string }>);
    expect(await json({ channel_id: "C0ONE", thread_ts: root.ts, status: "is thinking…", username: { name: "Math Tutor" } })).toEqual({ ok: false, error: "invalid_arguments" });
    expect(await json({ channel_id: "C0ONE", thread_ts: root.ts, status: "is thinking…", icon_url: ["https://example.com/a.png"] })).toEqual({ ok: false, error: "invalid_arguments" });
    // Without chat:write.customize the name is dropped, as chat.postMessage drops it.
    fake.setScopes(fake.world.scopes.filter((scope) => scope !== "chat:write.customize"));
    await api.assistant.threads.setStatus({ channel_id: "C0ONE", thread_ts: root.ts ?? "", status: "is thinking…", username: "Math Tutor" });
    expect(fake.world.statuses.at(-1)).toEqual({ channel: "C0ONE", threadTs: root.ts, status: "is thinking…" });
    expect(fake.world.statuses).toHaveLength(2);
  });

  it("records response_url posts", async () => {
    const { fake } = await setup();
    const url = fake.responseUrl();
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "hi", response_type: "ephemeral" }) });
    expect(fake.responses).toEqual([{ id: url.split("/").at(-1), body: { text: "hi", response_type: "ephemeral" }, status: 200 }]);
  });

  it("takes five posts per response_url, refuses bad buttons, and lets a click's response_url replace the message", async () => {
    const { fake } = await setup();
    const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const url = fake.responseUrl({ channel: "C0HOMEWORK", user: "U0MOD" });
    const button = (actionId: string, text = "Mark reviewed") => ({ type: "button", text: { type: "plain_text", text }, action_id: actionId, value: "1" });
    expect((await post(url, { text: "x", blocks: [{ type: "actions", elements: [button("a"), button("a")] }] })).status).toBe(400);
    expect((await post(url, { text: "x", blocks: [{ type: "actions", elements: [button("a", "x".repeat(76))] }] })).status).toBe(400);
    expect((await post(url, { text: "x", blocks: [{ type: "actions", block_id: "b", elements: [button("a")] }, { type: "actions", block_id: "b", elements: [button("c")] }] })).status).toBe(400);
    expect((await post(url, { text: "list", blocks: [{ type: "actions", block_id: "flags", elements: [button("review")] }] })).status).toBe(200);
    expect((await post(url, { text: "4" })).status).toBe(200);
    expect((await post(url, { text: "6" })).status).toBe(404);
    const listing = fake.ephemerals.find((m) => m.text === "list")!;
    expect(() => fake.clickButton({ user: "U0OTHER", messageTs: listing.ts, actionId: "review" })).toThrow(/cannot see/);
    expect(() => fake.clickButton({ user: "U0MOD", messageTs: listing.ts, actionId: "nope" })).toThrow(/no button/);
    const payload = fake.clickButton({ user: "U0MOD", messageTs: listing.ts, actionId: "review" });
    expect(payload).toMatchObject({
      type: "block_actions",
      user: { id: "U0MOD" },
      container: { type: "message", message_ts: listing.ts, channel_id: "C0HOMEWORK", is_ephemeral: true },
      actions: [{ type: "button", action_id: "review", block_id: "flags", value: "1" }],
    });
    expect((await post(String(payload.response_url), { replace_original: true, text: "done" })).status).toBe(200);
    expect(listing).toMatchObject({ text: "done", replaced: 1 });
  });
});

describe("signSlackRequest", () => {
  it("computes Slack's documented example signature", () => {
    // The example from Slack's "Verifying requests from Slack" guide.
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(signSlackRequest({ signingSecret: "8f742231b10e8888abcd99yyyzzz85a5", body, timestampSeconds: 1531420618 })).toEqual({
      "x-slack-request-timestamp": "1531420618",
      "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    });
  });
});

describe("fake Slack: what the safety alerts and edits meet", () => {
  it("chat.update refuses a ts that does not exist and a message the bot did not post", async () => {
    const { api, fake } = await setup();
    expect(await errorOf(api.chat.update({ channel: "C0ONE", ts: "1700000000.000100", text: "x" }))).toBe("message_not_found");
    const { ts } = fake.userWrites({ channel: "C0ONE", user: "U0ADA", text: "mine" });
    expect(await errorOf(api.chat.update({ channel: "C0ONE", ts, text: "x" }))).toBe("cant_update_message");
    const posted = await api.chat.postMessage({ channel: "C0ONE", text: "answer" });
    expect(await errorOf(api.chat.update({ channel: "C0ONE", ts: posted.ts!, text: "" }))).toBe("no_text");
    expect((await api.chat.update({ channel: "C0ONE", ts: posted.ts!, text: "withheld" })).ok).toBe(true);
  });

  it("chat.getPermalink: channel_not_found, message_not_found, and thread replies' links carry thread_ts and cid", async () => {
    const { api, fake } = await setup();
    expect(await errorOf(api.chat.getPermalink({ channel: "nope", message_ts: "1.2" }))).toBe("channel_not_found");
    expect(await errorOf(api.chat.getPermalink({ channel: "C0ONE", message_ts: "1700000000.000100" }))).toBe("message_not_found");
    const root = await api.chat.postMessage({ channel: "C0ONE", text: "root" });
    const reply = await api.chat.postMessage({ channel: "C0ONE", text: "reply", thread_ts: root.ts! });
    expect((await api.chat.getPermalink({ channel: "C0ONE", message_ts: root.ts! })).permalink).toBe(`https://baton-school.slack.com/archives/C0ONE/p${root.ts!.replace(".", "")}`);
    expect((await api.chat.getPermalink({ channel: "C0ONE", message_ts: reply.ts! })).permalink).toBe(
      `https://baton-school.slack.com/archives/C0ONE/p${reply.ts!.replace(".", "")}?thread_ts=${root.ts}&cid=C0ONE`,
    );
    fake.world.channels.set("C0GONE", { exists: false, member: false });
    expect(await errorOf(api.chat.postMessage({ channel: "C0GONE", text: "x" }))).toBe("channel_not_found");
  });

  it("refuses blocks Slack refuses (invalid_blocks), e.g. a section over 3000 characters or a header that is not plain_text", async () => {
    const { api } = await setup();
    const post = (blocks: webApi.KnownBlock[]) => errorOf(api.chat.postMessage({ channel: "C0ONE", text: "alert", blocks }));
    expect(await post([{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3000) } }])).toBeUndefined();
    expect(await post([{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }])).toBe("invalid_blocks");
    expect(await post([{ type: "header", text: { type: "mrkdwn", text: "x" } as unknown as webApi.PlainTextElement }])).toBe("invalid_blocks");
    expect(await post([{ type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn" as const, text: "f" })) }])).toBe("invalid_blocks");
  });
});
