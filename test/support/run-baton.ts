// Runs the CLI as `npm start` does (tsx src/main.ts) in a child process, with stdin piped, and collects its output.

import { spawn } from "node:child_process";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

export interface BatonRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `baton [args]` with `input` on stdin and only PATH, HOME and `env` in its environment (nothing from this shell). */
export function runBaton(args: readonly string[], input: string, env: Record<string, string>): Promise<BatonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
