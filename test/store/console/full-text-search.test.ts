// Migration 0008's FTS5 index: kept in sync by triggers, searched by the console, emptied by forget-user and retention.

import { cpSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteConsoleStore } from "../../../src/store/console/sqlite-console-store.js";
import { defaultMigrationsDir, openDatabase } from "../../../src/store/index.js";
import type { Database } from "../../../src/store/index.js";
import { closeAfterTest, tempDir, tempStore, thread } from "../temp-database.js";

const all = { kind: "all" } as const;
/** What the index itself holds for a word (not the content table): proves a deleted message left no trace in it. */
const indexed = (db: Database, word: string): number[] =>
  db.prepare<[string], number>("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid").pluck().all(`"${word}"`);

async function search(db: Database, words: string): Promise<number[]> {
  const page = await new SqliteConsoleStore(db).listConversations({ scope: all, search: words, offset: 0, limit: 50 });
  return page.items.map((i) => i.id);
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

  it("forgetting a user removes their messages from the index", async () => {
    const { db, store } = tempStore();
    const a = (await store.getOrCreateConversation(thread("a"))).id;
    await store.appendUserMessage(a, { userId: "forget-me", userName: "F", text: "my address is elmstreet" });
    await store.appendUserMessage(a, { userId: "stays", userName: "S", text: "elmstreet is nice" });
    expect(indexed(db, "elmstreet")).toHaveLength(2);
    await store.forgetUser("discord", "forget-me");
    expect(indexed(db, "elmstreet")).toHaveLength(1);
    expect(indexed(db, "address")).toEqual([]);
    await store.forgetUser("discord", "stays");
    expect(indexed(db, "elmstreet")).toEqual([]);
    expect(await search(db, "elmstreet")).toEqual([]);
  });

  it("retention (deleting old conversations, cascading to messages) empties the index too", async () => {
    const { db, store, clock } = tempStore();
    const old = (await store.getOrCreateConversation(thread("old"))).id;
    await store.appendUserMessage(old, { userId: "u", userName: "U", text: "ancient pyramids" });
    await store.appendMessages(old, [{ role: "assistant", text: "pyramids of Giza", authorAgent: "history_tutor" }]);
    clock.now += 10_000;
    const recent = (await store.getOrCreateConversation(thread("new"))).id;
    await store.appendUserMessage(recent, { userId: "u", userName: "U", text: "modern pyramids" });
    expect(indexed(db, "pyramids")).toHaveLength(3);
    expect(await store.purgeConversationsOlderThan(clock.now - 5_000)).toBe(1);
    expect(indexed(db, "pyramids")).toHaveLength(1);
    expect(indexed(db, "giza")).toEqual([]);
    expect(await search(db, "pyramids")).toEqual([recent]);
  });

  it("the migration indexes messages stored before it", async () => {
    const dir = tempDir();
    const early = join(dir, "migrations");
    mkdirSync(early);
    for (const file of readdirSync(defaultMigrationsDir).filter((f) => f < "0008")) cpSync(join(defaultMigrationsDir, file), join(early, file));
    const path = join(dir, "baton.db");
    const before = closeAfterTest(openDatabase(path, { migrationsDir: early }));
    // Plain SQL against the schema as it was then: today's store expects columns that later migrations add.
    const a = before
      .prepare<[], number>("INSERT INTO conversations (platform, workspace, channel, thread, created_at, updated_at) VALUES ('discord', 'w', 'c', 'a', 1, 1) RETURNING id")
      .pluck()
      .get() as number;
    before
      .prepare("INSERT INTO messages (conversation_id, seq, role, user_id, user_name, text, token_estimate, created_at) VALUES (?, 1, 'user', 'u', 'U', ?, 8, 1)")
      .run(a, "stored before the index existed");
    before.close();
    const after = closeAfterTest(openDatabase(path));
    expect(await search(after, "existed")).toEqual([a]);
  });
});
