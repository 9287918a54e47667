// Runs the CLI on a real pseudo-terminal (through test/support/pty-host.py, Python's pty module) and lets a test type
// keys and wait for what the terminal shows.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { screenLines } from "./terminal-screen.js";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const HOST = new URL("./pty-host.py", import.meta.url).pathname;

/** Keys as a terminal sends them. */
export const KEY = { enter: "\r", up: "\u001b[A", left: "\u001b[D", backspace: "\u007f", ctrlC: "\u0003", ctrlD: "\u0004" } as const;

/** What the terminal shows after `output`: its screen's lines (spinner frames that were erased are gone). */
export function screenText(output: string): string {
  return screenLines(output).join("\n");
}

export class PtySession {
  private output = "";
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  /** `baton [args]` on an 80x24 terminal, with only PATH, HOME and `env` in its environment. */
  constructor(args: readonly string[], env: Record<string, string>) {
    this.child = spawn("python3", [HOST, process.execPath, "--import", "tsx", MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TERM: "xterm-256color", ...env },
    });
    this.child.stdout.on("data", (data: Buffer) => {
      this.output += data.toString("utf8");
      for (const wake of this.waiters) wake();
    });
    this.child.stderr.on("data", (data: Buffer) => (this.output += `[pty-host] ${data.toString("utf8")}`));
    // Without python3 the tests fail saying so (it is also what builds better-sqlite3 from source).
    this.child.on("error", (error) => (this.output += `[pty-host] cannot start python3: ${error.message}\n`));
    this.exited = new Promise((resolve) => this.child.once("close", (code) => resolve(code)));
  }

  /** Everything the terminal showed so far, escape sequences included. */
  get raw(): string {
    return this.output;
  }

  /** What the terminal shows now (all of it, not only the last 24 lines). */
  get screen(): string {
    return screenText(this.output);
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /**
   * Resolves with the raw output from `from` (an offset into `raw`) once what it shows matches `pattern`; fails after
   * `timeoutMs` (a generous bound against hangs, never a speed requirement) with what was shown.
   */
  waitFor(pattern: RegExp, options: { from?: number; timeoutMs?: number } = {}): Promise<string> {
    const from = options.from ?? 0;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const seen = this.output.slice(from);
        if (!pattern.test(screenText(seen))) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(seen);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`the terminal never showed ${pattern}; it showed:\n${screenText(this.output.slice(from))}`));
      }, options.timeoutMs ?? 20_000);
      this.waiters.add(wake);
      check();
    });
  }

  /** Resolves once the program has written `count` more times (e.g. spinner frames: it is alive and reading keys). */
  moreWrites(count: number): Promise<void> {
    return new Promise((resolve) => {
      let left = count;
      const wake = (): void => {
        if (--left > 0) return;
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** Waits for the prompt `Q: ` to come back after offset `from`, then returns the new offset. */
  async prompt(from = 0): Promise<number> {
    await this.waitFor(/(?:^|\n)Q:$/, { from });
    return this.output.length;
  }

  kill(): void {
    this.child.kill("SIGKILL");
  }
}
