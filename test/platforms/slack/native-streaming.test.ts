// Slack's own streaming (chat.startStream / appendStream / stopStream) through the real WebClient against the fake:
// the first words show before the model finishes, under the agent's name, to the student; the final text is exact and
// carries the reply's metadata; long answers continue in new streams; a dropped stream is finished by chat.update; a
// 429 slows the stream and loses nothing; a crash's stream is finished on the same message.

import { afterEach, describe, expect, it } from "vitest";
import { markdownPieces } from "../../../src/platforms/slack/stream-markdown.js";
import { REPLY_EVENT_TYPE } from "../../../src/platforms/slack/posted-reply-lookup.js";
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

const final = (text: string, limit = 3_500): string[] => markdownPieces(text, { limit, prefix: "" });
const payloadOf = (message: FakeSlackMessage | undefined) => (message?.metadata as { event_type: string; event_payload: Record<string, unknown> } | undefined);

describe("Slack native streaming", () => {
  it("opens on the first words in the thread, under the agent's name, to the student, and stops on the exact final text", async () => {
    const { fake, port } = await poster();
    const reported: string[][] = [];
    const stream = port.openStream!(TARGET, { onPieces: (ids) => reported.push([...ids]) });
    stream.append("The derivative");
    const [opened] = await fake.waitForMessages(1);
    // Visible while the model is still writing: a live stream, named as the tutor, shown to the student who asked.
    expect(opened).toMatchObject({ channel: CHANNEL, threadTs: THREAD, text: "The derivative", username: "Math Tutor", iconUrl: "https://img.test/math.png" });
    expect(opened!.stream).toMatchObject({ state: "streaming", recipient: { userId: "U0STUDENT", teamId: "T0BATON" } });
    const answer = "The derivative of **x^2** is `2x`, by the power rule.";
    for (const word of words(answer.slice("The derivative".length))) stream.append(word);
    const ids = await stream.finish(answer, 41);
    expect(ids).toEqual([opened!.ts]);
    expect(reported).toEqual([[opened!.ts]]);
    expect(fake.messages().map((message) => message.text)).toEqual(final(answer));
    expect(opened!.stream!.state).toBe("stopped");
    expect(payloadOf(opened)).toEqual({ event_type: REPLY_EVENT_TYPE, event_payload: { reply_id: 41, conversation_id: 3, agent: "math_tutor", part: 1, parts: 1 } });
    // Streamed, never posted or edited: the stop carried the rest of the text.
    expect(fake.callsTo("chat.startStream")).toHaveLength(1);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(fake.callsTo("chat.update")).toHaveLength(0);
    expect(opened!.stream!.chunks.join("")).toBe(final(answer)[0]);
  });

  it("continues a long answer in new streams, each within the limit, code blocks balanced, every part with its metadata", async () => {
    const { fake, port } = await poster({ messageLimit: 400 });
    const code = Array.from({ length: 30 }, (_, i) => `line ${i} of the program`).join("\n");
    const answer = `Here it is:\n\n\`\`\`python\n${code}\n\`\`\`\n\n${"Then it prints the result. ".repeat(12)}\n\nDone.`;
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    for (const word of words(answer)) stream.append(word);
    const ids = await stream.finish(answer, 42);
    const texts = fake.messages().map((message) => message.text);
    expect(texts).toEqual(final(answer, 400));
    expect(texts.length).toBeGreaterThan(2);
    expect(ids).toEqual(fake.messages().map((message) => message.ts));
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(400);
      expect(text.split("\n").filter((line) => line.trim().startsWith("```")).length % 2).toBe(0);
    }
    expect(fake.messages().every((message) => message.stream === undefined || message.stream.state === "stopped")).toBe(true);
    expect(fake.messages().map((message) => payloadOf(message)?.event_payload)).toEqual(
      ids.map((_, index) => ({ reply_id: 42, conversation_id: 3, agent: "math_tutor", part: index + 1, parts: ids.length })),
    );
  });

  it("finishes a stream Slack dropped mid-answer (expired) with chat.update of the same message", async () => {
    const { fake, port } = await poster();
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("Half of the");
    const [opened] = await fake.waitForMessages(1);
    fake.expireStream(CHANNEL, opened!.ts);
    stream.append(" answer, and the rest of it.");
    await fake.waitFor(() => (fake.callsTo("chat.appendStream").some((call) => call.answer.error === "message_not_in_streaming_state") ? true : undefined));
    const ids = await stream.finish("Half of the answer, and the rest of it.", 43);
    expect(ids).toEqual([opened!.ts]);
    expect(fake.messages().map((message) => [message.ts, message.text])).toEqual([[opened!.ts, "Half of the answer, and the rest of it."]]);
    expect(payloadOf(opened)?.event_payload).toMatchObject({ reply_id: 43 });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("a 429 on appends and on the stop slows the stream down and loses nothing", async () => {
    const { fake, port } = await poster();
    fake.rateLimit("chat.appendStream", { times: 1, retryAfterSeconds: 1 });
    fake.rateLimit("chat.stopStream", { times: 1, retryAfterSeconds: 0 });
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    const answer = "One, two, three, four, five, six, seven, eight, nine, ten.";
    const deltas = words(answer);
    stream.append(deltas[0]!);
    await fake.waitForMessages(1);
    for (const word of deltas.slice(1)) {
      stream.append(word);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await stream.finish(answer, 44);
    expect(fake.calls.filter((call) => call.status === 429).map((call) => call.method)).toEqual(["chat.appendStream", "chat.stopStream"]);
    // Nothing went to the channel during the pause Slack asked for: the next call is the stop, once the second is over.
    const limited = fake.calls.findIndex((call) => call.status === 429);
    expect(fake.calls.slice(limited + 1).filter((call) => call.method.startsWith("chat.")).map((call) => call.method)[0]).toBe("chat.stopStream");
    expect(fake.messages().map((message) => message.text)).toEqual([answer]);
    expect(fake.messages()[0]!.stream!.state).toBe("stopped");
  });

  it("streams inline math as Unicode, holds a formula back until it closes, and puts the display math's image under the stopped stream", async () => {
    const { fake, port } = await poster();
    const integral = "\\int_0^1 x^2\\,dx = \\frac{1}{3}";
    const answer = `The area under $x^2$ is\n$$${integral}$$\nso it costs $5 less than \\(\\alpha \\le \\beta\\).`;
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("The area under $x^");
    stream.append("2$ is\n");
    const [opened] = await fake.waitForMessages(1);
    expect(opened!.text).toBe("The area under x² is");
    for (const word of words(answer.slice("The area under $x^2$ is\n".length))) stream.append(word);
    await stream.finish(answer, 47);
    expect(opened!.text).toBe("The area under x² is\n`\\int_0^1 x^2\\,dx = \\frac{1}{3}`\nso it costs $5 less than α ≤ β.");
    // Appended only: no chunk ever showed raw TeX that a later one had to take back.
    expect(opened!.stream!.chunks.some((chunk) => chunk.includes("$x^"))).toBe(false);
    const blocks = opened!.blocks as Array<{ type: string; alt_text?: string }>;
    expect(blocks.map((block) => block.type)).toEqual(["image"]);
    expect(blocks[0]!.alt_text).toBe(integral);
  });

  it("stops once more when Slack is not ready with a formula's file, and keeps the TeX alone if it never is", async () => {
    const { fake, port } = await poster();
    const answer = "The area is\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\nas computed.";
    const shown = "The area is\n`\\int_0^1 x^2\\,dx = \\frac{1}{3}`\nas computed.";
    for (const [settlingUses, blocks] of [[1, ["image"]], [5, []]] as const) {
      fake.world.uploads.settlingUses = settlingUses;
      const thread = `1700000000.00020${settlingUses}`;
      const stream = port.openStream!({ ...TARGET, thread }, { onPieces: () => undefined });
      stream.append("The area is\n");
      const [opened] = await fake.waitForMessages(1, (message) => message.threadTs === thread);
      for (const word of words(answer.slice("The area is\n".length))) stream.append(word);
      await stream.finish(answer, 48);
      expect(opened!.text).toBe(shown);
      expect(((opened!.blocks ?? []) as Array<{ type: string }>).map((block) => block.type)).toEqual(blocks);
      expect(opened!.stream!.state).toBe("stopped");
    }
    expect(fake.callsTo("chat.stopStream").map((call) => call.answer.error ?? "ok")).toEqual(["invalid_blocks", "ok", "invalid_blocks", "invalid_blocks", "ok"]);
  });

  it("withdraws an abandoned stream (the turn failed before its reply was committed)", async () => {
    const { fake, port } = await poster();
    const reported: string[][] = [];
    const stream = port.openStream!(TARGET, { onPieces: (ids) => reported.push([...ids]) });
    stream.append("Half an answ");
    const [opened] = await fake.waitForMessages(1);
    await stream.abandon();
    expect(fake.messages()).toEqual([]);
    expect(reported).toEqual([[opened!.ts], []]);
  });

  it("never lets the model's text ping (<!channel>, @here)", async () => {
    const { fake, port } = await poster();
    const answer = "Tell <!channel> and @here and <@U0ADMIN> that it is done.";
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    for (const word of words(answer)) stream.append(word);
    await stream.finish(answer, 45);
    const [text] = fake.messages().map((message) => message.text);
    expect(text).not.toMatch(/<!channel>|<@U0ADMIN>|@here/);
    expect(text!.replace(/\u200B/g, "")).toBe(answer);
  });

  it("shows the agent's name in bold when the app may not post under it (no chat:write.customize)", async () => {
    const { FULL_SCOPES } = await import("../../support/fake-slack/index.js");
    const { fake, port } = await poster({ scopes: FULL_SCOPES.filter((scope) => scope !== "chat:write.customize") });
    // The identity learns the scopes from Slack's answers (auth.test at start-up in the bot).
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("Hello");
    await fake.waitForMessages(1);
    await stream.finish("Hello there.", 46);
    const [message] = fake.messages();
    expect(message!.username).toBeUndefined();
    expect(message!.text).toBe("**Math Tutor**\nHello there.");
  });
});
