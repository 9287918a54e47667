// `npm run bench -- --quick` runs every one of Baton's scenarios and reports a number for each (never judged for speed).

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults } from "../../bench/lib/results.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let dir: string;
let stdout: string;
let stderr: string;
let status: number | null;
let results: BenchResults;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-bench-smoke-"));
  const out = join(dir, "results.json");
  // Peers are left out: CI must not depend on installing them from the registry.
  // The command `npm run bench` runs (its loader included), with the smoke run's flags.
  const [node, ...args] = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { bench: string } }).scripts.bench.split(" ");
  if (node !== "node") throw new Error(`npm run bench is expected to start node, not ${node}`);
  const run = spawnSync(process.execPath, [...args, "--quick", "--no-peers", `--out=${out}`], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 110_000,
  });
  ({ stdout, stderr, status } = run);
  if (status === 0) results = JSON.parse(readFileSync(out, "utf8")) as BenchResults;
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const positive = (value: number | undefined): void => {
  expect(value).toBeTypeOf("number");
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThan(0);
};

describe("npm run bench -- --quick --no-peers", () => {
  it("exits cleanly and says the peers were left out", () => {
    expect(status, stderr).toBe(0);
    expect(results.mode).toBe("quick");
    expect(results.peersSkipped).toContain("--no-peers");
  });

  it("times the engine turn at every history length, streamed and not", () => {
    const rows = results.engine ?? [];
    expect(rows.map((r) => `${r.history}:${r.streaming}${r.rebuilt === true ? ":rebuilt" : ""}`)).toEqual([
      "0:false", "0:true", "200:false", "200:true", "2000:false", "2000:true",
      "200:false:rebuilt", "200:true:rebuilt", "2000:false:rebuilt", "2000:true:rebuilt",
    ]);
    for (const row of rows) {
      positive(row.turnsPerSecond);
      positive(row.p50Us);
      positive(row.p99Us);
      expect(row.turns).toBe(results.plan.engine.turns);
    }
  });

  it("measures end to end, concurrency, long conversations, tokens and memory", () => {
    positive(results.endToEnd?.distinctTurnsPerSecond);
    positive(results.endToEnd?.hotTurnsPerSecond);
    positive(results.concurrency?.wallMs);
    expect(results.concurrency?.modelPathMs).toBe(2 * results.plan.concurrency.latencyMs);
    positive(results.longConversation?.ratio);
    expect(results.longConversation?.windowPlan).toMatch(/USING (COVERING )?INDEX messages_conversation_seq/);
    expect(results.tokenEconomy?.sample.map((s) => s.turns.length)).toEqual([3, 3]);
    for (const sample of results.tokenEconomy?.sample ?? []) positive(sample.promptTokens);
    expect(results.tokenEconomy?.longThread.storedMessages).toBeGreaterThanOrEqual(500);
    positive(results.tokenEconomy?.longThread.maxCallPromptTokens);
    expect(Number.isFinite(results.memory?.bytesPerConversation)).toBe(true);
    positive(results.peakRssBytes);
  });

  it("measures importing baton/workflow and baton, each in fresh processes, beside an empty Node process", () => {
    const rows = results.imports?.rows ?? [];
    expect(rows.map((row) => [row.entry, row.processes])).toEqual([["baton/workflow", 3], ["baton", 3], ["node alone", 3]]);
    for (const row of rows) {
      positive(row.importMs);
      positive(row.rssBytes);
    }
    const rss = (entry: string): number => rows.find((row) => row.entry === entry)?.rssBytes ?? Number.NaN;
    // Not a speed: the whole package loads more modules than the engine alone, which loads more than nothing.
    expect(rss("baton")).toBeGreaterThan(rss("baton/workflow"));
  });

  it("measures the bytes stored per image and the prompt tokens of a turn with one", () => {
    const images = results.media?.images ?? [];
    expect(images).toHaveLength(4);
    for (const row of images) {
      positive(row.storedBytes);
      positive(row.msPerImage);
    }
    const turn = results.media?.turn;
    positive(turn?.textPromptTokens);
    expect(turn?.lowPromptTokens).toBe((turn?.textPromptTokens ?? 0) + 85 * (turn?.calls ?? 0));
    expect(turn?.highPromptTokens).toBeGreaterThan(turn?.lowPromptTokens ?? Infinity);
  });

  it("times display formulas rendered cold and from the cache, and a whole reply", () => {
    const rows = results.math?.formulas ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      positive(row.coldMs);
      positive(row.pngBytes);
      // The cache answers without rendering again.
      expect(row.cachedMs).toBeLessThan(row.coldMs);
    }
    positive(results.math?.replyColdMs);
  });

  it("streams answers through the Discord and Slack adapters and reports what the student waited for", () => {
    const platforms = results.streaming?.platforms ?? [];
    expect(platforms.map((p) => [p.platform, p.answers])).toEqual([
      ["discord", results.plan.stream.answers],
      ["slack", results.plan.stream.answers],
    ]);
    for (const platform of platforms) {
      positive(platform.firstVisibleMs.p50);
      expect(platform.firstVisibleMs.p99).toBeGreaterThanOrEqual(platform.firstVisibleMs.p50);
      positive(platform.callsPerAnswer.median);
      expect(Number.isInteger(platform.refusedByRateLimit)).toBe(true);
      expect(platform.path).not.toBe("");
    }
  });

  it("prints the machine, every section and a verdict for each target", () => {
    expect(stdout).toContain(`Node ${process.version}`);
    for (const heading of ["### 1–2. Engine turn", "### 3–4. End to end", "### 5. Long conversations", "### 6. Token economy", "### 9. Students' photos", "### 10. Math out", "### 7. Memory", "### 8. Import cost", "### 11. Streamed answers", "### Targets"]) {
      expect(stdout).toContain(heading);
    }
    expect(results.targets?.map((t) => t.scenario).sort()).toEqual(["1", "1", "1", "10", "10", "11", "11", "11", "11", "3", "3", "4", "5", "6", "7", "8", "8"]);
  });
});
