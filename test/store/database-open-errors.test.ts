// A database Baton cannot use stops the start with one line naming BATON_DB, the path and what to do — never a stack.

import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
// As root every file is writable: the child then runs as nobody, so that permissions mean what they say.
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
const CHILD_TIMEOUT_MS = 120_000;

function baton(args: string[], databasePath: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "", BATON_DB: databasePath },
      stdio: ["pipe", "ignore", "pipe"],
      ...(AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
    child.stdin.end("");
  });
}

/** A folder the child's user owns. */
function ownedFolder(parent: string, name: string): string {
  const folder = join(parent, name);
  mkdirSync(folder);
  if (AS_ROOT) chownSync(folder, NOBODY, NOBODY);
  return folder;
}

function expectOneClearLine(result: { code: number | null; stderr: string }, path: string, advice: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^baton: BATON_DB=${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `));
  expect(lines[0]).toMatch(advice);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("BATON_DB that cannot be used", () => {
  it("a read-only database file", { timeout: CHILD_TIMEOUT_MS }, async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-db-"));
    chmodSync(dir, 0o755);
    const path = join(ownedFolder(dir, "data"), "baton.db");
    openDatabase(path).close();
    if (AS_ROOT) chownSync(path, NOBODY, NOBODY);
    chmodSync(path, 0o444);
    expectOneClearLine(await baton([], path), path, /read-only.*Make the file and its folder writable.*or set BATON_DB to another path/);
  });

  it("a folder Baton cannot write", { timeout: CHILD_TIMEOUT_MS }, async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-db-"));
    chmodSync(dir, 0o755);
    const locked = ownedFolder(dir, "locked");
    chmodSync(locked, 0o555);
    const path = join(locked, "sub", "baton.db");
    expectOneClearLine(await baton(["migrate"], path), path, /cannot create files in the folder .*Make the folder writable/);
  });

  it("a file that is not SQLite", { timeout: CHILD_TIMEOUT_MS }, async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-db-"));
    chmodSync(dir, 0o755);
    const path = join(ownedFolder(dir, "data"), "notes.txt");
    writeFileSync(path, "These are my notes, not a database. ".repeat(200));
    if (AS_ROOT) chownSync(path, NOBODY, NOBODY);
    expectOneClearLine(await baton([], path), path, /not a SQLite database.*Point BATON_DB at Baton's database file/);
  });
});
