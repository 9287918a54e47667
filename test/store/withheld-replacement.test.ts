// The flags table's owed replacements: a withheld answer's edit is owed from the flag's own transaction until settled.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { FlagStore } from "../../src/store/flag-store.js";
import { tempStore, thread } from "./temp-database.js";

const NOTICE = "This answer was withheld.";

function setup() {
  const t = tempStore();
  const flags = new FlagStore(t.db, () => t.clock.now);
  const conversation = t.store.getOrCreateConversation(thread("a"));
  const answer = (text: string) => {
    const { message, outboxId } = t.store.appendAgentReply(conversation.id, {
      message: { role: "assistant", text, authorAgent: "history_tutor" },
      reply: { agentName: "history_tutor", text },
    });
    return { messageId: message.id, outboxId: outboxId! };
  };
  const withhold = (a: { messageId: number; outboxId: number }, text: string) =>
    flags.withhold(
      { conversationId: conversation.id, messageId: a.messageId, userId: "u1", source: "output", categories: { "violence/graphic": 0.8 }, severity: "alert", text },
      { outboxId: a.outboxId, notice: NOTICE },
    );
  return { ...t, flags, conversation, answer, withhold };
}

describe("FlagStore: withheld answers", () => {
  it("a posted answer: the flag and its owed edit commit together; the outbox row keeps what was posted", () => {
    const { store, flags, answer, withhold, conversation } = setup();
    const posted = answer("The gore of it all.");
    store.markReplySent(posted.outboxId, "p-1");
    const id = withhold(posted, "The gore of it all.");
    expect(flags.get(id)).toMatchObject({ action: "withhold", replacement: "pending", text: "The gore of it all." });
    expect(flags.pendingReplacements()).toEqual([
      {
        flagId: id,
        conversationId: conversation.id,
        key: thread("a"),
        outboxId: posted.outboxId,
        agentName: "history_tutor",
        text: "The gore of it all.",
        outboxStatus: "sent",
        platformMessageId: "p-1",
        attempts: 0,
      },
    ]);
    expect(store.replyText(posted.outboxId)).toBe("The gore of it all.");
    // The transcript keeps the answer for moderators.
    expect(store.transcript(conversation.id)!.messages.map((m) => m.text)).toEqual(["The gore of it all."]);
  });

  it("an answer not posted yet: its outbox row holds the notice, so any later post (a restart's too) carries it", () => {
    const { store, flags, answer, withhold, conversation } = setup();
    const pending = answer("Unposted gore.");
    const id = withhold(pending, "Unposted gore.");
    expect(store.pendingReplies().map((r) => r.text)).toEqual([NOTICE]);
    expect(store.replyText(pending.outboxId)).toBe(NOTICE);
    expect(flags.pendingReplacement(id)).toMatchObject({ outboxStatus: "pending", platformMessageId: undefined, text: "Unposted gore." });
    store.markReplySent(pending.outboxId, "p-2");
    expect(flags.pendingReplacement(id)).toMatchObject({ outboxStatus: "sent", platformMessageId: "p-2" });
    expect(store.transcript(conversation.id)!.messages.map((m) => m.text)).toEqual(["Unposted gore."]);
  });

  it("failures are counted across restarts; settling is once; a settled edit is no longer owed", () => {
    const { path, store, db, flags, answer, withhold } = setup();
    const posted = answer("Gore.");
    store.markReplySent(posted.outboxId, "p-3");
    const id = withhold(posted, "Gore.");
    flags.countReplacementFailure(id);
    flags.countReplacementFailure(id);
    db.close();
    const reopened = new BetterSqlite3(path);
    const again = new FlagStore(reopened, () => 0);
    expect(again.pendingReplacement(id)?.attempts).toBe(2);
    expect(again.settleReplacement(id, "done")).toBe(true);
    expect(again.settleReplacement(id, "failed")).toBe(false);
    again.countReplacementFailure(id);
    expect(again.get(id)).toMatchObject({ replacement: "done" });
    expect(again.pendingReplacements()).toEqual([]);
    expect(again.pendingReplacement(id)).toBeUndefined();
    expect(reopened.prepare("SELECT replacement_attempts FROM flags WHERE id = ?").pluck().get(id)).toBe(2);
    reopened.close();
  });

  it("a flag that is not a withheld answer's owes nothing; the flag's insert and the owed edit are one transaction", () => {
    const { db, flags, answer, conversation } = setup();
    const id = flags.record({ conversationId: conversation.id, source: "input", categories: {}, action: "unchecked", severity: "none", text: "hi" });
    expect(flags.get(id)?.replacement).toBeUndefined();
    const posted = answer("Gore.");
    // A withhold that fails part-way (the outbox row refuses the rewrite) leaves no flag behind.
    db.exec("CREATE TRIGGER refuse_rewrite BEFORE UPDATE OF text ON outbox BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expect(() =>
      flags.withhold({ conversationId: conversation.id, messageId: posted.messageId, source: "output", categories: {}, severity: "flag", text: "Gore." }, { outboxId: posted.outboxId, notice: NOTICE }),
    ).toThrow(/refused/);
    expect(flags.forConversation(conversation.id).map((f) => f.id)).toEqual([id]);
  });
});
