// ConversationService end to end: real SQLite file, real openai client, fake model server, recording platform port.

import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { GAVE_UP_NOTICE, RATE_LIMIT_NOTICE, TOO_LONG_NOTICE } from "../../src/bot/conversation-service.js";
import { UNDELIVERED_NOTICE } from "../../src/bot/reply-delivery.js";
import { UNAVAILABLE_NOTICE } from "../../src/bot/turn-runner.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { RecordingPort } from "../support/recording-port.js";
import { conversationsOf, forgetIn, transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

let eventCounter = 0;
function inbound(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return {
    platform: "test",
    workspace: "w1",
    channel: "c1",
    thread: "t1",
    eventId: `ev-${++eventCounter}`,
    user: { id: "u1", name: "Ada" },
    text,
    ...over,
  };
}

async function setup(options: Parameters<typeof startServiceHarness>[0] = {}) {
  harness = await startServiceHarness(options);
  const port = new RecordingPort();
  harness.service.registerPort(port);
  return { h: harness, port };
}

describe("ConversationService", () => {
  it("runs a turn: stores the question, every agent message and the handoff, delivers each reply once", async () => {
    const { h, port } = await setup();
    const outcome = await h.service.accept(envelopeOf(inbound("What is the derivative of x^2?")));
    expect(outcome).toMatchObject({ status: "completed", replies: 2 });
    expect(port.lines()).toEqual([
      "triage_agent: This is a math question. I'll hand this off to the math tutor.",
      'math_tutor: math_tutor on "What is the derivative of x^2?": here is the answer.',
    ]);
    expect(port.delivered[1]!.agent).toMatchObject({ displayName: "Math Tutor", emoji: ":triangular_ruler:" });
    const transcript = (await transcriptOf(h.service, { platform: "test", workspace: "w1", channel: "c1", thread: "t1" }))!;
    expect(transcript.trail).toEqual(["triage_agent", "math_tutor"]);
    expect(transcript.entries.map((e) => (e.kind === "message" ? `${e.author}` : `${e.from}->${e.to}`))).toEqual([
      "Ada",
      "Triage",
      "triage_agent->math_tutor",
      "Math Tutor",
    ]);
    expect(h.store.pendingReplies()).toEqual([]);
  });

  it("acknowledges a duplicate event id without processing it again", async () => {
    const { h, port } = await setup();
    const first = inbound("Who was Napoleon?");
    await h.service.accept(envelopeOf(first));
    expect(await h.service.accept(envelopeOf({ ...first }))).toEqual({ status: "duplicate" });
    expect(port.delivered).toHaveLength(2);
    expect(h.fakeOpenAI.requests).toHaveLength(2);
  });

  it("ignores empty and whitespace-only text, strips control characters, survives any string", async () => {
    const { h, port } = await setup();
    expect(await h.service.accept(envelopeOf(inbound("   \n\t ")))).toEqual({ status: "ignored", reason: "empty" });
    expect(await h.service.accept(envelopeOf(inbound("\u0000\u0007\u202E")))).toEqual({ status: "ignored", reason: "empty" });
    await h.service.accept(envelopeOf(inbound("Who \u0000was\u0007 Caesar? \uD83C\uDFDB\uFE0F \uDC00")));
    const stored = h.store.transcript(h.store.findConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "t1" })!.id)!;
    expect(stored.messages[0]!.text).toBe("Who was Caesar? \uD83C\uDFDB\uFE0F \uFFFD");
    expect(port.delivered.length).toBe(2);
  });

  it("answers an over-long message with a clear reply and never sends it to the model", async () => {
    const { h, port } = await setup({ limits: { maxInputChars: 100 } });
    const outcome = await h.service.accept(envelopeOf(inbound("x".repeat(101))));
    expect(outcome).toMatchObject({ status: "rejected", reason: "too_long" });
    expect(port.lines()).toEqual([`triage_agent: ${TOO_LONG_NOTICE(100)}`]);
    expect(port.delivered[0]!.kind).toBe("notice");
    expect(h.fakeOpenAI.requests).toHaveLength(0);
    expect(await h.service.accept(envelopeOf(inbound("y".repeat(100))))).toMatchObject({ status: "completed" });
  });

  it("replies kindly when the model fails after its retries, records the turn as failed, loses nothing", async () => {
    const { h, port } = await setup({
      responder: (request) => (request.body.messages.length > 2 ? { status: 503 } : { text: "Routing…", toolCalls: [{ name: "handoff_to_math_tutor" }] }),
    });
    const outcome = await h.service.accept(envelopeOf(inbound("derivative of x^2")));
    expect(outcome).toMatchObject({ status: "failed", errorCode: "model_unavailable" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", `triage_agent: ${UNAVAILABLE_NOTICE}`]);
    const conversation = h.store.findConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "t1" })!;
    const messages = h.store.transcript(conversation.id)!.messages;
    expect(messages[0]).toMatchObject({ role: "user", text: "derivative of x^2", turnStatus: "failed", errorCode: "model_unavailable" });
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    // the next question works, and its history is valid for the API (the fake rejects invalid ones)
    h.fakeOpenAI.setResponder(() => ({ text: "back" }));
    expect(await h.service.accept(envelopeOf(inbound("again?")))).toMatchObject({ status: "completed" });
    expect(h.fakeOpenAI.requests.every((r) => r.rejection === undefined)).toBe(true);
  });

  it("limits each user to N messages a minute with a polite reply, others unaffected", async () => {
    let now = 1_000_000;
    const { h, port } = await setup({ limits: { rateLimitPerMinute: 2 }, now: () => now });
    await h.service.accept(envelopeOf(inbound("q1 history")));
    await h.service.accept(envelopeOf(inbound("q2 history")));
    expect(await h.service.accept(envelopeOf(inbound("q3 history")))).toMatchObject({ status: "rejected", reason: "rate_limited" });
    expect(port.lines().at(-1)).toBe(`triage_agent: ${RATE_LIMIT_NOTICE}`);
    expect(await h.service.accept(envelopeOf(inbound("other user", { user: { id: "u2", name: "Bo" } })))).toMatchObject({ status: "completed" });
    now += 30_000; // half a minute refills one message
    expect(await h.service.accept(envelopeOf(inbound("q4 history")))).toMatchObject({ status: "completed" });
    expect(await h.service.accept(envelopeOf(inbound("q5 history")))).toMatchObject({ status: "rejected" });
  });

  it("handles 50 messages sent at once to one conversation one at a time, in arrival order", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const { h, port } = await setup({
      responder: async (request) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        const last = request.body.messages.at(-1);
        return { text: `answer to ${typeof last?.content === "string" ? last.content : "?"}` };
      },
      agentsFile: await singleAgentRoster(),
    });
    const texts = Array.from({ length: 50 }, (_, i) => `question ${i}`);
    const outcomes = await Promise.all(texts.map((t) => h.service.accept(envelopeOf(inbound(t)))));
    expect(outcomes.every((o) => o.status === "completed")).toBe(true);
    expect(maxInFlight).toBe(1);
    expect(port.delivered.map((r) => r.text)).toEqual(texts.map((t) => `answer to ${t}`));
    const conversation = h.store.findConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "t1" })!;
    const stored = h.store.transcript(conversation.id)!.messages;
    expect(stored.filter((m) => m.role === "user").map((m) => m.text)).toEqual(texts);
    // each answer directly follows its question
    for (let i = 0; i < stored.length; i += 2) expect(stored[i + 1]!.text).toBe(`answer to ${stored[i]!.text}`);
  });

  it("runs 200 conversations at once to completion", async () => {
    const { h, port } = await setup();
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => h.service.accept(envelopeOf(inbound(i % 2 ? "derivative of x^2" : "World War 2", { thread: `t${i}` })))),
    );
    expect(outcomes.filter((o) => o.status === "completed")).toHaveLength(200);
    expect(port.delivered).toHaveLength(400);
    expect((await conversationsOf(h.service, { platform: "test", limit: 500 }))).toHaveLength(200);
  });

  it("sends the model a bounded window of history, however long the conversation", async () => {
    const { h } = await setup({ limits: { historyMessages: 6, historyTokens: 10_000 }, agentsFile: await singleAgentRoster() });
    for (let i = 0; i < 12; i++) await h.service.accept(envelopeOf(inbound(`message ${i}`)));
    const last = h.fakeOpenAI.requests.at(-1)!.body.messages;
    expect(last.filter((m) => m.role !== "system")).toHaveLength(6);
    expect(last.at(-1)).toMatchObject({ role: "user", content: "message 11" });
  });

  it("keeps the active agent across restarts for return-to-previous", async () => {
    const roster = await rosterWith("returnToPrevious: true");
    const first = await startServiceHarness({ agentsFile: roster });
    first.service.registerPort(new RecordingPort());
    await first.service.accept(envelopeOf(inbound("What is the derivative of x^2?")));
    await first.service.close();
    first.db.close();
    harness = await startServiceHarness({ agentsFile: roster, databasePath: first.databasePath });
    harness.service.registerPort(new RecordingPort());
    await harness.service.accept(envelopeOf(inbound("and of x^3?")));
    const system = harness.fakeOpenAI.requests[0]!.body.messages[0];
    expect(system?.content).toMatch(/You provide help with math problems/);
    await first.fakeOpenAI.close();
  });

  it("forgets a user: deletes their messages on that platform only and says how many", async () => {
    const { h } = await setup();
    await h.service.accept(envelopeOf(inbound("derivative of x^2")));
    await h.service.accept(envelopeOf(inbound("World War 2", { user: { id: "u2", name: "Bo" } })));
    await h.service.accept(envelopeOf(inbound("derivative", { platform: "other", thread: "x" })));
    expect((await forgetIn(h.service, "test", "u1"))).toBe(1);
    const transcript = (await transcriptOf(h.service, { platform: "test", workspace: "w1", channel: "c1", thread: "t1" }))!;
    expect(transcript.entries.filter((e) => e.kind === "message" && e.role === "user").map((e) => (e.kind === "message" ? e.author : ""))).toEqual(["Bo"]);
    expect((await forgetIn(h.service, "test", "u1"))).toBe(0);
  });

  it("purges conversations idle past the retention period", async () => {
    let now = Date.UTC(2026, 0, 1);
    const { h } = await setup({ limits: { retentionDays: 30 }, now: () => now });
    await h.service.accept(envelopeOf(inbound("old question", { thread: "old" })));
    now += 20 * 86_400_000;
    await h.service.accept(envelopeOf(inbound("new question", { thread: "new" })));
    now += 15 * 86_400_000;
    expect(await h.service.purgeExpired()).toBe(1);
    expect(h.store.findConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "old" })).toBeUndefined();
    expect(h.store.findConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "new" })).toBeDefined();
  });

  it("retries a reply whose post failed in-process, before the next reply of the conversation", async () => {
    const { h, port } = await setup();
    port.failNext = 2; // e.g. Slack's ok:false internal_error twice
    const outcome = await h.service.accept(envelopeOf(inbound("Who was Napoleon?")));
    expect(outcome).toMatchObject({ status: "completed", replies: 2 });
    expect(port.lines().map((line) => line.split(":")[0])).toEqual(["triage_agent", "history_tutor"]);
    expect(port.attempts.map((a) => a.replyId)).toEqual([port.delivered[0]!.replyId, port.delivered[0]!.replyId, port.delivered[0]!.replyId, port.delivered[1]!.replyId]);
    expect(h.store.pendingReplies()).toEqual([]);
    expect((await h.service.recover()).replies).toBe(0);
    expect(port.delivered).toHaveLength(2);
  });

  it("posts a short notice when a reply still fails after every attempt, and goes on in order", async () => {
    const { h, port } = await setup();
    port.failNext = 5; // the default attempt limit
    await h.service.accept(envelopeOf(inbound("Who was Napoleon?")));
    expect(port.lines()).toEqual([
      `triage_agent: ${UNDELIVERED_NOTICE}`,
      expect.stringMatching(/^history_tutor: /),
    ]);
    expect(h.store.pendingReplies()).toEqual([]);
    expect((await h.service.recover()).replies).toBe(0);
  });

  it("does not retry a reply the platform refused for good", async () => {
    const { h, port } = await setup();
    port.refuseNext = 1;
    await h.service.accept(envelopeOf(inbound("Who was Napoleon?")));
    expect(port.attempts).toHaveLength(3); // the refused reply, the notice, the tutor's reply
    expect(port.lines()[0]).toBe(`triage_agent: ${UNDELIVERED_NOTICE}`);
    // The platform's own reason is kept on the failed row, not only in the log.
    const db = new BetterSqlite3(h.databasePath, { readonly: true });
    try {
      const row = db.prepare("SELECT status, attempts, last_error FROM outbox WHERE id = ?").get(port.attempts[0]!.replyId);
      expect(row).toEqual({ status: "failed", attempts: 1, last_error: "refused: channel_not_found" });
    } finally {
      db.close();
    }
  });

  it("leaves a reply still failing at shutdown pending, and posts it once at the next start", async () => {
    const { h, port } = await setup();
    port.failNext = 1;
    const conversation = h.store.getOrCreateConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "t1" });
    const id = h.store.enqueueNotice(conversation.id, { agentName: "triage_agent", text: "left from before" });
    const recovering = h.service.recover();
    await h.service.close(); // stops the retry wait
    await recovering;
    expect(h.store.pendingReplies().map((r) => r.id)).toEqual([id]);
    const again = await startServiceHarness({ databasePath: h.databasePath });
    const next = new RecordingPort();
    again.service.registerPort(next);
    expect((await again.service.recover()).replies).toBe(1);
    expect(next.lines()).toEqual(["triage_agent: left from before"]);
    await again.close();
  });

  it("gives up with a notice on a turn that was interrupted twice", async () => {
    const { h, port } = await setup();
    const conversation = h.store.getOrCreateConversation({ platform: "test", workspace: "w1", channel: "c1", thread: "t1" });
    const message = h.store.appendUserMessage(conversation.id, { userId: "u1", userName: "Ada", text: "crashes every time" });
    h.store.startTurnAttempt(message.id);
    h.store.startTurnAttempt(message.id);
    expect(await h.service.recover()).toEqual({ replies: 0, turns: 0, queued: 0 });
    expect(port.lines()).toEqual([`triage_agent: ${GAVE_UP_NOTICE}`]);
    expect(h.store.transcript(conversation.id)!.messages[0]).toMatchObject({ turnStatus: "failed", errorCode: "interrupted" });
    expect(h.fakeOpenAI.requests).toHaveLength(0);
  });
});

describe("recovery scope", () => {
  it("leaves the work of platforms without a registered port alone", async () => {
    harness = await startServiceHarness();
    const conversation = harness.store.getOrCreateConversation({ platform: "discord", workspace: "g", channel: "c", thread: "t" });
    harness.store.appendUserMessage(conversation.id, { userId: "u1", userName: "Ada", text: "pending elsewhere" });
    harness.service.registerPort(new RecordingPort("console"));
    expect(await harness.service.recover()).toEqual({ replies: 0, turns: 0, queued: 0 });
    expect(harness.store.pendingTurns()).toHaveLength(1);
    expect(harness.fakeOpenAI.requests).toHaveLength(0);
  });
});

async function rosterWith(options: string): Promise<string> {
  const { readFileSync, writeFileSync, mkdtempSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const text = readFileSync(new URL("../../agents.yaml", import.meta.url), "utf8").replace(/options:[\s\S]*$/, `options:\n  ${options}\n`);
  const path = join(mkdtempSync(join(tmpdir(), "baton-roster-")), "agents.yaml");
  writeFileSync(path, text);
  return path;
}

/** One agent, no handoffs: one model call per turn. */
async function singleAgentRoster(): Promise<string> {
  const { writeFileSync, mkdtempSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const path = join(mkdtempSync(join(tmpdir(), "baton-roster-")), "agents.yaml");
  writeFileSync(path, "start: echo\nagents:\n  - name: echo\n    description: Echoes\n    instructions: Answer.\n");
  return path;
}
