// Doctor: the SQLite file can be written, its migrations are current (nothing is changed), and how big it is.

import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { defaultMigrationsDir } from "../store/database.js";
import { pendingMigrations } from "../store/migrations.js";
import { DoctorReport } from "./report.js";

export function checkDatabase(path: string, migrationsDir = defaultMigrationsDir): DoctorReport {
  const report = new DoctorReport("Database");
  const file = resolve(path);
  if (!existsSync(file)) {
    const folder = nearestExisting(dirname(file));
    if (!statSync(folder).isDirectory()) {
      report.fail(`${file} cannot be created: ${folder} is a file, not a folder`, "set BATON_DB to a path in a folder");
    } else if (isWritable(folder)) report.ok(`${file} does not exist yet; it will be created at the first start`);
    else report.fail(`${file} cannot be created: ${folder} is not writable by this user`, `create ${dirname(file)} and make it writable, or set BATON_DB`);
    return report;
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { fileMustExist: true, timeout: 2000 });
    db.exec("BEGIN IMMEDIATE; ROLLBACK");
    report.ok(`${file} is writable`);
  } catch (error) {
    report.fail(`${file} cannot be written: ${(error as Error).message}`, "check the file's owner and permissions (and its folder's), or stop the process holding a write lock");
    db?.close();
    return report;
  }
  try {
    const pending = pendingMigrations(db, migrationsDir);
    if (pending.length === 0) report.ok("migrations are current");
    else report.warn(`${pending.length} migration${pending.length === 1 ? "" : "s"} not applied yet (${pending.join(", ")})`, "they are applied at the next start, or now with npm run migrate");
  } catch (error) {
    report.fail((error as Error).message);
  } finally {
    db.close();
  }
  const bytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
  report.ok(`size ${formatBytes(bytes)}`);
  return report;
}

function nearestExisting(folder: string): string {
  let current = folder;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

function isWritable(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
