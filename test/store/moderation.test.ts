// Listing conversations, forgetting a user, and retention: what moderators and privacy requests rely on.

import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ConversationStore } from "../../src/store/index.js";
import type { ListConversationsOptions } from "../../src/store/index.js";
import { closeAfterTest, tempStore, thread } from "./temp-database.js";

const count = (db: BetterSqlite3.Database, table: string): unknown =>
  db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

describe("listConversations", () => {
  it("lists newest activity first, with message count and last agent, filtered by workspace and channel", () => {
    const { store, clock } = tempStore();
    const a = store.getOrCreateConversation(thread("a")).id;
    clock.now += 1;
    const b = store.getOrCreateConversation(thread("b", { channel: "other" })).id;
    clock.now += 1;
    const c = store.getOrCreateConversation(thread("c", { workspace: "guild-2" })).id;
    store.getOrCreateConversation(thread("d", { platform: "slack" }));
    clock.now += 1;
    store.appendUserMessage(a, { userId: "u", userName: "U", text: "q" });
    store.appendMessages(a, [
      { role: "assistant", text: "triage", authorAgent: "triage_agent" },
      { role: "assistant", text: "answer", authorAgent: "math_tutor" },
      { role: "tool", text: "r", authorAgent: "math_tutor", toolCallId: "x" },
    ]);

    const all = store.listConversations({ platform: "discord" });
    expect(all.map((s) => s.id)).toEqual([a, c, b]);
    expect(all[0]).toMatchObject({ messageCount: 4, lastAgent: "math_tutor", key: thread("a"), updatedAt: clock.now });
    expect(all[1]).toMatchObject({ messageCount: 0, lastAgent: null });

    expect(store.listConversations({ platform: "discord", workspace: "guild-1" }).map((s) => s.id)).toEqual([a, b]);
    expect(store.listConversations({ platform: "discord", channel: "other" }).map((s) => s.id)).toEqual([b]);
    expect(store.listConversations({ platform: "discord", workspace: "guild-1", channel: "homework" }).map((s) => s.id)).toEqual([a]);
    expect(store.listConversations({ platform: "discord", limit: 1 }).map((s) => s.id)).toEqual([a]);
  });

  it("uses the listing index, never a table scan", () => {
    const { path, store } = tempStore();
    store.appendUserMessage(store.getOrCreateConversation(thread("a")).id, { userId: "u", userName: "U", text: "q" });
    const executed: string[] = [];
    const db = closeAfterTest(new BetterSqlite3(path, { verbose: (sql) => executed.push(String(sql)) }));
    const observed = new ConversationStore(db);
    const filters: ListConversationsOptions[] = [
      { platform: "discord" },
      { platform: "discord", workspace: "guild-1" },
      { platform: "discord", channel: "homework" },
      { platform: "discord", workspace: "guild-1", channel: "homework" },
    ];
    for (const filter of filters) {
      executed.length = 0;
      observed.listConversations(filter);
      expect(executed).toHaveLength(1);
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${executed[0]}`)
        .all()
        .map((row) => (row as { detail: string }).detail);
      expect(plan.some((line) => line.startsWith("SEARCH c USING INDEX conversations_listing"))).toBe(true);
      expect(plan.filter((line) => line.startsWith("SCAN"))).toEqual([]);
    }
  });
});

describe("forgetUser", () => {
  it("deletes only that user's messages on that platform and counts them", () => {
    const { store, db } = tempStore();
    const shared = store.getOrCreateConversation(thread("shared")).id;
    const slack = store.getOrCreateConversation(thread("s", { platform: "slack" })).id;
    store.appendUserMessage(shared, { userId: "u1", userName: "Ada", text: "mine 1" });
    store.appendUserMessage(shared, { userId: "u2", userName: "Bo", text: "theirs" });
    store.appendMessages(shared, [{ role: "assistant", text: "reply", authorAgent: "math_tutor" }]);
    store.appendUserMessage(shared, { userId: "u1", userName: "Ada", text: "mine 2" });
    store.appendUserMessage(slack, { userId: "u1", userName: "Ada (slack)", text: "same id, other platform" });

    expect(store.forgetUser("discord", "u1")).toBe(2);
    expect(store.transcript(shared)?.messages.map((m) => m.text)).toEqual(["theirs", "reply"]);
    expect(store.transcript(slack)?.messages).toHaveLength(1);
    expect(count(db, "messages WHERE user_id = 'u1'")).toBe(1);
    expect(store.forgetUser("discord", "u1")).toBe(0);
  });

  it("deletes a conversation left with no user message, with everything in it", () => {
    const { store, db } = tempStore();
    const solo = store.getOrCreateConversation(thread("solo")).id;
    const empty = store.getOrCreateConversation(thread("opened-but-quiet")).id;
    const user = store.appendUserMessage(solo, { userId: "u1", userName: "Ada", text: "help" });
    store.appendAgentReply(solo, {
      message: { role: "assistant", text: "Ada, here you go", authorAgent: "math_tutor" },
      reply: { agentName: "math_tutor", text: "Ada, here you go" },
      handoff: { from: "triage_agent", to: "math_tutor" },
    });
    expect(store.forgetUser("discord", "u1")).toBe(1);
    expect(store.getConversation(solo)).toBeUndefined();
    expect(store.getConversation(empty)).toBeDefined();
    expect([count(db, "messages"), count(db, "outbox"), count(db, "handoffs")]).toEqual([0, 0, 0]);
    store.completeTurn(user.id, "completed"); // a turn still running when its user was forgotten: no error
  });
});

describe("retention", () => {
  it("purges conversations last active before the cutoff, cascading to all their rows", () => {
    const { store, db, clock } = tempStore();
    const old = store.getOrCreateConversation(thread("old")).id;
    store.appendUserMessage(old, { userId: "u", userName: "U", text: "old question" });
    store.appendAgentReply(old, {
      message: { role: "assistant", text: "old answer", authorAgent: "math_tutor" },
      reply: { agentName: "math_tutor", text: "old answer" },
      handoff: { from: "triage_agent", to: "math_tutor" },
    });
    store.enqueueNotice(old, { agentName: "triage_agent", text: "notice" });
    clock.now += 10_000;
    const fresh = store.getOrCreateConversation(thread("fresh")).id;
    store.appendUserMessage(fresh, { userId: "u", userName: "U", text: "new question" });

    expect(store.purgeConversationsOlderThan(clock.now - 5_000)).toBe(1);
    expect(store.getConversation(old)).toBeUndefined();
    expect(store.getConversation(fresh)).toBeDefined();
    expect([count(db, "messages"), count(db, "outbox"), count(db, "handoffs")]).toEqual([1, 0, 0]);
  });

  it("counts activity, not creation: a conversation with a recent message is kept", () => {
    const { store, clock } = tempStore();
    const id = store.getOrCreateConversation(thread("long-running")).id;
    clock.now += 10_000;
    store.appendUserMessage(id, { userId: "u", userName: "U", text: "still here" });
    expect(store.purgeConversationsOlderThan(clock.now - 5_000)).toBe(0);
  });
});
