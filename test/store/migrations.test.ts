// Opening and migrating: migrations apply once, edits to landed migrations are refused, connection settings hold.

import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  MigrationError,
  defaultMigrationsDir,
  migrate,
  openAndMigrate,
  openDatabase,
  runMigrateCommand,
} from "../../src/store/index.js";
import { BatonError } from "../../src/workflow/errors.js";
import { closeAfterTest, tempDir } from "./temp-database.js";

function copyOfMigrations(): string {
  const dir = join(tempDir(), "migrations");
  mkdirSync(dir);
  for (const file of readdirSync(defaultMigrationsDir)) copyFileSync(join(defaultMigrationsDir, file), join(dir, file));
  return dir;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("openDatabase", () => {
  it("creates the parent directory and applies every migration once", () => {
    const path = join(tempDir(), "nested", "deeper", "baton.db");
    const first = openAndMigrate(path);
    closeAfterTest(first.db);
    expect(first.applied).toContain("0001_init.sql");
    expect(existsSync(path)).toBe(true);
    const versions = first.db.prepare("SELECT name, length(checksum) AS len FROM schema_migrations ORDER BY version").all();
    expect(versions[0]).toEqual({ name: "0001_init.sql", len: 64 });
    first.db.close();

    const again = openAndMigrate(path);
    closeAfterTest(again.db);
    expect(again.applied).toEqual([]);
    expect(again.db.prepare("SELECT count(*) FROM schema_migrations").pluck().get()).toBe(first.applied.length);
  });

  it("applies a new migration added after the first start, and only that one", () => {
    const dir = copyOfMigrations();
    const path = join(tempDir(), "baton.db");
    openDatabase(path, { migrationsDir: dir }).close();
    writeFileSync(join(dir, "0999_add_note.sql"), "ALTER TABLE conversations ADD COLUMN note TEXT;\n");
    const { db, applied } = openAndMigrate(path, { migrationsDir: dir });
    closeAfterTest(db);
    expect(applied).toEqual(["0999_add_note.sql"]);
    expect(db.prepare("SELECT note FROM conversations").all()).toEqual([]);
  });

  it("turns on WAL, foreign keys, NORMAL sync and a busy timeout", () => {
    const db = closeAfterTest(openDatabase(join(tempDir(), "baton.db")));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("works in memory", () => {
    const db = closeAfterTest(openDatabase(":memory:"));
    expect(db.prepare("SELECT count(*) FROM conversations").pluck().get()).toBe(0);
  });

  it("refuses to start when a landed migration was edited, naming the file", () => {
    const dir = copyOfMigrations();
    const path = join(tempDir(), "baton.db");
    openDatabase(path, { migrationsDir: dir }).close();
    appendFileSync(join(dir, "0001_init.sql"), "\nCREATE TABLE sneaky (id INTEGER);\n");

    const error = caught(() => openDatabase(path, { migrationsDir: dir }));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toBeInstanceOf(BatonError);
    const migrationError = error as MigrationError;
    expect(migrationError.code).toBe("storage");
    expect(migrationError.file).toBe("0001_init.sql");
    expect(migrationError.message).toContain("0001_init.sql");
    expect(migrationError.message).toMatch(/edited after it was applied/);
    expect(migrationError.message).toMatch(/never be edited/);
    expect(migrationError.message).toMatch(/add a new migration/);
  });

  it("does not mistake CRLF line endings for an edit", () => {
    const dir = copyOfMigrations();
    const path = join(tempDir(), "baton.db");
    openDatabase(path, { migrationsDir: dir }).close();
    const file = join(dir, "0001_init.sql");
    writeFileSync(file, readFileSync(file, "utf8").replace(/\n/g, "\r\n"));
    const { db, applied } = openAndMigrate(path, { migrationsDir: dir });
    closeAfterTest(db);
    expect(applied).toEqual([]);
  });

  it("refuses to start when an applied migration is missing", () => {
    const dir = copyOfMigrations();
    const path = join(tempDir(), "baton.db");
    writeFileSync(join(dir, "0998_extra.sql"), "CREATE TABLE extra (id INTEGER);\n");
    openDatabase(path, { migrationsDir: dir }).close();
    rmSync(join(dir, "0998_extra.sql"));
    const error = caught(() => openDatabase(path, { migrationsDir: dir }));
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).file).toBe("0998_extra.sql");
    expect((error as MigrationError).message).toContain("missing");
  });

  it("rolls back a failing migration and records nothing for it", () => {
    const dir = copyOfMigrations();
    writeFileSync(join(dir, "0997_broken.sql"), "CREATE TABLE half_done (id INTEGER);\nTHIS IS NOT SQL;\n");
    const path = join(tempDir(), "baton.db");
    const error = caught(() => openDatabase(path, { migrationsDir: dir }));
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).file).toBe("0997_broken.sql");

    const raw = closeAfterTest(new BetterSqlite3(path));
    const names = raw.prepare("SELECT name FROM schema_migrations").pluck().all();
    expect(names).toContain("0001_init.sql");
    expect(names).not.toContain("0997_broken.sql");
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(0);
  });

  it("rejects two migrations with the same number", () => {
    const dir = copyOfMigrations();
    writeFileSync(join(dir, "0001_again.sql"), "SELECT 1;\n");
    const db = closeAfterTest(new BetterSqlite3(":memory:"));
    expect(() => migrate(db, dir)).toThrow(MigrationError);
  });
});

describe("runMigrateCommand", () => {
  it("reports what it applied, then that the database is up to date", () => {
    const path = join(tempDir(), "baton.db");
    const lines: string[] = [];
    expect(runMigrateCommand({ databasePath: path, print: (line) => lines.push(line) })).toContain("0001_init.sql");
    expect(runMigrateCommand({ databasePath: path, print: (line) => lines.push(line) })).toEqual([]);
    expect(lines[0]).toContain("applied 0001_init.sql");
    expect(lines.at(-1)).toContain("up to date");
  });
});
