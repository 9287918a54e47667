// Opens a Baton SQLite database with the settings the store relies on, and brings its schema up to date.

import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { ensureWritable, explainSqliteOpenFailure } from "./database-open-error.js";
import { StoreError } from "./errors.js";
import { migrate } from "./migrations.js";

export type { Database } from "better-sqlite3";

/** The repository's migrations/, found from this file so it works from any cwd (src/store or dist/store). */
export const defaultMigrationsDir: string = fileURLToPath(new URL("../../migrations/", import.meta.url));

/** The page size of a database this store creates; an existing file keeps its own. */
export const NEW_DATABASE_PAGE_SIZE = 1024;

export interface OpenDatabaseOptions {
  readonly migrationsDir?: string;
  /**
   * How long one statement waits, blocking the event loop, for another process's lock before SQLITE_BUSY. Default
   * 5000 ms, fine for one-shot commands; a long-running service sets a few tens of ms and retries through a WriteGate.
   * Migrations at open always get the long wait.
   */
  readonly busyTimeoutMs?: number;
}

/** Opens (creating if needed) and migrates the database at `path`; ":memory:" gives a private in-memory one. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Database {
  return openAndMigrate(path, options).db;
}

/** As openDatabase, and also says which migrations this call applied (for `baton migrate`). */
export function openAndMigrate(path: string, options: OpenDatabaseOptions = {}): { db: Database; applied: string[] } {
  const inMemory = path === ":memory:" || path === "";
  if (!inMemory) ensureWritable(path);
  let db: Database;
  try {
    db = new BetterSqlite3(path, { timeout: 5000 });
  } catch (cause) {
    throw explainSqliteOpenFailure(path, cause) ?? new StoreError(`Cannot open the database at ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    // WAL: readers never block the writer, and a commit is one append. NORMAL is durable across process crashes in WAL
    // mode (only an OS crash or power loss can lose the last commits), which is the right trade for a chat bot.
    // A new database gets 1 KiB pages (SQLite's default is 4 KiB). A turn's commits write ~35 b-tree pages, one WAL
    // frame each, and the frames' cost is mostly per frame, less per byte: on this project's ext4 disk a turn's
    // commits cost about a quarter less (hot thread ~1,750 → ~2,250 turns/s; docs/performance.md). Only a new,
    // empty file takes it: an existing database keeps its page size (changing it needs a VACUUM outside WAL mode).
    db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    // A turn commits ~9 times and rewrites the same hot pages (the conversation row, index leaves) each time; checkpoint
    // every 10,000 WAL pages (≈40 MB) rather than 1,000 copies each hot page back a tenth as often (~15% of a turn).
    db.pragma("wal_autocheckpoint = 10000");
    // Grouped commits (grouped-commits.ts) give each transaction of a group a savepoint, whose statement journal
    // would otherwise be a temporary file written on every change: kept in memory, it costs no disk.
    db.pragma("temp_store = MEMORY");
    const { applied } = migrate(db, options.migrationsDir ?? defaultMigrationsDir);
    if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    return { db, applied };
  } catch (error) {
    db.close();
    throw explainSqliteOpenFailure(path, error) ?? error;
  }
}
