// Runs the peer frameworks in child processes (installing them on first use), so their memory and JIT stay apart.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TurnLoopResult } from "./measure.js";

const PEERS_DIR = fileURLToPath(new URL("../peers/", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COMPILED_LOADER = new URL("../compiled.mjs", import.meta.url).href;

export const PEERS = [
  { framework: "openai-agents", label: "@openai/agents", packageName: "@openai/agents" },
  { framework: "langgraph-swarm", label: "LangGraph Swarm", packageName: "@langchain/langgraph-swarm" },
] as const;

export type PeerFramework = (typeof PEERS)[number]["framework"];

export interface PeerRow extends TurnLoopResult {
  readonly history: number;
  readonly streaming: boolean;
  readonly modelCallsPerTurn: number;
}

export interface PeerRun {
  readonly framework: PeerFramework;
  readonly version?: string;
  readonly rows: readonly PeerRow[];
  /** Why there are no figures (not installable, crashed…): the bench prints n/a with it and goes on. */
  readonly error?: string;
}

export interface PeerLoopOptions {
  readonly warmup: number;
  readonly warmupBudgetMs: number;
  readonly turns: number;
  readonly budgetMs: number;
  readonly minTurns: number;
}

/** The pinned versions are installed (npm ci from the lock file when they are not); otherwise the reason. */
export function ensurePeersInstalled(log: (line: string) => void): { ok: true } | { ok: false; reason: string } {
  const pinned = (JSON.parse(readFileSync(`${PEERS_DIR}package.json`, "utf8")) as { dependencies: Record<string, string> }).dependencies;
  const installed = (name: string): string | undefined => {
    const manifest = `${PEERS_DIR}node_modules/${name}/package.json`;
    return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version : undefined;
  };
  if (Object.entries(pinned).every(([name, version]) => installed(name) === version || (version.startsWith("^") && installed(name)))) {
    return { ok: true };
  }
  log("Installing the peer frameworks in bench/peers (npm ci, first run only)…");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", PEERS_DIR], { encoding: "utf8", timeout: 600_000 });
  if (result.status === 0) return { ok: true };
  const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n").slice(-3).join(" ");
  return { ok: false, reason: `npm ci in bench/peers failed: ${result.error?.message ?? output}` };
}

/** Times the rows on one framework in a fresh node process, its harness loaded as Baton's own run is (bench/compiled.mjs). */
export function runPeer(
  framework: PeerFramework,
  rows: ReadonlyArray<{ history: number; streaming: boolean }>,
  options: PeerLoopOptions,
): Promise<PeerRun> {
  const args = [
    "--import",
    COMPILED_LOADER,
    `${PEERS_DIR}run-peer.ts`,
    `--framework=${framework}`,
    `--rows=${rows.map((r) => `${r.history}:${r.streaming ? "stream" : "plain"}`).join(",")}`,
    `--warmup=${options.warmup}`,
    `--warmup-budget-ms=${options.warmupBudgetMs}`,
    `--turns=${options.turns}`,
    `--budget-ms=${options.budgetMs}`,
    `--min-turns=${options.minTurns}`,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => resolve({ framework, rows: [], error: error.message }));
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("{")) {
        const parsed = JSON.parse(last) as { version: string; rows: PeerRow[] };
        resolve({ framework, version: parsed.version, rows: parsed.rows });
        return;
      }
      // Node prints the source line first, then "SomeError: message": the message is what says why.
      const lines = stderr.trim().split("\n");
      const reason = lines.find((line) => /^\w*Error\b.*:/.test(line)) ?? lines.at(-1) ?? "";
      resolve({ framework, rows: [], error: `exited with ${code}: ${reason.slice(0, 200)}` });
    });
  });
}
