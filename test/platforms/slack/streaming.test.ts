// Streamed replies on Slack's fallback path (chat.postMessage on the first words, then chat.update of the same message,
// where chat.startStream is not allowed; native-streaming.test.ts has the native path), through the
// real WebClient against the fake Web API: the agent's name, the exact final text, long answers split, resume, and a
// streamed split reply withheld later (every part found by its baton_reply metadata, set once the outbox id is known).

import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import type { StreamTarget } from "../../../src/bot/ports.js";
import { AgentIdentityMode, namePrefix } from "../../../src/platforms/slack/agent-identity.js";
import { createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { markdownToMrkdwn } from "../../../src/platforms/slack/mrkdwn.js";
import { SlackReplyPoster, WITHHELD_PART } from "../../../src/platforms/slack/reply-poster.js";
import { SLACK_CHUNKS, splitMessage, withLimit } from "../../../src/platforms/common/chunker.js";
import { REPLY_EVENT_TYPE } from "../../../src/platforms/slack/posted-reply-lookup.js";
import { FakeSlack, FULL_SCOPES } from "../../support/fake-slack/index.js";
import { testAgent } from "./fake-gateway.js";
import { captureLogger, CHANNEL, type LogLine } from "./slack-test-bot.js";

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const THREAD = "1700000000.000100";
const TARGET: StreamTarget = { platform: "slack", workspace: "T0BATON", channel: CHANNEL, thread: THREAD, conversationId: 3, agent: testAgent("math_tutor"), recipientUserId: "U0STUDENT" };

async function poster(options: { scopes?: readonly string[]; messageLimit?: number } = {}) {
  fake = await FakeSlack.start({ scopes: options.scopes ?? FULL_SCOPES });
  const logs: LogLine[] = [];
  const logger = captureLogger(logs);
  const client = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, logger: createBoltLogger(logger), retryConfig: { retries: 0 } });
  const port = new SlackReplyPoster({
    client,
    logger,
    identity: new AgentIdentityMode(logger),
    stream: true,
    nativeStreaming: false,
    streamPace: { perMessageMs: 20, shared: { calls: 5, windowMs: 100 } },
    ...(options.messageLimit ? { messageLimit: options.messageLimit } : {}),
  });
  return { fake, port };
}

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe("streamed replies on Slack", () => {
  it("posts the first words under the agent's name, updates the same message and ends on the exact final text", async () => {
    const { fake, port } = await poster();
    const pieces: string[][] = [];
    const stream = port.openStream!(TARGET, { onPieces: (ids) => pieces.push([...ids]) });
    stream.append("The derivative");
    await until(() => fake.messages().length === 1);
    const [first] = fake.messages();
    expect(first).toMatchObject({ channel: CHANNEL, threadTs: THREAD, text: "The derivative", username: "Math Tutor" });
    stream.append(" of **x^2** is 2x.");
    const final = "The derivative of **x^2** is 2x.";
    const ids = await stream.finish(final);
    expect(ids).toEqual([first!.ts]);
    expect(pieces).toEqual([[first!.ts]]);
    expect(fake.messages().map((message) => message.text)).toEqual([markdownToMrkdwn(final)]);
    expect(fake.messages()[0]!.edits[0]).toBe("The derivative");
  });

  it("continues a long answer in new messages, each within the limit, code blocks balanced", async () => {
    const { fake, port } = await poster({ messageLimit: 400 });
    const code = Array.from({ length: 30 }, (_, i) => `line ${i} of the program`).join("\n");
    const final = `Here it is:\n\n\`\`\`\n${code}\n\`\`\`\n\nDone.`;
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    for (const word of final.match(/\S+\s*|\s+/g) ?? []) stream.append(word);
    const ids = await stream.finish(final);
    const texts = fake.messages().map((message) => message.text);
    // Split as a whole reply is (room left for the bold name of the fallback).
    expect(texts).toEqual(splitMessage(markdownToMrkdwn(final), withLimit(SLACK_CHUNKS, 400 - namePrefix(TARGET.agent).length)));
    expect(texts.length).toBeGreaterThan(1);
    expect(ids).toEqual(fake.messages().map((message) => message.ts));
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(400);
      expect(text.split("\n").filter((line) => line.trim() === "```").length % 2).toBe(0);
    }
  });

  it("withdraws an abandoned stream and resumes a recorded one on the same message", async () => {
    const { fake, port } = await poster();
    const abandoned = port.openStream!(TARGET, { onPieces: () => undefined });
    abandoned.append("Half an answ");
    await until(() => fake.messages().length === 1);
    await abandoned.abandon();
    expect(fake.messages()).toEqual([]);

    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    stream.append("Cut off mid");
    await until(() => fake.messages().length === 1);
    const ts = fake.messages()[0]!.ts;
    // As after a crash: a new process finishes the same message from its recorded ts.
    const reply = { ...TARGET, replyId: 9, text: "Cut off mid-sentence, now whole.", kind: "agent" as const };
    expect(await port.resume!(reply, [ts])).toBe(ts);
    expect(fake.messages().map((message) => [message.ts, message.text])).toEqual([[ts, "Cut off mid-sentence, now whole."]]);
  });

  it("a streamed split reply carries its outbox id in every part's metadata, so a withheld answer replaces every part", async () => {
    const { fake, port } = await poster({ messageLimit: 300 });
    const final = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}: multiply both sides by the same number and simplify the fraction.`).join("\n\n");
    const stream = port.openStream!(TARGET, { onPieces: () => undefined });
    for (const word of final.match(/\S+\s*|\s+/g) ?? []) stream.append(word);
    // The step is committed as outbox row 41 while the stream is under way; its finish brings the id.
    const ids = await stream.finish(final, 41);
    expect(ids.length).toBeGreaterThan(2);
    const payloads = fake.messages().map((message) => (message.metadata as { event_type: string; event_payload: Record<string, unknown> }));
    expect(payloads.map((metadata) => metadata.event_type)).toEqual(ids.map(() => REPLY_EVENT_TYPE));
    expect(payloads.map((metadata) => metadata.event_payload)).toEqual(
      ids.map((_, index) => ({ reply_id: 41, conversation_id: TARGET.conversationId, agent: TARGET.agent.name, part: index + 1, parts: ids.length })),
    );

    const notice = "This answer was withheld by Baton's safety check.";
    await port.replaceReply!({ ...TARGET, replyId: 41, platformMessageId: ids[0]!, text: final }, notice);
    expect(fake.messages().map((message) => [message.ts, message.text])).toEqual(ids.map((ts, index) => [ts, index === 0 ? markdownToMrkdwn(notice) : WITHHELD_PART]));
  });
});
