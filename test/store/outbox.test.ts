// The reply outbox: pending replies with their thread, sent exactly once, failed after the last attempt.

import { describe, expect, it } from "vitest";
import { closeAfterTest, tempStore, thread } from "./temp-database.js";
import { ConversationStore, openDatabase } from "../../src/store/index.js";

function withReply() {
  const setup = tempStore();
  const conversationId = setup.store.getOrCreateConversation(thread("t")).id;
  const { outboxId, message } = setup.store.appendAgentReply(conversationId, {
    message: { role: "assistant", text: "x = 4", authorAgent: "math_tutor" },
    reply: { agentName: "math_tutor", text: "x = 4" },
  });
  return { ...setup, conversationId, outboxId: outboxId as number, messageId: message.id };
}

describe("outbox", () => {
  it("lists pending replies oldest first with their thread key, optionally for one platform", () => {
    const { store, clock, conversationId, outboxId, messageId } = withReply();
    const slack = store.getOrCreateConversation(thread("s", { platform: "slack", workspace: "T1", channel: "C1" })).id;
    const noticeId = store.enqueueNotice(slack, { agentName: "triage_agent", text: "Slow down a little." });

    expect(store.pendingReplies()).toEqual([
      {
        id: outboxId,
        conversationId,
        messageId,
        key: thread("t"),
        agentName: "math_tutor",
        text: "x = 4",
        kind: "agent",
        status: "pending",
        attempts: 0,
        platformMessageId: undefined,
        lastError: undefined,
        createdAt: clock.now,
        sentAt: undefined,
      },
      expect.objectContaining({ id: noticeId, kind: "notice", messageId: undefined, key: thread("s", { platform: "slack", workspace: "T1", channel: "C1" }) }),
    ]);
    expect(store.pendingReplies("slack").map((r) => r.id)).toEqual([noticeId]);
    expect(store.pendingReplies("discord").map((r) => r.id)).toEqual([outboxId]);
    expect(store.pendingReplies("console")).toEqual([]);
  });

  it("marks a reply sent once; a second mark reports false and changes nothing", () => {
    const { store, db, clock, outboxId } = withReply();
    clock.now += 50;
    expect(store.markReplySent(outboxId, "discord-msg-1")).toBe(true);
    expect(store.markReplySent(outboxId, "discord-msg-2")).toBe(false);
    expect(store.pendingReplies()).toEqual([]);
    expect(db.prepare("SELECT status, platform_message_id, sent_at FROM outbox WHERE id = ?").get(outboxId)).toEqual({
      status: "sent",
      platform_message_id: "discord-msg-1",
      sent_at: clock.now,
    });
  });

  it("lets only one of two connections mark the same reply sent", () => {
    const { store, path, outboxId } = withReply();
    const other = new ConversationStore(closeAfterTest(openDatabase(path)));
    expect([other.markReplySent(outboxId, "a"), store.markReplySent(outboxId, "b")]).toEqual([true, false]);
  });

  it("keeps a failing reply pending until maxAttempts, then marks it failed", () => {
    const { store, outboxId } = withReply();
    store.markReplyFailed(outboxId, "HTTP 500", { maxAttempts: 3 });
    store.markReplyFailed(outboxId, "HTTP 502", { maxAttempts: 3 });
    expect(store.pendingReplies()[0]).toMatchObject({ status: "pending", attempts: 2, lastError: "HTTP 502" });
    store.markReplyFailed(outboxId, "HTTP 503", { maxAttempts: 3 });
    expect(store.pendingReplies()).toEqual([]);
    expect(store.markReplySent(outboxId, "late")).toBe(false);
  });

  it("does not count failures of a reply already sent", () => {
    const { store, db, outboxId } = withReply();
    store.markReplySent(outboxId, "m1");
    store.markReplyFailed(outboxId, "spurious", { maxAttempts: 1 });
    expect(db.prepare("SELECT status, attempts, last_error FROM outbox WHERE id = ?").get(outboxId)).toEqual({
      status: "sent",
      attempts: 0,
      last_error: null,
    });
  });
});
