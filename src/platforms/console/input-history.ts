// The console chat's question history, kept in a file between sessions (newest last, as shells keep theirs).

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const HISTORY_SIZE = 500;

export class InputHistory {
  /** Newest first, as readline holds it. */
  private lines: string[];

  constructor(private readonly path: string | undefined) {
    this.lines = path === undefined ? [] : readLines(path);
  }

  /** Newest first, for readline's `history` option. */
  entries(): string[] {
    return [...this.lines];
  }

  /** readline's history after a line was entered (newest first); written to the file at once. */
  update(entries: readonly string[]): void {
    this.lines = entries.slice(0, HISTORY_SIZE);
    if (this.path === undefined) return;
    mkdirSync(dirname(this.path), { recursive: true });
    // The questions are the student's own: readable by them only.
    writeFileSync(this.path, `${[...this.lines].reverse().join("\n")}\n`, { mode: 0o600 });
  }
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, "utf8").split("\n").filter((line) => line.trim() !== "").reverse().slice(0, HISTORY_SIZE);
  } catch {
    return []; // no history yet (or unreadable): start without one
  }
}
