// Streamed replies on Discord: each agent's message opens on its first words under its webhook name, grows by edits
// (Edit Webhook Message with thread_id), ends on the model's exact text, continues past 2,000 characters with code
// fences balanced, pings no one, and survives an edit 429.

import { afterEach, describe, expect, it } from "vitest";
import { DISCORD_CHUNKS, openFenceAfter, splitMessage, withLimit } from "../../../src/platforms/common/chunker.js";
import type { RecordedRequest } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const FAST_PACE = { perMessageMs: 40, shared: { calls: 5, windowMs: 200 } };
const TUTOR_ANSWER = "The derivative of x^2 is 2x.\n\nWe use the power rule:  d/dx x^n = n·x^(n-1).  ";

function edits(bed: DiscordTestBed, threadId: string) {
  return bed.fake.callsTo("PATCH", /^\/webhooks\/\d+\/[^/]+\/messages\/\d+$/).filter((call) => call.query.get("thread_id") === threadId);
}

/** Mentions the bot in #homework; resolves with the student's message id (the thread's id). */
function ask(bed: DiscordTestBed, text: string): string {
  const student = bed.fake.addUser(`student${bed.fake.calls.length}`);
  return bed.fake.userSays({ channelId: bed.homework, author: student, content: `<@${bed.fake.botUser.id}> ${text}` }).id;
}

describe("streamed replies on Discord", () => {
  it("shows the tutor's first words under its webhook name before the model finishes, then its exact text", async () => {
    let finishModel!: () => void;
    const modelDone = new Promise<void>((resolve) => (finishModel = resolve));
    const responder = (request: RecordedRequest) =>
      requestAgent(request) === "math_tutor" ? { text: TUTOR_ANSWER, holdAfterChunks: { chunks: 4, until: modelDone } } : seedResponder(request);
    bed = await startDiscordTestBed({ responder, settings: () => ({ streamReplies: true, streamPace: FAST_PACE }) });
    const { fake } = bed;
    const thread = ask(bed, "what is the derivative of x^2?");
    // The model has sent three words of the tutor's answer and waits: they are on Discord already, under the tutor's name.
    await fake.waitUntil(() => fake.messagesIn(thread).some((message) => message.author.username === "Math Tutor" && message.content.startsWith("The")));
    const early = fake.messagesIn(thread).find((message) => message.author.username === "Math Tutor")!;
    expect(TUTOR_ANSWER.startsWith(early.content)).toBe(true);
    expect(early.content.length).toBeLessThan(TUTOR_ANSWER.trim().length);
    finishModel();
    await bed.handled(thread);

    const replies = fake.messagesIn(thread).filter((message) => message.webhook_id !== undefined);
    expect(replies.map((message) => [message.author.username, message.content])).toEqual([
      ["Triage", "This is a math question. I'll hand this off to the math tutor."],
      ["Math Tutor", TUTOR_ANSWER.trim()],
    ]);
    // One post per message (never an empty placeholder), the rest edits of the same messages, each in the thread.
    const posts = webhookPostsTo(fake, thread);
    expect(posts).toHaveLength(2);
    expect(posts.every((call) => String(bodyOf(call).content).trim() !== "")).toBe(true);
    expect(edits(bed, thread).length).toBeGreaterThanOrEqual(1);
    expect(edits(bed, thread).at(-1)?.status).toBe(200);
    for (const call of [...posts, ...edits(bed, thread)]) expect(bodyOf(call).allowed_mentions).toEqual({ parse: [] });
    // What SQLite holds is the model's final text, and the outbox row names the message it was streamed as.
    const outbox = bed.service.db.prepare("SELECT text, status, platform_message_id FROM outbox ORDER BY id").all();
    expect(outbox).toEqual([
      { text: "This is a math question. I'll hand this off to the math tutor.", status: "sent", platform_message_id: replies[0]!.id },
      { text: TUTOR_ANSWER.trim(), status: "sent", platform_message_id: replies[1]!.id },
    ]);
    const streams = bed.service.db.prepare("SELECT agent_name, pieces FROM reply_streams ORDER BY id").all();
    expect(streams).toEqual([
      { agent_name: "triage_agent", pieces: JSON.stringify([replies[0]!.id]) },
      { agent_name: "math_tutor", pieces: JSON.stringify([replies[1]!.id]) },
    ]);
  });

  it("continues a long answer in new messages within 2,000 characters, code fences closed and reopened", async () => {
    const code = Array.from({ length: 80 }, (_, i) => `const value${i} = compute(${i}); // step ${i} of the worked example`).join("\n");
    const answer = `Here is the whole program:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat is all, @everyone.`;
    const responder = (request: RecordedRequest) => (requestAgent(request) === "math_tutor" ? { text: answer, chunkIntervalMs: 1 } : seedResponder(request));
    bed = await startDiscordTestBed({ responder, settings: () => ({ streamReplies: true, streamPace: FAST_PACE }) });
    const { fake } = bed;
    const thread = ask(bed, "write me a program for 2+2");
    await bed.handled(thread);
    const tutor = fake.messagesIn(thread).filter((message) => message.author.username === "Math Tutor");
    // Split as a whole reply is (room left for the bold name of the fallback route).
    expect(tutor.map((message) => message.content)).toEqual(splitMessage(answer, withLimit(DISCORD_CHUNKS, 2000 - "**Math Tutor**".length - 1)));
    expect(tutor.length).toBeGreaterThan(1);
    for (const message of tutor) {
      expect(message.content.length).toBeLessThanOrEqual(2000);
      expect(openFenceAfter(message.content, null)).toBeNull();
    }
    // Every call that carried text refused pings, and nothing was refused for size.
    const calls = fake.calls.filter((call) => /^\/webhooks\//.test(call.path) && call.method !== "GET");
    expect(calls.every((call) => call.status < 400)).toBe(true);
    expect(calls.every((call) => JSON.stringify(bodyOf(call).allowed_mentions) === JSON.stringify({ parse: [] }))).toBe(true);
  });

  it("streams as the bot with the bold name where it may not manage webhooks", async () => {
    let finishModel!: () => void;
    const modelDone = new Promise<void>((resolve) => (finishModel = resolve));
    const responder = (request: RecordedRequest) =>
      requestAgent(request) === "math_tutor" ? { text: TUTOR_ANSWER, holdAfterChunks: { chunks: 3, until: modelDone } } : seedResponder(request);
    bed = await startDiscordTestBed({
      responder,
      beforeStart: (fake) => fake.setCanManageWebhooks(false),
      settings: () => ({ streamReplies: true, streamPace: FAST_PACE }),
    });
    const { fake } = bed;
    const thread = ask(bed, "what is the derivative of x^2?");
    await fake.waitUntil(() => fake.messagesIn(thread).some((message) => message.content.startsWith("**Math Tutor**\nThe")));
    finishModel();
    await bed.handled(thread);
    expect(fake.messagesIn(thread).map((message) => message.content)).toEqual([
      "**Triage**\nThis is a math question. I'll hand this off to the math tutor.",
      `**Math Tutor**\n${TUTOR_ANSWER.trim()}`,
    ]);
    expect(fake.callsTo("PATCH", new RegExp(`^/channels/${thread}/messages/\\d+$`)).length).toBeGreaterThanOrEqual(1);
  });

  it("waits out an edit's 429 and still ends on the exact text", async () => {
    let finishModel!: () => void;
    const modelDone = new Promise<void>((resolve) => (finishModel = resolve));
    const responder = (request: RecordedRequest) =>
      requestAgent(request) === "math_tutor" ? { text: TUTOR_ANSWER, holdAfterChunks: { chunks: 3, until: modelDone } } : seedResponder(request);
    bed = await startDiscordTestBed({ responder, settings: () => ({ streamReplies: true, streamPace: FAST_PACE }) });
    const { fake } = bed;
    fake.rateLimit({ method: "PATCH", path: /^\/webhooks\/\d+\/[^/]+\/messages\/\d+$/, times: 2, retryAfterSeconds: 0.2 });
    const thread = ask(bed, "what is the derivative of x^2?");
    await fake.waitUntil(() => fake.messagesIn(thread).some((message) => message.author.username === "Math Tutor"));
    finishModel();
    await bed.handled(thread);
    expect(fake.faultsServed()).toBe(2);
    const tutor = fake.messagesIn(thread).filter((message) => message.author.username === "Math Tutor");
    expect(tutor.map((message) => message.content)).toEqual([TUTOR_ANSWER.trim()]);
    expect(webhookPostsTo(fake, thread)).toHaveLength(2);
  });

  it("shows nothing for a handoff without text", async () => {
    const responder = (request: RecordedRequest) => {
      const script = seedResponder(request);
      return requestAgent(request) === "triage_agent" && "toolCalls" in script ? { ...script, text: "" } : script;
    };
    bed = await startDiscordTestBed({ responder, settings: () => ({ streamReplies: true, streamPace: FAST_PACE }) });
    const thread = ask(bed, "what is 2+2?");
    await bed.handled(thread);
    expect(bed.fake.messagesIn(thread).map((message) => message.author.username)).toEqual(["Math Tutor"]);
    expect(bed.fake.world.deletedMessages).toEqual([]);
  });
});
