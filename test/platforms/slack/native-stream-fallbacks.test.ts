// Where Slack will not stream natively, replies still grow: chat.postMessage + chat.update, then the whole reply at
// finish; a permanent refusal is remembered per workspace or channel type. Also the "is thinking…" status around a
// stream, and an earlier process's stream finished on the same message (resume).

import { afterEach, describe, expect, it } from "vitest";
import { markdownToMrkdwn } from "../../../src/platforms/slack/mrkdwn.js";
import { threadTsOf } from "../../../src/platforms/slack/reply-poster.js";
import type { FakeSlack, FakeSlackMessage } from "../../support/fake-slack/index.js";
import { STREAM_TARGET as TARGET, STREAM_THREAD as THREAD, startStreamPoster, words } from "./stream-poster.js";
import { CHANNEL } from "./slack-test-bot.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function poster(options: Parameters<typeof startStreamPoster>[0] = {}) {
  const started = await startStreamPoster(options);
  fake = started.fake;
  return started;
}

const ANSWER = "The derivative of **x^2** is 2x.";

/** Streams ANSWER: its first word, then (once the thread shows it) the rest, as a model writes. */
async function streamAnswer(port: Awaited<ReturnType<typeof poster>>["port"], target = TARGET, replyId = 50): Promise<readonly string[]> {
  const stream = port.openStream!(target, { onPieces: () => undefined });
  const [first, ...rest] = words(ANSWER);
  const inThread = (message: FakeSlackMessage): boolean => message.channel === target.channel && message.threadTs === threadTsOf(target);
  const shown = fake!.messages().filter(inThread).length;
  stream.append(first!);
  await fake!.waitForMessages(shown + 1, inThread);
  for (const word of rest) stream.append(word);
  return stream.finish(ANSWER, replyId);
}

describe("Slack streaming fallbacks", () => {
  it("a channel type without streaming: the reply grows by chat.postMessage + chat.update, and that channel type is not asked again", async () => {
    const { fake, port } = await poster();
    fake.refuseStreaming("method_not_supported_for_channel_type", { channelPrefix: "C" });
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("The derivative");
    // Still visible before the model finishes, through the older path.
    const [posted] = await fake.waitForMessages(1);
    expect(posted).toMatchObject({ text: "The derivative", username: "Math Tutor", threadTs: THREAD });
    expect(posted!.stream).toBeUndefined();
    for (const word of words(ANSWER.slice("The derivative".length))) stream.append(word);
    await stream.finish(ANSWER, 51);
    expect(fake.messages().map((message) => message.text)).toEqual([markdownToMrkdwn(ANSWER)]);

    await streamAnswer(port, { ...TARGET, thread: "1700000000.000200" }, 52);
    expect(fake.callsTo("chat.startStream")).toHaveLength(1);
    // Another kind of channel in the same workspace still streams.
    await streamAnswer(port, { ...TARGET, channel: "G0PRIVATE", thread: "1700000000.000300" }, 53);
    expect(fake.callsTo("chat.startStream")).toHaveLength(2);
    expect(fake.messages({ channel: "G0PRIVATE" })[0]!.stream?.state).toBe("stopped");
  });

  it("a workspace that refuses the method (not_allowed, unknown_method) is remembered for every channel", async () => {
    for (const refusal of ["not_allowed", "unknown_method"]) {
      const { fake, port } = await poster();
      fake.refuseStreaming(refusal);
      await streamAnswer(port, TARGET, 54);
      await streamAnswer(port, { ...TARGET, channel: "G0PRIVATE", thread: "1700000000.000300" }, 55);
      expect(fake.callsTo("chat.startStream")).toHaveLength(1);
      expect(fake.messages().map((message) => message.text)).toEqual([markdownToMrkdwn(ANSWER), markdownToMrkdwn(ANSWER)]);
      await fake.close();
    }
    fake = undefined;
  });

  it("a 429 on the start falls back for that reply only; the next reply streams again", async () => {
    const { fake, port } = await poster();
    fake.rateLimit("chat.startStream", { retryAfterSeconds: 0 });
    await streamAnswer(port, TARGET, 56);
    expect(fake.messages()[0]!.text).toBe(markdownToMrkdwn(ANSWER));
    expect(fake.messages()[0]!.stream).toBeUndefined();
    await streamAnswer(port, { ...TARGET, thread: "1700000000.000200" }, 57);
    expect(fake.callsTo("chat.startStream")).toHaveLength(2);
    expect(fake.messages()[1]!.stream?.state).toBe("stopped");
  });

  it("when the fallback's posts fail while the model writes, the whole reply is posted at finish", async () => {
    const { fake, port } = await poster();
    fake.refuseStreaming("method_not_supported_for_channel_type");
    fake.failNext("chat.postMessage", "internal_error", { times: 1 });
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("The derivative");
    await fake.waitFor(() => (fake.callsTo("chat.postMessage").length === 1 ? true : undefined));
    expect(fake.messages()).toEqual([]);
    const ids = await stream.finish(ANSWER, 58);
    expect(fake.messages().map((message) => [message.ts, message.text])).toEqual([[ids[0], markdownToMrkdwn(ANSWER)]]);
  });

  it("a top-level DM (no thread to stream in) grows by chat.update without asking chat.startStream", async () => {
    const { fake, port } = await poster();
    await streamAnswer(port, { ...TARGET, channel: "D0ADA", thread: "D0ADA" }, 59);
    expect(fake.callsTo("chat.startStream")).toHaveLength(0);
    expect(fake.messages({ channel: "D0ADA" }).map((message) => message.text)).toEqual([markdownToMrkdwn(ANSWER)]);
  });
});

describe("the thinking status around a native stream", () => {
  it("shows while no text has arrived, gives way to the first words, returns while work goes on, and clears at the end", async () => {
    const { fake, port, status } = await poster();
    status.start(TARGET);
    await fake.waitFor(() => (fake.world.statuses.length === 1 ? true : undefined));
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("The derivative");
    await fake.waitFor(() => (fake.world.statuses.length === 2 ? true : undefined));
    // Cleared once the stream shows the first words, not before.
    const opened = fake.calls.findIndex((call) => call.method === "chat.startStream");
    const cleared = fake.calls.findIndex((call) => call.method === "assistant.threads.setStatus" && call.params.status === "");
    expect(cleared).toBeGreaterThan(opened);
    await stream.finish(ANSWER, 60);
    await status.end(TARGET);
    expect(fake.world.statuses.map((entry) => entry.status)).toEqual(["is thinking…", "", "is thinking…", ""]);
    expect(fake.world.statuses.every((entry) => entry.channel === CHANNEL && entry.threadTs === THREAD)).toBe(true);
  });
});

describe("resuming a native stream after a crash", () => {
  it("stops the stream an earlier process left open and brings the same message to the final text", async () => {
    const { fake, port, restart } = await poster();
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("Cut off mid");
    const [opened] = await fake.waitForMessages(1);
    // The process dies here; a new one resumes from the recorded ts.
    const reply = { ...TARGET, replyId: 61, text: "Cut off mid-sentence, now whole.", kind: "agent" as const };
    expect(await restart().resume!(reply, [opened!.ts])).toBe(opened!.ts);
    expect(fake.messages().map((message) => [message.ts, message.text])).toEqual([[opened!.ts, "Cut off mid-sentence, now whole."]]);
    expect(opened!.stream!.state).toBe("stopped");
    expect((opened!.metadata as { event_payload: { reply_id: number } }).event_payload.reply_id).toBe(61);
    // What the stream showed was read back from the thread: the stop carried the rest of the text, no update needed.
    expect(fake.callsTo("chat.stopStream").map((call) => call.params.markdown_text)).toEqual(["-sentence, now whole."]);
    expect(fake.callsTo("chat.update")).toHaveLength(0);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("updates the same message when Slack already dropped the stream (message_not_in_streaming_state)", async () => {
    const { fake, port, restart } = await poster();
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("Cut off mid");
    const [opened] = await fake.waitForMessages(1);
    fake.expireStream(CHANNEL, opened!.ts);
    const reply = { ...TARGET, replyId: 62, text: "Cut off mid-sentence, now whole.", kind: "agent" as const };
    expect(await restart().resume!(reply, [opened!.ts])).toBe(opened!.ts);
    expect(fake.callsTo("chat.stopStream").map((call) => call.answer.error)).toEqual(["message_not_in_streaming_state"]);
    expect(fake.messages().map((message) => [message.ts, message.text])).toEqual([[opened!.ts, "Cut off mid-sentence, now whole."]]);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
  });
});
