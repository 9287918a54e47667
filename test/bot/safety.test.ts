// The safety step in the service: moderation before any agent, flagged answers withheld, outages let through, caps, alerts.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { USAGE_CAP_NOTICE } from "../../src/bot/usage-meter.js";
import { DEFAULT_HELP_RESOURCES } from "../../src/config/safety-policy.js";
import { FlagStore } from "../../src/store/flag-store.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness, type ServiceHarnessOptions } from "../support/service-harness.js";
import { forgetIn, transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

let eventCounter = 0;
const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
function inbound(text: string, over: Partial<InboundMessage> = {}): InboundMessage {
  return { ...ref, eventId: `safety-ev-${++eventCounter}`, user: { id: "u1", name: "Ada" }, text, platformMessageId: `pm-${eventCounter}`, ...over };
}

async function setup(options: ServiceHarnessOptions = {}) {
  harness = await startServiceHarness({ safety: { moderation: true }, ...options });
  const port = new RecordingPort();
  harness.service.registerPort(port);
  return { h: harness, port, safety: harness.service.classroomSafety()! };
}

const chatRequests = (h: ServiceHarness) => h.fakeOpenAI.requests.length;

describe("moderation before any agent runs", () => {
  it("blocks a self-harm message: no model call, the caring reply with help resources, an urgent flag and alert", async () => {
    const { h, port, safety } = await setup();
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.9 });
    const outcome = await h.service.accept(envelopeOf(inbound("I want to die, nothing matters")));
    expect(outcome).toMatchObject({ status: "rejected", reason: "blocked" });
    expect(chatRequests(h)).toBe(0);
    expect(port.delivered).toHaveLength(1);
    expect(port.delivered[0]!.kind).toBe("notice");
    expect(port.delivered[0]!.text).toContain(DEFAULT_HELP_RESOURCES);
    const [flag] = await safety.listFlags({ platform: "test", workspace: "w1" });
    expect(flag).toMatchObject({ action: "block", severity: "urgent", source: "input", userId: "u1", messageId: undefined, platformMessageId: `pm-${eventCounter}` });
    expect(flag!.categories).toEqual({ "self-harm/intent": 0.96, "self-harm": 0.9 });
    await safety.settled();
    expect(port.alerts).toHaveLength(1);
    expect(port.alerts[0]).toMatchObject({ severity: "urgent", student: { id: "u1", name: "Ada" }, excerpt: "I want to die, nothing matters", thread: ref });

    // The blocked message never reaches an agent later either: the next question's history does not hold it.
    await h.service.accept(envelopeOf(inbound("What is 2+2?")));
    const sent = JSON.stringify(h.fakeOpenAI.requests.map((r) => r.body.messages));
    expect(sent).not.toContain("want to die");
    // Moderators still read it in the transcript, marked as blocked; the agents' history window never holds it.
    const shown = (await transcriptOf(h.service, ref))!.entries.filter((e) => e.kind === "message" && e.text.includes("want to die"));
    expect(shown.map((e) => e.kind === "message" && e.flags.map((f) => f.action))).toEqual([["block"]]);
    const conversation = h.store.findConversation(ref)!;
    expect(h.store.loadWindow(conversation.id, { maxMessages: 100, maxTokens: 100_000 }).some((m) => m.text.includes("want to die"))).toBe(false);
  });

  it("lets a violent-but-answerable message through with a (throttled) alert; urgent alerts are never throttled", async () => {
    // Answers that do not quote the question, so that only the students' messages are flagged.
    const { h, port, safety } = await setup({ responder: () => ({ text: "Many, on both sides." }) });
    h.fakeOpenAI.moderations.script("battle", { violence: 0.7 });
    h.fakeOpenAI.moderations.script("hurt myself", { "self-harm/intent": 0.9 });
    expect(await h.service.accept(envelopeOf(inbound("How many died in the battle of Hastings?")))).toMatchObject({ status: "completed" });
    expect(await h.service.accept(envelopeOf(inbound("And the battle of Stamford Bridge?")))).toMatchObject({ status: "completed" });
    expect((await safety.listFlags({ platform: "test", workspace: "w1" })).map((f) => [f.action, f.severity])).toEqual([
      ["answer", "alert"],
      ["answer", "alert"],
    ]);
    await safety.settled();
    expect(port.alerts.map((a) => a.severity)).toEqual(["alert"]);
    await h.service.accept(envelopeOf(inbound("I hurt myself")));
    await h.service.accept(envelopeOf(inbound("I will hurt myself again")));
    await safety.settled();
    expect(port.alerts.map((a) => a.severity)).toEqual(["alert", "urgent", "urgent"]);
  });

  it("cuts an alert's excerpt to 200 characters", async () => {
    const { h, port, safety } = await setup();
    h.fakeOpenAI.moderations.script("kill myself", { "self-harm/intent": 0.9 });
    await h.service.accept(envelopeOf(inbound(`I want to kill myself ${"because ".repeat(60)}`)));
    await safety.settled();
    expect([...port.alerts[0]!.excerpt]).toHaveLength(200);
    expect(port.alerts[0]!.excerpt.endsWith("…")).toBe(true);
  });

  it("an outage lets the turn through, marks the message unchecked, and warns once", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    const { h, port, safety } = await setup({ logger });
    h.fakeOpenAI.moderations.failWith({ status: 503 });
    expect(await h.service.accept(envelopeOf(inbound("What is 2+2?")))).toMatchObject({ status: "completed" });
    expect(await h.service.accept(envelopeOf(inbound("And 3+3?")))).toMatchObject({ status: "completed" });
    expect(port.delivered.filter((r) => r.kind === "agent")).toHaveLength(4);
    expect((await safety.flagsOf(1)).map((f) => f.action)).toEqual(["unchecked", "unchecked"]);
    expect(await safety.listFlags({ platform: "test", workspace: "w1" })).toEqual([]);
    expect(lines.filter((l) => l.includes("moderation is failing"))).toHaveLength(1);
    h.fakeOpenAI.moderations.failWith(undefined);
    await h.service.accept(envelopeOf(inbound("And 4+4?")));
    h.fakeOpenAI.moderations.failWith({ status: 429 });
    await h.service.accept(envelopeOf(inbound("And 5+5?")));
    expect(lines.filter((l) => l.includes("moderation is failing"))).toHaveLength(2);
  });
});

describe("each answer is checked too", () => {
  it("a flagged answer is replaced on the platform by the withheld notice and kept for moderators", async () => {
    const { h, port, safety } = await setup();
    h.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    await h.service.accept(envelopeOf(inbound("Tell me about Hastings?")));
    const answer = port.delivered.find((r) => r.agent.name === "history_tutor")!;
    await safety.settled();
    expect(port.replaced).toHaveLength(1);
    expect(port.replaced[0]!.reply.replyId).toBe(answer.replyId);
    expect(port.replaced[0]!.text).toMatch(/withheld/);
    const [flag] = await safety.listFlags({ platform: "test", workspace: "w1" });
    expect(flag).toMatchObject({ source: "output", action: "withhold", text: answer.text, platformMessageId: "test-msg-2" });
    expect((await transcriptOf(h.service, ref))!.entries.some((e) => e.kind === "message" && e.text === answer.text)).toBe(true);
  });
});

describe("a withheld answer's edit", () => {
  it("runs beside the conversation, retried while the platform fails, and logged once", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }));
    const { h, port, safety } = await setup({ logger });
    port.failReplacements = 2;
    h.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
    expect(await h.service.accept(envelopeOf(inbound("Tell me about Hastings?")))).toMatchObject({ status: "completed" });
    await safety.settled();
    expect(port.replaceAttempts).toBe(3);
    expect(port.replaced).toHaveLength(1);
    expect(lines.filter((l) => l.includes("could not replace a withheld answer"))).toHaveLength(1);
  });
});

describe("usage caps", () => {
  it("over the student's daily cap: a polite notice and no model call; other students go on", async () => {
    const { h, port } = await setup({ safety: { moderation: false, caps: { dailyTokensPerUser: 1 } } });
    expect(await h.service.accept(envelopeOf(inbound("What is 2+2?")))).toMatchObject({ status: "completed" });
    const calls = chatRequests(h);
    expect(await h.service.accept(envelopeOf(inbound("What is 3+3?")))).toMatchObject({ status: "rejected", reason: "usage_cap" });
    expect(chatRequests(h)).toBe(calls);
    expect(port.delivered.at(-1)!.text).toBe(USAGE_CAP_NOTICE);
    expect(await h.service.accept(envelopeOf(inbound("What is 4+4?", { user: { id: "u2", name: "Bo" }, thread: "t2" })))).toMatchObject({ status: "completed" });
    expect((await h.service.classroomSafety()!.usageReport({ platform: "test", workspace: "w1" })).today.totalTokens).toBeGreaterThan(0);
  });

  it("counts each agent step's tokens once, as the step commits; a turn that fails after its handoff still counts the first step", async () => {
    const { h, safety } = await setup({ safety: { moderation: false } });
    const today = async () => (await safety.usageReport({ platform: "test", workspace: "w1" })).today;
    const triage = (promptTokens: number, completionTokens: number) => ({
      text: "A math question: over to the math tutor.",
      toolCalls: [{ name: "handoff_to_math_tutor", arguments: { reason: "math" } }],
      usage: { promptTokens, completionTokens },
    });
    h.fakeOpenAI.enqueue(triage(100, 10), { text: "2+2 is 4.", usage: { promptTokens: 200, completionTokens: 20 } });
    expect(await h.service.accept(envelopeOf(inbound("What is 2+2?")))).toMatchObject({ status: "completed" });
    expect(await today()).toMatchObject({ promptTokens: 300, completionTokens: 30 });
    h.fakeOpenAI.enqueue(triage(50, 5), { status: 400, message: "The tutor's request was refused." });
    expect(await h.service.accept(envelopeOf(inbound("What is 3+3?", { thread: "t2" })))).toMatchObject({ status: "failed" });
    expect(await today()).toMatchObject({ promptTokens: 350, completionTokens: 35 });
  });

  it("over the workspace's cap nobody in it gets a model call", async () => {
    const { h } = await setup({ safety: { caps: { dailyTokensPerWorkspace: 1 } } });
    await h.service.accept(envelopeOf(inbound("What is 2+2?")));
    expect(await h.service.accept(envelopeOf(inbound("What is 4+4?", { user: { id: "u2", name: "Bo" }, thread: "t2" })))).toMatchObject({ reason: "usage_cap" });
  });
});

describe("Azure's content filter", () => {
  it("a prompt refused with content_filter gets the policy's reply and an urgent flag, not the unavailable notice", async () => {
    const { h, port, safety } = await setup({ safety: { moderation: false } });
    h.fakeOpenAI.enqueue({
      status: 400,
      code: "content_filter",
      innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: { self_harm: { filtered: true, severity: "high" } } },
    });
    expect(await h.service.accept(envelopeOf(inbound("something awful")))).toMatchObject({ status: "failed", errorCode: "model_content_filtered" });
    expect(port.delivered.map((r) => r.text)).toEqual([expect.stringContaining(DEFAULT_HELP_RESOURCES)]);
    expect((await safety.listFlags({ platform: "test", workspace: "w1" }))[0]).toMatchObject({ action: "block", severity: "urgent", categories: { "self-harm": 0.9 } });
    await safety.settled();
    expect(port.alerts).toHaveLength(1);
  });
});

describe("forgetting a student", () => {
  it("reaches their flags and usage", async () => {
    const { h, safety } = await setup({ safety: { moderation: true, caps: { dailyTokensPerUser: 1_000_000 } } });
    h.fakeOpenAI.moderations.script("hurt myself", { "self-harm/intent": 0.9 });
    await h.service.accept(envelopeOf(inbound("I hurt myself")));
    await h.service.accept(envelopeOf(inbound("What is 2+2?")));
    expect(await safety.listFlags({ platform: "test", workspace: "w1" })).toHaveLength(1);
    (await forgetIn(h.service, "test", "u1", "w1"));
    expect(await safety.listFlags({ platform: "test", workspace: "w1" })).toEqual([]);
    expect((await safety.usageReport({ platform: "test", workspace: "w1" })).today.totalTokens).toBe(0);
  });
});

describe("alerts to the moderators' channel", () => {
  const warnLines = (): { lines: string[]; logger: pino.Logger } => {
    const lines: string[] = [];
    return { lines, logger: pino({ level: "info" }, new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) })) };
  };

  it("never holds the student's turn: the caring reply is posted while the alert channel is still answering", async () => {
    const { h, port, safety } = await setup();
    let release!: () => void;
    port.alertGate = new Promise((resolve) => (release = resolve));
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    expect(await h.service.accept(envelopeOf(inbound("I want to die")))).toMatchObject({ status: "rejected", reason: "blocked" });
    expect(port.delivered.map((r) => r.kind)).toEqual(["notice"]);
    expect(port.alertAttempts).toBe(1);
    expect(port.alerts).toEqual([]);
    release();
    await safety.settled();
    expect(port.alerts).toHaveLength(1);
  });

  it("a failing alert channel is logged once and retried until the alert is posted", async () => {
    const { lines, logger } = warnLines();
    const { h, port, safety } = await setup({ logger });
    port.failAlerts = 3;
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    await h.service.accept(envelopeOf(inbound("I want to die")));
    await safety.settled();
    expect(port.alertAttempts).toBe(4);
    expect(port.alerts).toHaveLength(1);
    expect(lines.filter((l) => l.includes("could not post a safety alert"))).toHaveLength(1);
    expect((await safety.flagsOf(1))[0]).toMatchObject({ alert: "sent" });
  });

  it("the hour's dedupe is kept in the database: after a restart the same category is not alerted again within the hour", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-alerts-"));
    try {
      let clock = Date.parse("2026-12-02T10:00:00Z");
      const now = () => clock;
      const options = { databasePath: join(dir, "baton.db"), now, responder: () => ({ text: "Many, on both sides." }), safety: { moderation: true } };
      const first = await startServiceHarness(options);
      const firstPort = new RecordingPort();
      first.service.registerPort(firstPort);
      first.fakeOpenAI.moderations.script("battle", { violence: 0.7 });
      await first.service.accept(envelopeOf(inbound("How many died in the battle of Hastings?")));
      await first.close();
      expect(firstPort.alerts).toHaveLength(1);

      clock += 30 * 60_000;
      harness = await startServiceHarness(options);
      const port = new RecordingPort();
      harness.service.registerPort(port);
      harness.fakeOpenAI.moderations.script("battle", { violence: 0.7 });
      await harness.service.accept(envelopeOf(inbound("And the battle of Stamford Bridge?")));
      await harness.service.classroomSafety()!.settled();
      expect(port.alerts).toEqual([]);

      clock += 31 * 60_000;
      await harness.service.accept(envelopeOf(inbound("And the battle of Agincourt?")));
      await harness.service.classroomSafety()!.settled();
      expect(port.alerts.map((a) => a.categories)).toEqual([{ violence: 0.7 }]);
      await harness.close();
      harness = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a platform without an alert channel claims no alert: the flag is stored, not marked alerted", async () => {
    harness = await startServiceHarness({ safety: { moderation: true } });
    const recording = new RecordingPort();
    harness.service.registerPort({ platform: "test", deliver: (reply) => recording.deliver(reply) });
    harness.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    await harness.service.accept(envelopeOf(inbound("I want to die")));
    const safety = harness.service.classroomSafety()!;
    await safety.settled();
    expect(await safety.listFlags({ platform: "test", workspace: "w1" })).toMatchObject([{ action: "block", severity: "urgent", alert: undefined }]);
  });

  it("an alert decided before a restart but never posted is posted by recovery", async () => {
    const { h, port, safety } = await setup();
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
    // Decided and pending, as a process killed before the post would leave it.
    const conversation = h.store.getOrCreateConversation(ref);
    const flags = new FlagStore(h.db, Date.now);
    const id = flags.record({ conversationId: conversation.id, userId: "u1", userName: "Ada", source: "input", categories: { "self-harm/intent": 0.96 }, action: "block", severity: "urgent", text: "I want to die", platformMessageId: "pm-x" });
    expect(flags.claimAlert(id, { conversationId: conversation.id, categories: ["self-harm/intent"], urgent: true, windowMs: 3_600_000 })).toBe(true);
    await h.service.recover();
    await safety.settled();
    expect(port.alerts).toEqual([expect.objectContaining({ flagId: id, severity: "urgent", student: { id: "u1", name: "Ada" }, platformMessageId: "pm-x", excerpt: "I want to die" })]);
    expect(flags.pendingAlerts()).toEqual([]);
  });
});
