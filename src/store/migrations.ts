// Applies migrations/NNNN_name.sql in order, once each, and refuses to run against a migration edited after it landed.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "better-sqlite3";
import { MigrationError } from "./errors.js";

const MIGRATION_FILE = /^(\d{4})_([A-Za-z0-9_-]+)\.sql$/;

interface MigrationFile {
  readonly version: number;
  readonly file: string;
  readonly checksum: string;
  readonly sql: string;
}

interface AppliedRow {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

/**
 * Brings the database up to date with the migrations in `migrationsDir`.
 * Each file runs in its own write transaction together with its bookkeeping row, so a failing migration leaves
 * nothing behind; files must therefore not contain BEGIN/COMMIT or PRAGMAs that cannot run inside a transaction.
 */
export function migrate(db: Database, migrationsDir: string): { applied: string[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    checksum   TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);

  const files = readMigrationFiles(migrationsDir);
  verifyApplied(db, files, migrationsDir);

  const selectOne = db.prepare<[number], AppliedRow>("SELECT version, name, checksum FROM schema_migrations WHERE version = ?");
  const record = db.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)");
  const applied: string[] = [];
  for (const file of files) {
    // Check again inside a write transaction: another process may have applied it since we looked.
    const ran = db
      .transaction(() => {
        const row = selectOne.get(file.version);
        if (row !== undefined) {
          verifyUnchanged(file, row);
          return false;
        }
        try {
          db.exec(file.sql);
        } catch (cause) {
          throw new MigrationError(file.file, `Migration ${file.file} failed: ${(cause as Error).message}`, { cause });
        }
        record.run(file.version, file.file, file.checksum, Date.now());
        return true;
      })
      .immediate();
    if (ran) applied.push(file.file);
  }
  return { applied };
}

/** Checks the applied migrations as `migrate` does, changing nothing, and names the files not applied yet (for doctor). */
export function pendingMigrations(db: Database, migrationsDir: string): string[] {
  const files = readMigrationFiles(migrationsDir);
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasTable) return files.map((f) => f.file);
  const applied = verifyApplied(db, files, migrationsDir);
  return files.filter((f) => !applied.has(f.version)).map((f) => f.file);
}

function verifyApplied(db: Database, files: readonly MigrationFile[], migrationsDir: string): Set<number> {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const applied = new Set<number>();
  for (const row of db.prepare<[], AppliedRow>("SELECT version, name, checksum FROM schema_migrations ORDER BY version").all()) {
    const file = byVersion.get(row.version);
    if (file === undefined) {
      throw new MigrationError(
        row.name,
        `Migration ${row.name} was applied to this database but is missing from ${migrationsDir}. ` +
          "Applied migrations must never be removed or renamed; is this an older version of Baton than the database?",
      );
    }
    verifyUnchanged(file, row);
    applied.add(row.version);
  }
  return applied;
}

function verifyUnchanged(file: MigrationFile, row: AppliedRow): void {
  if (file.file !== row.name || file.checksum !== row.checksum) {
    throw new MigrationError(
      file.file,
      `Migration ${file.file} was edited after it was applied to this database (applied as ${row.name}, checksum ` +
        `${row.checksum.slice(0, 12)}…, now ${file.checksum.slice(0, 12)}…). Migrations must never be edited once ` +
        "applied: restore the file and add a new migration with the change instead.",
    );
  }
}

function readMigrationFiles(migrationsDir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const name of readdirSync(migrationsDir).sort()) {
    const match = MIGRATION_FILE.exec(name);
    if (match === null) continue;
    const version = Number(match[1]);
    const previous = files.find((f) => f.version === version);
    if (previous !== undefined) {
      throw new MigrationError(name, `Migrations ${previous.file} and ${name} share version ${match[1]}; renumber the new one.`);
    }
    const sql = readFileSync(join(migrationsDir, name), "utf8");
    files.push({ version, file: name, sql, checksum: checksumOf(sql) });
  }
  return files;
}

/** Line endings are normalized so a checkout with CRLF (git autocrlf) is not mistaken for an edit. */
function checksumOf(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}
