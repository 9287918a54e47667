// Test helper: real SQLite files in fresh temp dirs, closed and removed after each test.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { ConversationStore, openDatabase } from "../../src/store/index.js";
import type { Database } from "../../src/store/index.js";

const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A fresh directory under the OS temp dir, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-store-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Registers a database to close after the test (before its directory is removed). */
export function closeAfterTest(db: Database): Database {
  cleanups.push(() => {
    if (db.open) db.close();
  });
  return db;
}

/** A migrated database file in a temp dir, with a store over it and a clock the test controls. */
export function tempStore(options: { start?: number } = {}): {
  path: string;
  db: Database;
  store: ConversationStore;
  clock: { now: number };
} {
  const path = join(tempDir(), "baton.db");
  const db = closeAfterTest(openDatabase(path));
  const clock = { now: options.start ?? 1_700_000_000_000 };
  const store = new ConversationStore(db, { now: () => clock.now });
  return { path, db, store, clock };
}

export const thread = (id: string, overrides: Partial<Record<"platform" | "workspace" | "channel", string>> = {}) => ({
  platform: overrides.platform ?? "discord",
  workspace: overrides.workspace ?? "guild-1",
  channel: overrides.channel ?? "homework",
  thread: id,
});
