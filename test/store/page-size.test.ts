// New databases take 1 KiB pages (cheaper WAL frames for a turn's small commits); an existing one keeps its own.

import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { expect, it } from "vitest";
import { NEW_DATABASE_PAGE_SIZE, openDatabase } from "../../src/store/database.js";
import { ConversationStore } from "../../src/store/index.js";
import { closeAfterTest, tempDir, thread } from "./temp-database.js";

const pageSize = (db: BetterSqlite3.Database) => db.pragma("page_size", { simple: true });

it("creates a new database with 1 KiB pages, in WAL mode", () => {
  const db = closeAfterTest(openDatabase(join(tempDir(), "baton.db")));
  expect(NEW_DATABASE_PAGE_SIZE).toBe(1024);
  expect(pageSize(db)).toBe(1024);
  expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
});

it("opens a database made with 4 KiB pages as it is: migrated, working, its page size kept", () => {
  const path = join(tempDir(), "baton.db");
  const old = new BetterSqlite3(path);
  old.pragma("page_size = 4096");
  old.pragma("journal_mode = WAL");
  old.exec("CREATE TABLE operator_notes (note TEXT)");
  old.close();
  const db = closeAfterTest(openDatabase(path));
  expect(pageSize(db)).toBe(4096);
  const store = new ConversationStore(db);
  const id = store.getOrCreateConversation(thread("t")).id;
  store.appendUserMessage(id, { userId: "u", userName: "U", text: "still works" });
  expect(store.loadWindow(id, { maxMessages: 5, maxTokens: 1_000 }).map((m) => m.text)).toEqual(["still works"]);
  db.close();
  expect(pageSize(closeAfterTest(openDatabase(path)))).toBe(4096);
});
