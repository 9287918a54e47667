// Migration 0008's FTS5 index, filled in batches since 0020 (a mark since 0021): searched by the console, which catches
// the index up first, and emptied by forget-user and retention whether a message was indexed yet or still waiting.

import { cpSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { SqliteConsoleStore } from "../../../src/store/console/sqlite-console-store.js";
import { SearchIndex } from "../../../src/store/search-index.js";
import { SqliteStorePort } from "../../../src/store/sqlite-store-port.js";
import { defaultMigrationsDir, openDatabase } from "../../../src/store/index.js";
import type { Database } from "../../../src/store/index.js";
import { closeAfterTest, tempDir, tempStore, thread } from "../temp-database.js";

const all = { kind: "all" } as const;
/** What the index itself holds for a word (not the content table): proves a deleted message left no trace in it. */
const indexed = (db: Database, word: string): number[] =>
  db.prepare<[string], number>("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid").pluck().all(`"${word}"`);

/** What still waits to be indexed: user and assistant text above the mark. */
const waiting = (db: Database): number[] =>
  db
    .prepare<[], number>(
      "SELECT id FROM messages WHERE id > (SELECT indexed_through FROM search_progress) AND role IN ('user', 'assistant') AND text <> '' ORDER BY id",
    )
    .pluck()
    .all();
const mark = (db: Database): number => db.prepare<[], number>("SELECT indexed_through FROM search_progress").pluck().get()!;

/** Either every message is indexed before the deletion, or none is (they all still wait above the mark). */
const STATES = [
  { state: "indexed", settle: (db: Database) => void new SearchIndex(db).catchUp() },
  { state: "still waiting", settle: (_db: Database) => undefined },
] as const;

async function search(db: Database, words: string): Promise<number[]> {
  const page = await new SqliteConsoleStore(db).listConversations({ scope: all, search: words, offset: 0, limit: 50 });
  return page.items.map((i) => i.id);
}

/**
 * A database migrated only up to (not including) `first`, with one conversation made by plain SQL against the schema as
 * it was then (today's store expects columns that later migrations add).
 */
function migratedUpTo(first: string): { path: string; before: Database; a: number } {
  const dir = tempDir();
  const early = join(dir, "migrations");
  mkdirSync(early);
  for (const file of readdirSync(defaultMigrationsDir).filter((f) => f < first)) cpSync(join(defaultMigrationsDir, file), join(early, file));
  const path = join(dir, "baton.db");
  const before = closeAfterTest(openDatabase(path, { migrationsDir: early }));
  const a = before
    .prepare<[], number>("INSERT INTO conversations (platform, workspace, channel, thread, created_at, updated_at) VALUES ('discord', 'w', 'c', 'a', 1, 1) RETURNING id")
    .pluck()
    .get() as number;
  return { path, before, a };
}

describe("full-text search over messages", () => {
  it("finds conversations by the words of user and agent messages (accents folded, last word a prefix), not tool results", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    const b = (await store.getOrCreateConversation(thread("b"))).id;
    await store.appendUserMessage(a, { userId: "u1", userName: "Zoé", text: "Pourquoi l'élection de Charlemagne?" });
    await store.appendMessages(b, [
      { role: "assistant", text: "Photosynthesis turns light into sugar.", authorAgent: "science" },
      { role: "tool", text: "secretword", authorAgent: "science", toolCallId: "c1" },
    ]);
    expect(await search(db, "election")).toEqual([a]);
    expect(await search(db, "photosynth")).toEqual([b]);
    expect(await search(db, "light sugar")).toEqual([b]);
    expect(await search(db, "light charlemagne")).toEqual([]);
    expect(await search(db, "secretword")).toEqual([]);
    // FTS syntax in a search is just words: no operator injection, no error.
    expect(await search(db, 'light" OR "x')).toEqual([]);
    expect(await search(db, "NEAR(light sugar)")).toEqual([]); // "NEAR" is a word to find, not an operator
    expect(await search(db, "(light) sugar:")).toEqual([b]);
    expect(await search(db, "*** ")).toEqual([]);
  });

  it("gives a snippet with the matched words marked", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    await store.appendUserMessage(a, { userId: "u1", userName: "Ada", text: "How do I factor a quadratic equation quickly?" });
    const page = await new SqliteConsoleStore(db).listConversations({ scope: all, search: "quadratic", offset: 0, limit: 5 });
    expect(page.items[0]!.snippet).toBe("How do I factor a \uE000quadratic\uE001 equation quickly?");
  });

  it.each(STATES)("forgetting a user removes their messages from the index ($state)", async ({ settle }) => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    await store.appendUserMessage(a, { userId: "forget-me", userName: "F", text: "my address is elmstreet" });
    await store.appendUserMessage(a, { userId: "stays", userName: "S", text: "elmstreet is nice" });
    settle(db);
    await store.forgetUser("discord", "forget-me");
    expect(await search(db, "elmstreet")).toEqual([a]);
    expect(indexed(db, "elmstreet")).toHaveLength(1);
    expect(indexed(db, "address")).toEqual([]);
    await store.forgetUser("discord", "stays");
    expect(waiting(db)).toEqual([]);
    expect(indexed(db, "elmstreet")).toEqual([]);
    expect(await search(db, "elmstreet")).toEqual([]);
    // The index is intact: FTS5's own check compares it with the messages table.
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });

  it.each(STATES)("retention (deleting old conversations, cascading to messages) empties the index too ($state)", async ({ settle }) => {
    const { db, store, clock } = tempStore();
    const old = (await store.getOrCreateConversation(thread("old"))).id;
    await store.appendUserMessage(old, { userId: "u", userName: "U", text: "ancient pyramids" });
    await store.appendMessages(old, [{ role: "assistant", text: "pyramids of Giza", authorAgent: "history_tutor" }]);
    clock.now += 10_000;
    const recent = (await store.getOrCreateConversation(thread("new"))).id;
    await store.appendUserMessage(recent, { userId: "u", userName: "U", text: "modern pyramids" });
    settle(db);
    expect(await store.purgeConversationsOlderThan(clock.now - 5_000)).toBe(1);
    expect(await search(db, "pyramids")).toEqual([recent]);
    expect(indexed(db, "pyramids")).toHaveLength(1);
    expect(indexed(db, "giza")).toEqual([]);
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });

  it.each(STATES)("a rewritten message (a withheld answer) is found by its new text only ($state)", async ({ settle }) => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    const [answer] = await store.appendMessages(a, [{ role: "assistant", text: "the forbidden recipe", authorAgent: "science" }]);
    settle(db);
    db.prepare("UPDATE messages SET text = ? WHERE id = ?").run("This answer was withheld by the safety check.", answer!.id);
    expect(await search(db, "recipe")).toEqual([]);
    expect(await search(db, "withheld")).toEqual([a]);
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });

  it("a new message waits above the mark off the turn's path, and the store port's passes index it", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    const [message] = await store.appendMessages(a, [{ role: "assistant", text: "mitochondria make energy", authorAgent: "science" }]);
    expect(waiting(db)).toEqual([message!.id]);
    expect(indexed(db, "mitochondria")).toEqual([]);
    const port = new SqliteStorePort({ db, searchIndexEveryMs: 5 });
    try {
      await vi.waitFor(() => expect(indexed(db, "mitochondria")).toEqual([message!.id]));
      expect(waiting(db)).toEqual([]);
      expect(mark(db)).toBe(message!.id);
    } finally {
      port.close();
    }
  });

  it("a pass indexes at most its batch, oldest first, and the rest waits for the next", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    const stored = await store.appendMessages(a, ["one apple", "two apples", "three apples"].map((text) => ({ role: "assistant" as const, text, authorAgent: "science" })));
    const searchIndex = new SearchIndex(db);
    expect(searchIndex.waiting()).toBe(3);
    expect(searchIndex.catchUp(2)).toBe(2);
    expect(indexed(db, "apples")).toEqual([stored[1]!.id]);
    expect(waiting(db)).toEqual([stored[2]!.id]);
    expect(searchIndex.catchUp(2)).toBe(1);
    expect(searchIndex.catchUp(2)).toBe(0);
    expect(searchIndex.waiting()).toBe(0);
    expect(mark(db)).toBe(stored[2]!.id);
  });

  it("tool results above the mark are passed over, never indexed", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    const stored = await store.appendMessages(a, [
      { role: "assistant", text: "pear one", authorAgent: "science" },
      { role: "tool", text: "pear tool", authorAgent: "science", toolCallId: "c1" },
      { role: "assistant", text: "pear two", authorAgent: "science" },
    ]);
    const searchIndex = new SearchIndex(db);
    expect(searchIndex.waiting()).toBe(2);
    expect(searchIndex.catchUp(2)).toBe(2);
    expect(indexed(db, "pear")).toEqual([stored[0]!.id, stored[2]!.id]);
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });

  it("a message that takes the id of a deleted newest message is indexed at once (the pass would never reach it)", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    await store.appendUserMessage(a, { userId: "stays", userName: "S", text: "first words" });
    const gone = await store.appendUserMessage(a, { userId: "forget-me", userName: "F", text: "private words" });
    new SearchIndex(db).catchUp();
    expect(mark(db)).toBe(gone.id);
    await store.forgetUser("discord", "forget-me");
    const again = await store.appendUserMessage(a, { userId: "stays", userName: "S", text: "later thoughts" });
    // SQLite reuses the largest rowid once its row is gone: this message sits at the mark, not above it.
    expect(again.id).toBe(gone.id);
    expect(indexed(db, "thoughts")).toEqual([again.id]);
    expect(indexed(db, "private")).toEqual([]);
    expect(await search(db, "thoughts")).toEqual([a]);
    db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });

  it("migration 0021 indexes what 0020 left waiting and starts the mark after it", async () => {
    const { path, before, a } = migratedUpTo("0021");
    const insert = before.prepare("INSERT INTO messages (conversation_id, seq, role, user_id, user_name, text, token_estimate, created_at) VALUES (?, ?, 'user', 'u', 'U', ?, 8, 1)");
    insert.run(a, 1, "indexed walrus");
    before.exec("INSERT INTO messages_fts (rowid, text) SELECT m.id, m.text FROM search_backlog b JOIN messages m ON m.id = b.message_id; DELETE FROM search_backlog");
    insert.run(a, 2, "waiting walrus");
    expect(before.prepare("SELECT count(*) FROM search_backlog").pluck().get()).toBe(1);
    before.close();
    const after = closeAfterTest(openDatabase(path));
    expect(indexed(after, "walrus")).toHaveLength(2);
    expect(waiting(after)).toEqual([]);
    expect(mark(after)).toBe(after.prepare("SELECT max(id) FROM messages").pluck().get());
    after.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
  });

  it("the migration indexes messages stored before it", async () => {
    const { path, before, a } = migratedUpTo("0008");
    before
      .prepare("INSERT INTO messages (conversation_id, seq, role, user_id, user_name, text, token_estimate, created_at) VALUES (?, 1, 'user', 'u', 'U', ?, 8, 1)")
      .run(a, "stored before the index existed");
    before.close();
    const after = closeAfterTest(openDatabase(path));
    expect(await search(after, "existed")).toEqual([a]);
  });
});
