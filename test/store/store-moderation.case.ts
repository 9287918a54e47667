// The store port's contract for what the safety step and moderators read and write: flags, transcripts, listings, files,
// and a student's deletion. Registered by store.case.ts inside its suite, so every implementation runs it.

import { expect, it } from "vitest";
import type { StorePort } from "../../src/bot/store-port.js";

const thread = (id: string, workspace = "guild-1") => ({ platform: "discord", workspace, channel: "homework", thread: id });

export function moderationContract(start: () => Promise<{ port: StorePort }>): void {
  it("a blocked message leaves the history with its turn; moderators list flags newest first, without outage marks, reviewed once", async () => {
    const { port } = await start();
    const conversation = await port.conversations.getOrCreate(thread("t1"));
    const turn = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "a cry for help" });
    const common = { conversationId: conversation.id, userId: "u1", userName: "Ada", source: "input" as const };
    const blocked = await port.flags.block(turn.id, { ...common, categories: { "self-harm": 0.9 }, severity: "urgent", text: "a cry for help" });
    expect(await port.messages.window(conversation.id, { maxMessages: 10, maxTokens: 10_000 })).toEqual([]);
    expect(await port.turns.pending()).toEqual([]);
    expect(await port.turns.status(turn.id)).toBeUndefined();
    // Moderation was down for the next one: an outage mark, kept for the transcript, never in the moderators' queue.
    const next = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "hello?" });
    const unchecked = await port.flags.record({ ...common, messageId: next.id, categories: {}, action: "unchecked", severity: "none", text: "hello?" });
    expect(await port.flags.get(blocked)).toMatchObject({ action: "block", messageId: undefined, text: "a cry for help", userName: "Ada", key: thread("t1") });
    const other = await port.conversations.getOrCreate(thread("t2", "guild-2"));
    await port.flags.record({ ...common, conversationId: other.id, categories: { violence: 0.8 }, action: "answer", severity: "alert", text: "elsewhere" });
    const answered = await port.flags.record({ ...common, categories: { harassment: 0.7 }, action: "answer", severity: "flag", text: "rude" });
    expect((await port.flags.ofConversation(conversation.id)).map((f) => f.id)).toEqual([blocked, unchecked, answered]);
    const scope = { platform: "discord", workspace: "guild-1" };
    expect((await port.flags.list(scope)).map((f) => f.id)).toEqual([answered, blocked]);
    expect((await port.flags.list({ ...scope, limit: 1 })).map((f) => f.id)).toEqual([answered]);
    expect(await port.flags.markReviewed(answered, "Ms Smith")).toBe(true);
    expect(await port.flags.markReviewed(answered, "Mr Jones")).toBe(false);
    expect(await port.flags.get(answered)).toMatchObject({ reviewedBy: "Ms Smith", reviewedAt: expect.any(Number) });
    expect((await port.flags.list(scope)).map((f) => f.id)).toEqual([blocked]);
    expect((await port.flags.list({ ...scope, includeReviewed: true })).map((f) => f.id)).toEqual([answered, blocked]);
    expect(await port.flags.markReviewed(answered + 100, "Ms Smith")).toBe(false);
  });

  it("a turn's answers are the agents' messages after the student's, each with its outbox row and where it was posted", async () => {
    const { port } = await start();
    const conversation = await port.conversations.getOrCreate(thread("t1"));
    const first = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "q1" });
    const reply = (agent: string, text: string) =>
      port.messages.appendAgentReply(conversation.id, { message: { role: "assistant", text, authorAgent: agent }, reply: { agentName: agent, text } });
    const a = await reply("triage_agent", "over to the tutor");
    // An assistant message with no outbox row (a tool-call step) is no answer that was posted.
    await port.messages.append(conversation.id, [{ role: "assistant", text: "", authorAgent: "math_tutor" }]);
    const b = await reply("math_tutor", "4");
    await port.outbox.markSent(b.outboxId!, "m-4");
    const second = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "q2" });
    const c = await reply("math_tutor", "5");
    expect(await port.flags.answersAfter(conversation.id, first.seq)).toEqual([
      { messageId: a.message.id, agentName: "triage_agent", text: "over to the tutor", outboxId: a.outboxId, platformMessageId: undefined },
      { messageId: b.message.id, agentName: "math_tutor", text: "4", outboxId: b.outboxId, platformMessageId: "m-4" },
      { messageId: c.message.id, agentName: "math_tutor", text: "5", outboxId: c.outboxId, platformMessageId: undefined },
    ]);
    expect((await port.flags.answersAfter(conversation.id, second.seq)).map((x) => x.text)).toEqual(["5"]);
    expect(await port.flags.answersAfter(conversation.id, c.message.seq)).toEqual([]);
  });

  it("a transcript holds the messages and handoffs in order; the listing is newest first within its filter; files list per conversation", async () => {
    const { port } = await start();
    const conversation = await port.conversations.getOrCreate(thread("t1"));
    const question = await port.messages.appendStudent(conversation.id, { userId: "u1", userName: "Ada", text: "q" });
    const step = await port.messages.appendAgentReply(conversation.id, {
      message: { role: "assistant", text: "a", authorAgent: "math_tutor" },
      reply: { agentName: "math_tutor", text: "a" },
      handoff: { from: "triage_agent", to: "math_tutor", reason: "math" },
    });
    await port.attachments.add({ messageId: question.id, origin: "upload", kind: "image", mediaType: "image/png", fileName: "a.png", data: new Uint8Array([1, 2, 3]) });
    await port.attachments.add({ messageId: step.message.id, origin: "rendered", kind: "image", mediaType: "image/png", fileName: "math.png", data: new Uint8Array([4]), altText: "x^2" });
    const stored = await port.transcripts.of(conversation.id);
    expect(stored?.conversation).toMatchObject({ id: conversation.id, key: thread("t1") });
    expect(stored?.messages.map((m) => [m.id, m.role, m.text])).toEqual([[question.id, "user", "q"], [step.message.id, "assistant", "a"]]);
    expect(stored?.handoffs.map((h) => [h.id, h.messageId, h.from, h.to, h.reason])).toEqual([[step.handoffId, step.message.id, "triage_agent", "math_tutor", "math"]]);
    expect(await port.transcripts.of(conversation.id + 100)).toBeUndefined();
    const files = await port.attachments.ofConversation(conversation.id);
    expect(files.map((f) => [f.messageId, f.fileName, f.byteSize, f.origin, f.altText])).toEqual([
      [question.id, "a.png", 3, "upload", undefined],
      [step.message.id, "math.png", 1, "rendered", "x^2"],
    ]);
    expect(files[0]).not.toHaveProperty("data");
    const later = await port.conversations.getOrCreate(thread("t2"));
    await port.messages.appendStudent(later.id, { userId: "u2", userName: "Bo", text: "hi" });
    const elsewhere = await port.conversations.getOrCreate(thread("t3", "guild-2"));
    const listed = await port.transcripts.list({ platform: "discord", workspace: "guild-1" });
    expect(listed.map((c) => [c.id, c.messageCount])).toEqual([[later.id, 1], [conversation.id, 2]]);
    expect(listed[1]).toMatchObject({ lastAgent: "math_tutor", key: thread("t1") });
    expect((await port.transcripts.list({ platform: "discord", workspace: "guild-1", limit: 1 })).map((c) => c.id)).toEqual([later.id]);
    expect((await port.transcripts.list({ platform: "discord" })).map((c) => c.id).sort()).toEqual([conversation.id, later.id, elsewhere.id].sort());
    expect(await port.transcripts.list({ platform: "discord", channel: "other" })).toEqual([]);
    expect(await port.transcripts.list({ platform: "slack" })).toEqual([]);
  });

  it("a forgotten student's flags, alerts, usage and messages are gone; another student's and another workspace's stay", async () => {
    const { port } = await start();
    const ada = await port.acceptInbound({
      thread: thread("t1"),
      event: { platform: "discord", eventId: "e1" },
      place: () => ({ kind: "message", message: { role: "user", text: "secret", userId: "u1", userName: "Ada" }, opensTurn: true, files: [] }),
    });
    const conversationId = ada!.conversation.id;
    await port.messages.appendStudent(conversationId, { userId: "u2", userName: "Bo", text: "mine" });
    const flag = (userId: string, id = conversationId) =>
      port.flags.record({ conversationId: id, userId, source: "input", categories: { harassment: 0.9 }, action: "answer", severity: "urgent", text: userId });
    const adaFlag = await flag("u1");
    const boFlag = await flag("u2");
    const away = await port.conversations.getOrCreate(thread("t9", "guild-2"));
    await port.messages.appendStudent(away.id, { userId: "u1", userName: "Ada", text: "elsewhere" });
    const awayFlag = await flag("u1", away.id);
    for (const id of [adaFlag, boFlag, awayFlag]) await port.safetyAlerts.claim(id, { conversationId, categories: ["harassment"], urgent: true, windowMs: 3_600_000 });
    const usage = (userId: string, workspace: string) => ({ platform: "discord", workspace, userId, day: "2026-12-02", model: "m", promptTokens: 5, completionTokens: 1 });
    await port.usage.add(usage("u1", "guild-1"));
    await port.usage.add(usage("u2", "guild-1"));
    await port.usage.add(usage("u1", "guild-2"));
    // The service's deletion, made of the port's repositories only, in one transaction.
    const deleted = await port.transaction(async (tx) => {
      await tx.flags.forgetUser("discord", "u1", "guild-1");
      await tx.usage.forgetUser("discord", "u1", "guild-1");
      return tx.retention.forgetUser("discord", "u1", "guild-1");
    });
    expect(deleted).toBe(1);
    expect(await port.flags.get(adaFlag)).toBeUndefined();
    expect((await port.safetyAlerts.pending()).map((f) => f.id)).toEqual([boFlag, awayFlag]);
    expect((await port.flags.ofConversation(conversationId)).map((f) => f.userId)).toEqual(["u2"]);
    const day = { platform: "discord", fromDay: "2026-12-02", toDay: "2026-12-02" };
    expect(await port.usage.totals({ ...day, workspace: "guild-1", userId: "u1" })).toEqual([]);
    expect(await port.usage.totals({ ...day, workspace: "guild-1", userId: "u2" })).toHaveLength(1);
    expect(await port.usage.totals({ ...day, workspace: "guild-2", userId: "u1" })).toHaveLength(1);
    const left = await port.transcripts.of(conversationId);
    expect(left?.messages.map((m) => m.userId)).toEqual(["u2"]);
    expect((await port.turns.pending()).map((p) => p.message.text)).toEqual(["mine", "elsewhere"]);
    expect((await port.transcripts.of(away.id))?.messages.map((m) => m.text)).toEqual(["elsewhere"]);
    expect((await port.flags.get(awayFlag))?.userId).toBe("u1");
  });
}
