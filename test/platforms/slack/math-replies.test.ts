// End to end on Slack: display math uploaded privately and shown by image blocks in the tutor's own message (its
// username), inline math as Unicode, prices untouched; a failed upload or a refused file still delivers the TeX.
// (Replies posted whole here and streamed by chat.update below; native-streaming.test.ts has the native streams.)

import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { AgentIdentityMode } from "../../../src/platforms/slack/agent-identity.js";
import { createBoltLogger } from "../../../src/platforms/slack/bolt-logger.js";
import { SlackReplyPoster } from "../../../src/platforms/slack/reply-poster.js";
import type { FakeScript, RecordedRequest } from "../../support/fake-openai-server.js";
import type { StreamTarget } from "../../../src/bot/ports.js";
import { FakeSlack, FULL_SCOPES, slashCommandBody, type FakeSlackMessage } from "../../support/fake-slack/index.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { testAgent } from "./fake-gateway.js";
import { captureLogger, CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const INTEGRAL = "\\int_0^1 x^2\\,dx = \\frac{1}{3}";
const ANSWER = `The area under $x^2$ is\n$$${INTEGRAL}$$\nso it costs $5 and $10 less than \\(\\alpha \\le \\beta\\).`;
const SHOWN = "The area under x² is\n`\\int_0^1 x^2\\,dx = \\frac{1}{3}`\nso it costs $5 and $10 less than α ≤ β.";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

function tutorSays(answer: string): (request: RecordedRequest) => FakeScript {
  return (request) => (requestAgent(request) === "math_tutor" ? { text: answer } : seedResponder(request));
}

/** The bot with replies posted whole (SLACK_STREAM_REPLIES=off): these tests read the blocks of a whole post. */
async function start(answer: string, scopes?: readonly string[]): Promise<{ h: ServiceHarness; t: SlackTestBot }> {
  h = await startServiceHarness({ responder: tutorSays(answer) });
  t = await startSlackTestBot({ gateway: h.gateway, fakeOptions: scopes === undefined ? {} : { scopes }, settings: { streamReplies: false } });
  return { h, t };
}

async function tutorReply(bot: SlackTestBot, question: string): Promise<FakeSlackMessage> {
  const body = slashCommandBody({
    command: "/homework",
    text: question,
    userId: STUDENT.id,
    userName: STUDENT.name,
    channelId: CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl(),
  });
  expect((await bot.sender.sendCommand(body)).status).toBe(200);
  await bot.bot.idle();
  const root = bot.fake.messages({ channel: CHANNEL }).find((m) => m.threadTs === undefined && m.text.includes(question.slice(0, 20)));
  const reply = bot.fake.messages({ channel: CHANNEL, threadTs: root!.ts }).find((m) => m.username === "Math Tutor");
  if (reply === undefined) throw new Error("the math tutor posted nothing");
  return reply;
}

describe("math in Slack replies", () => {
  it("uploads display math privately and shows it as an image block in the tutor's message", async () => {
    const { t } = await start(ANSWER);
    const reply = await tutorReply(t, "what is the integral of x^2 from 0 to 1?");
    expect(reply.text).toBe(SHOWN);
    const [section, image] = reply.blocks as Array<Record<string, unknown>>;
    expect(section).toEqual({ type: "section", text: { type: "mrkdwn", text: SHOWN } });
    const fileId = (image!.slack_file as { id: string }).id;
    expect(image).toEqual({ type: "image", slack_file: { id: fileId }, alt_text: INTEGRAL });
    const file = t.fake.world.uploads.byId.get(fileId)!;
    expect([...file.data!.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(file).toMatchObject({ filename: "formula-1.png", completed: true, sharedTo: [], altTxt: INTEGRAL });
    const methods = t.fake.calls.map((call) => call.method).filter((m) => m.startsWith("files."));
    expect(methods).toEqual(["files.getUploadURLExternal", "files.completeUploadExternal"]);
    const complete = t.fake.calls.find((call) => call.method === "files.completeUploadExternal")!;
    expect(complete.params.channel_id ?? complete.params.channels).toBeUndefined();
    expect(t.fake.uploadPosts).toEqual([{ fileId, status: 200, bytes: file.length }]);
    // The same PNG is stored with the tutor's message for the moderators' console, its TeX as alt text.
    const stored = h!.db.prepare<[], { file_name: string; alt_text: string; origin: string; data: Buffer }>("SELECT file_name, alt_text, origin, data FROM attachments").all();
    expect(stored.map((row) => [row.file_name, row.alt_text, row.origin])).toEqual([["formula-1.png", INTEGRAL, "rendered"]]);
    expect(new Uint8Array(stored[0]!.data)).toEqual(file.data);
  });

  it("shows invalid TeX as code and uploads nothing for it", async () => {
    const { t } = await start("Try $$\\frac{1}{$$ and $\\sqrt{$ here.");
    const reply = await tutorReply(t, "what is 1/2 + 1/3?");
    expect(reply.text).toBe("Try `\\frac{1}{` and `\\sqrt{` here.");
    expect(reply.blocks).toBeUndefined();
    expect(t.fake.calls.some((call) => call.method.startsWith("files."))).toBe(false);
  });

  it("without files:write still delivers the answer, with the TeX, and says which scope is missing", async () => {
    const { t } = await start(ANSWER, FULL_SCOPES.filter((scope) => scope !== "files:write"));
    const reply = await tutorReply(t, "what is the integral of x^2?");
    expect(reply.text).toBe(SHOWN);
    expect(reply.blocks).toBeUndefined();
    expect(t.fake.calls.find((call) => call.method === "files.getUploadURLExternal")?.answer).toMatchObject({ ok: false, error: "missing_scope" });
    expect(t.logs.some((line) => line.level === 40 && line.msg.includes("files:write"))).toBe(true);
  });

  it("tries an image block once more when Slack is not ready with the file, and posts the text alone if it never is", async () => {
    const { t } = await start(ANSWER);
    t.fake.world.uploads.settlingUses = 1;
    const settled = await tutorReply(t, "what is the integral of x^2?");
    expect((settled.blocks ?? []).map((block) => (block as { type: string }).type)).toEqual(["section", "image"]);
    const refusals = t.fake.calls.filter((call) => call.method === "chat.postMessage" && call.answer.error === "invalid_blocks");
    expect(refusals).toHaveLength(1);

    t.fake.world.uploads.settlingUses = 5;
    const plain = await tutorReply(t, "and the integral of x^2 once more?");
    expect(plain.text).toBe(SHOWN);
    expect(plain.blocks).toBeUndefined();
    expect(t.logs.some((line) => line.level === 40 && line.msg.includes("refused twice"))).toBe(true);
  });

  it("takes the images off a withheld answer", async () => {
    const { t } = await start(ANSWER);
    const reply = await tutorReply(t, "what is the integral of x^2?");
    expect(reply.blocks).toHaveLength(2);
    const logger = captureLogger([]);
    const client = new webApi.WebClient(t.fake.identity.botToken, { slackApiUrl: t.fake.apiUrl, logger: createBoltLogger(logger) });
    const poster = new SlackReplyPoster({ client, logger, identity: new AgentIdentityMode(logger) });
    await poster.replaceReply(
      { platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: reply.threadTs!, replyId: 1, conversationId: 1, platformMessageId: reply.ts, agent: testAgent("math_tutor"), text: ANSWER },
      "This answer was withheld.",
    );
    const after = t.fake.world.findMessage(CHANNEL, reply.ts)!;
    expect(after.text).toBe("This answer was withheld.");
    expect(after.blocks).toBeUndefined();
  });
});

describe("math in streamed Slack replies", () => {
  it("streams inline math as Unicode and adds the display math's image block when the reply finishes", async () => {
    const fake = await FakeSlack.start({ scopes: FULL_SCOPES });
    try {
      const logger = captureLogger([]);
      const client = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, logger: createBoltLogger(logger), retryConfig: { retries: 0 } });
      const port = new SlackReplyPoster({ client, logger, identity: new AgentIdentityMode(logger), stream: true, nativeStreaming: false, streamPace: { perMessageMs: 20, shared: { calls: 5, windowMs: 100 } }, fileSettleMs: 10 });
      const target: StreamTarget = { platform: "slack", workspace: "T0BATON", channel: CHANNEL, thread: "1700000000.000100", conversationId: 3, agent: testAgent("math_tutor"), recipientUserId: STUDENT.id };
      const stream = port.openStream!(target, { onPieces: () => undefined });
      stream.append("The area under $x^2$ is\n");
      while (fake.messages().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(fake.messages()[0]!.text).toBe("The area under x² is");
      for (const word of ANSWER.slice("The area under $x^2$ is\n".length).match(/\S+\s*|\s+/g) ?? []) stream.append(word);
      await stream.finish(ANSWER);
      const [message] = fake.messages();
      expect(message!.text).toBe(SHOWN);
      expect(message!.edits.some((text) => text.includes("$x^2$"))).toBe(false);
      const blocks = message!.blocks as Array<{ type: string; alt_text?: string }>;
      expect(blocks.map((block) => block.type)).toEqual(["section", "image"]);
      expect(blocks[1]!.alt_text).toBe(INTEGRAL);
    } finally {
      await fake.close();
    }
  });
});
