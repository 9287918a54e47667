// ConversationStore: dedupe, conversations, messages and turns, one-transaction agent steps, transcripts, two connections.

import { describe, expect, it } from "vitest";
import { ConversationStore, StoreError, openDatabase } from "../../src/store/index.js";
import { closeAfterTest, tempStore, thread } from "./temp-database.js";

describe("inbound events", () => {
  it("reports a duplicate event as not new, per platform", () => {
    const { store } = tempStore();
    expect(store.recordInboundEvent("slack", "Ev1")).toBe(true);
    expect(store.recordInboundEvent("slack", "Ev1")).toBe(false);
    expect(store.recordInboundEvent("discord", "Ev1")).toBe(true);
  });

  it("prunes events received before the cutoff", () => {
    const { store, clock } = tempStore();
    store.recordInboundEvent("slack", "old");
    clock.now += 1000;
    store.recordInboundEvent("slack", "new");
    expect(store.pruneInboundEvents(clock.now)).toBe(1);
    expect(store.recordInboundEvent("slack", "old")).toBe(true);
    expect(store.recordInboundEvent("slack", "new")).toBe(false);
  });
});

describe("conversations", () => {
  it("creates one conversation per thread and finds it again", () => {
    const { store, clock } = tempStore();
    const created = store.getOrCreateConversation(thread("t1"));
    expect(created).toMatchObject({
      key: thread("t1"),
      activeAgent: null,
      status: "open",
      createdAt: clock.now,
      updatedAt: clock.now,
    });
    expect(store.getOrCreateConversation(thread("t1")).id).toBe(created.id);
    expect(store.findConversation(thread("t1"))).toEqual(created);
    expect(store.getConversation(created.id)).toEqual(created);
    expect(store.findConversation(thread("t2"))).toBeUndefined();
    expect(store.getOrCreateConversation(thread("t2")).id).not.toBe(created.id);
    expect(store.getOrCreateConversation(thread("t1", { platform: "slack" })).id).not.toBe(created.id);
  });

  it("persists the active agent; updated_at is the student's last activity, moved by user messages only", () => {
    const { store, clock } = tempStore();
    const { id, updatedAt: created } = store.getOrCreateConversation(thread("t1"));
    clock.now += 5;
    store.setActiveAgent(id, "math_tutor");
    store.appendMessages(id, [{ role: "assistant", text: "hi", authorAgent: "math_tutor" }]);
    expect(store.getConversation(id)).toMatchObject({ activeAgent: "math_tutor", updatedAt: created });
    clock.now += 5;
    store.appendUserMessage(id, { userId: "u1", userName: "Ada", text: "thanks" });
    expect(store.getConversation(id)?.updatedAt).toBe(clock.now);
    store.setActiveAgent(id, null);
    expect(store.getConversation(id)?.activeAgent).toBeNull();
    expect(() => store.setActiveAgent(id + 100, "x")).toThrow(StoreError);
  });
});

describe("messages and turns", () => {
  it("numbers messages 1, 2, 3… per conversation and reads them back as written", () => {
    const { store } = tempStore();
    const a = store.getOrCreateConversation(thread("a")).id;
    const b = store.getOrCreateConversation(thread("b")).id;
    const user = store.appendUserMessage(a, { userId: "u1", userName: "Ada", text: "What is 2+2?", platformMessageId: "m1" });
    expect(user).toMatchObject({ seq: 1, role: "user", turnStatus: "pending", userId: "u1", userName: "Ada" });
    expect(user.tokenEstimate).toBe(Math.ceil("What is 2+2?".length / 4));
    expect(store.appendUserMessage(b, { userId: "u2", userName: "Bo", text: "hi" }).seq).toBe(1);

    const call = { id: "call_1", name: "handoff_to_math_tutor", arguments: '{"reason":"math"}' };
    const [assistant, tool] = store.appendMessages(a, [
      { role: "assistant", text: "Handing off.", authorAgent: "triage_agent", toolCalls: [call], usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13 } },
      { role: "tool", text: "Transferred.", authorAgent: "triage_agent", toolCallId: "call_1" },
    ]);
    expect(assistant?.seq).toBe(2);
    expect(tool?.seq).toBe(3);
    expect(assistant?.tokenEstimate).toBe(Math.ceil(("Handing off." + JSON.stringify([call])).length / 4));

    const stored = store.transcript(a)?.messages;
    expect(stored).toEqual([user, assistant, tool]);
    expect(stored?.[1]?.toolCalls).toEqual([call]);
    expect(stored?.[1]?.usage).toEqual({ promptTokens: 10, completionTokens: 3, totalTokens: 13 });
    expect(stored?.[2]?.toolCallId).toBe("call_1");
  });

  it("writes all messages of appendMessages or none", () => {
    const { store, db } = tempStore();
    const id = store.getOrCreateConversation(thread("a")).id;
    const bad = { role: "robot", text: "nope" } as unknown as { role: "assistant"; text: string };
    expect(() => store.appendMessages(id, [{ role: "assistant", text: "ok", authorAgent: "x" }, bad])).toThrow();
    expect(db.prepare("SELECT count(*) FROM messages").pluck().get()).toBe(0);
    expect(store.appendMessages(id, [{ role: "assistant", text: "ok", authorAgent: "x" }])[0]?.seq).toBe(1);
  });

  it("refuses rows for a conversation that does not exist, with a StoreError", () => {
    const { store } = tempStore();
    expect(() => store.appendUserMessage(42, { userId: "u", userName: "U", text: "hi" })).toThrow(StoreError);
    expect(() => store.appendMessages(42, [{ role: "assistant", text: "hi" }])).toThrow(StoreError);
    expect(() => store.enqueueNotice(42, { agentName: "a", text: "hi" })).toThrow(StoreError);
    expect(() => store.recordHandoff(42, { from: "a", to: "b" })).toThrow(StoreError);
    expect(() => store.appendAgentReply(42, { message: { role: "assistant", text: "hi" } })).toThrow(StoreError);
  });

  it("tracks turn attempts and completion; pendingTurns lists unfinished turns oldest first", () => {
    const { store } = tempStore();
    const a = store.getOrCreateConversation(thread("a"));
    const b = store.getOrCreateConversation(thread("b"));
    const first = store.appendUserMessage(a.id, { userId: "u1", userName: "Ada", text: "one" });
    const second = store.appendUserMessage(b.id, { userId: "u2", userName: "Bo", text: "two" });
    const third = store.appendUserMessage(a.id, { userId: "u1", userName: "Ada", text: "three" });
    store.appendMessages(a.id, [{ role: "assistant", text: "answer", authorAgent: "math_tutor" }]);

    expect(store.startTurnAttempt(first.id)).toBe(1);
    expect(store.startTurnAttempt(first.id)).toBe(2);
    store.completeTurn(first.id, "completed");
    store.completeTurn(second.id, "failed", "model_unavailable");

    const pending = store.pendingTurns();
    expect(pending.map((p) => p.message.id)).toEqual([third.id]);
    expect(pending[0]?.conversation.key).toEqual(thread("a"));

    const turns = store.transcript(a.id)?.messages.filter((m) => m.role === "user");
    expect(turns?.map((m) => [m.turnStatus, m.turnAttempts])).toEqual([["completed", 2], ["pending", 0]]);
    expect(store.transcript(b.id)?.messages[0]).toMatchObject({ turnStatus: "failed", errorCode: "model_unavailable" });
    expect(() => store.startTurnAttempt(999)).toThrow(StoreError);
  });

  it("orders pending turns across conversations by arrival", () => {
    const { store } = tempStore();
    const a = store.getOrCreateConversation(thread("a")).id;
    const b = store.getOrCreateConversation(thread("b")).id;
    const ids = [
      store.appendUserMessage(b, { userId: "u", userName: "U", text: "1" }).id,
      store.appendUserMessage(a, { userId: "u", userName: "U", text: "2" }).id,
      store.appendUserMessage(b, { userId: "u", userName: "U", text: "3" }).id,
    ];
    expect(store.pendingTurns().map((p) => p.message.id)).toEqual(ids);
  });
});

describe("appendAgentReply", () => {
  it("commits the message, its outbox row and its handoff together", () => {
    const { store } = tempStore();
    const id = store.getOrCreateConversation(thread("a")).id;
    const result = store.appendAgentReply(id, {
      message: { role: "assistant", text: "This is a math question.", authorAgent: "triage_agent" },
      reply: { agentName: "triage_agent", text: "This is a math question." },
      handoff: { from: "triage_agent", to: "math_tutor", reason: "math" },
    });
    expect(result.outboxId).toBeTypeOf("number");
    expect(result.handoffId).toBeTypeOf("number");
    expect(store.pendingReplies()).toEqual([
      expect.objectContaining({ id: result.outboxId, messageId: result.message.id, kind: "agent", key: thread("a") }),
    ]);
    expect(store.transcript(id)?.handoffs).toEqual([
      expect.objectContaining({ id: result.handoffId, messageId: result.message.id, from: "triage_agent", to: "math_tutor" }),
    ]);
  });

  it("leaves no trace when any part fails", () => {
    const { store, db } = tempStore();
    const id = store.getOrCreateConversation(thread("a")).id;
    const badKind = "shout" as unknown as "agent";
    expect(() =>
      store.appendAgentReply(id, {
        message: { role: "assistant", text: "hi", authorAgent: "a" },
        reply: { agentName: "a", text: "hi", kind: badKind },
      }),
    ).toThrow();
    expect(db.prepare("SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM outbox)").pluck().get()).toBe(0);
  });

  it("omits outboxId and handoffId when there is nothing to post or hand off", () => {
    const { store } = tempStore();
    const id = store.getOrCreateConversation(thread("a")).id;
    const result = store.appendAgentReply(id, { message: { role: "assistant", text: "thinking", authorAgent: "a" } });
    expect(Object.keys(result)).toEqual(["message"]);
  });
});

describe("transaction", () => {
  it("rolls back everything done inside when fn throws", () => {
    const { store } = tempStore();
    const id = store.getOrCreateConversation(thread("a")).id;
    expect(() =>
      store.transaction(() => {
        store.appendUserMessage(id, { userId: "u", userName: "U", text: "hi" });
        store.setActiveAgent(id, "math_tutor");
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(store.transcript(id)?.messages).toEqual([]);
    expect(store.getConversation(id)?.activeAgent).toBeNull();
  });
});

describe("transcript", () => {
  it("returns the conversation, its messages in order and its handoffs", () => {
    const { store } = tempStore();
    const id = store.getOrCreateConversation(thread("a")).id;
    store.appendUserMessage(id, { userId: "u", userName: "U", text: "When did Rome fall?" });
    const reply = store.appendAgentReply(id, {
      message: { role: "assistant", text: "History!", authorAgent: "triage_agent" },
      handoff: { from: "triage_agent", to: "history_tutor" },
    });
    const later = store.recordHandoff(id, { from: "history_tutor", to: "triage_agent", reason: "done" });
    const transcript = store.transcript(id);
    expect(transcript?.conversation.id).toBe(id);
    expect(transcript?.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(transcript?.handoffs.map((h) => [h.id, h.from, h.to, h.reason, h.messageId])).toEqual([
      [reply.handoffId, "triage_agent", "history_tutor", "", reply.message.id],
      [later, "history_tutor", "triage_agent", "done", undefined],
    ]);
    expect(store.transcript(id + 1)).toBeUndefined();
  });
});

describe("two connections on one file", () => {
  it("see each other's writes", () => {
    const { store, path } = tempStore();
    const other = new ConversationStore(closeAfterTest(openDatabase(path)));
    const conversation = store.getOrCreateConversation(thread("shared"));
    expect(other.getOrCreateConversation(thread("shared")).id).toBe(conversation.id);
    other.appendUserMessage(conversation.id, { userId: "u", userName: "U", text: "from the other side" });
    const reply = store.appendMessages(conversation.id, [{ role: "assistant", text: "hello", authorAgent: "a" }]);
    expect(reply[0]?.seq).toBe(2);
    expect(other.transcript(conversation.id)?.messages.map((m) => m.text)).toEqual(["from the other side", "hello"]);
    expect(store.recordInboundEvent("slack", "E1")).toBe(true);
    expect(other.recordInboundEvent("slack", "E1")).toBe(false);
  });
});
