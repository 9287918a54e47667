// The doctor's database checks on real SQLite files: writable, migrations current (changing nothing), size.

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { checkDatabase } from "../../src/doctor/database-checks.js";
import { defaultMigrationsDir, openDatabase } from "../../src/store/database.js";

const temp = () => mkdtempSync(join(tmpdir(), "baton-doctor-db-"));
const messages = (path: string, dir?: string) => checkDatabase(path, dir).findings.map((f) => `${f.status} ${f.message}`);

it("a migrated database is writable and current, and its size is shown", () => {
  const path = join(temp(), "baton.db");
  openDatabase(path).close();
  const found = messages(path);
  expect(found.slice(0, 2)).toEqual([`ok ${path} is writable`, "ok migrations are current"]);
  expect(found[2]).toMatch(/^ok size \d+\.\d KiB$/);
});

it("a migration not applied yet is a warning, and the doctor does not apply it", () => {
  const dir = temp();
  const migrations = join(dir, "migrations");
  mkdirSync(migrations);
  for (const file of readdirSync(defaultMigrationsDir)) copyFileSync(join(defaultMigrationsDir, file), join(migrations, file));
  const path = join(dir, "baton.db");
  openDatabase(path, { migrationsDir: migrations }).close();
  writeFileSync(join(migrations, "0099_later.sql"), "CREATE TABLE later (id INTEGER PRIMARY KEY) STRICT;\n");
  expect(messages(path, migrations)[1]).toBe("warn 1 migration not applied yet (0099_later.sql)");
  expect(messages(path, migrations)[1]).toBe("warn 1 migration not applied yet (0099_later.sql)");
});

it("a migration edited after it was applied is a failure", () => {
  const dir = temp();
  const migrations = join(dir, "migrations");
  mkdirSync(migrations);
  writeFileSync(join(migrations, "0001_init.sql"), "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;\n");
  const path = join(dir, "baton.db");
  openDatabase(path, { migrationsDir: migrations }).close();
  writeFileSync(join(migrations, "0001_init.sql"), "CREATE TABLE b (id INTEGER PRIMARY KEY) STRICT;\n");
  expect(messages(path, migrations)[1]).toMatch(/^fail Migration 0001_init\.sql was edited after it was applied/);
});

it("a file that is not a database, and a path under a file, are failures", () => {
  const dir = temp();
  writeFileSync(join(dir, "notes.txt"), "not sqlite at all, just some text that is long enough to be read as a header\n".repeat(20));
  expect(messages(join(dir, "notes.txt"))[0]).toMatch(/^fail .*notes\.txt cannot be written: file is not a database$/);
  expect(messages(join(dir, "notes.txt", "baton.db"))).toEqual([`fail ${join(dir, "notes.txt", "baton.db")} cannot be created: ${join(dir, "notes.txt")} is a file, not a folder`]);
});

it("a database that does not exist yet is fine when its folder can be created", () => {
  const path = join(temp(), "new", "baton.db");
  expect(messages(path)).toEqual([`ok ${path} does not exist yet; it will be created at the first start`]);
});
