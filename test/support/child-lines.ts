// A test's child process (run with tsx) whose stdout is read line by line, for crash tests that SIGKILL it.

import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface LineChild {
  readonly child: ChildProcess;
  readonly lines: AsyncIterator<string>;
  readonly exited: Promise<number | null>;
}

/** Starts `script` under tsx with `env` added; stdin stays open (closing it asks a server child to stop). */
export function startLineChild(script: string, env: Record<string, string>): LineChild {
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

/** The next line starting with `prefix` (earlier lines are skipped). */
export async function waitForLine(lines: AsyncIterator<string>, prefix: string): Promise<string> {
  for (;;) {
    const next = await lines.next();
    if (next.done) throw new Error(`child ended before printing "${prefix}"`);
    if (next.value.startsWith(prefix)) return next.value;
  }
}
