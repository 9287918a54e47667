// What a crash test starts, undone after each test: its child processes killed, its fakes closed, its folders removed.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { startLineChild, type LineChild } from "./child-lines.js";

export interface CrashTestScope {
  /** Starts `script` under tsx (see startLineChild); SIGKILLed after the test if it is still running. */
  start(script: string, env: Record<string, string>): LineChild;
  /** Closes `resource` after the test (after the children are killed, the latest owned first). */
  own<T extends { close(): Promise<void> }>(resource: T): T;
  /** A new folder under the system's temporary folder, removed after the test. */
  tempDir(prefix: string): string;
}

/** Call at the top of a test file (or in a describe): registers the afterEach that undoes what each test started. */
export function crashTestScope(): CrashTestScope {
  const children: LineChild[] = [];
  const owned: Array<{ close(): Promise<void> }> = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const { child } of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const resource of owned.splice(0).reverse()) await resource.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    start(script, env) {
      const started = startLineChild(script, env);
      children.push(started);
      return started;
    },
    own(resource) {
      owned.push(resource);
      return resource;
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
}
