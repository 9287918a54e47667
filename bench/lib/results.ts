// The shape of a bench run's results (bench/results/latest.json) and the targets judged against them.

import type { MediaResult } from "./media-intake.js";
import type { FormulaResult } from "./formula-render.js";
import type { ConcurrencyResult, EndToEndResult } from "./end-to-end.js";
import type { EngineRowResult } from "./engine-turn.js";
import type { ImportCostResult } from "./import-cost.js";
import type { LongConversationResult } from "./long-conversation.js";
import type { MachineInfo } from "./machine.js";
import type { MemoryResult } from "./memory.js";
import type { PeerRun } from "./peer-runner.js";
import type { StreamedAnswersResult } from "./streamed-answers.js";
import type { TokenEconomyResult } from "./token-economy.js";

export interface BenchResults {
  readonly generatedAt: string;
  readonly mode: "full" | "quick";
  readonly repetitions: number;
  /** How much each scenario ran (turns, threads, budgets): what the figures are medians of. */
  readonly plan: BenchPlan;
  readonly machine: MachineInfo;
  readonly engine?: readonly EngineRowResult[];
  readonly peers?: readonly PeerRun[];
  readonly peersSkipped?: string;
  readonly endToEnd?: EndToEndResult;
  readonly concurrency?: ConcurrencyResult;
  readonly longConversation?: LongConversationResult;
  readonly tokenEconomy?: TokenEconomyResult;
  readonly media?: MediaResult;
  readonly math?: FormulaResult;
  readonly memory?: MemoryResult;
  readonly imports?: ImportCostResult;
  readonly streaming?: StreamedAnswersResult;
  readonly peakRssBytes: number;
  targets?: Target[];
}

export interface BenchPlan {
  readonly reps: number;
  readonly engine: { readonly warmup: number; readonly turns: number };
  readonly peer: { readonly warmup: number; readonly warmupBudgetMs: number; readonly turns: number; readonly budgetMs: number; readonly minTurns: number };
  readonly endToEnd: { readonly threads: number; readonly rounds: number; readonly hotTurns: number; readonly warmup: number };
  readonly concurrency: { readonly threads: number; readonly latencyMs: number; readonly warmup: number };
  readonly long: { readonly longMessages: number; readonly shortMessages: number; readonly turns: number; readonly warmup: number };
  readonly tokens: { readonly longThreadMessages: number };
  readonly memory: { readonly conversations: number; readonly concurrency: number; readonly warmup: number };
  readonly imports: { readonly processes: number };
  readonly stream: { readonly answers: number; readonly tokenIntervalMs: number; readonly alongside: boolean };
}

export interface Target {
  readonly scenario: string;
  readonly description: string;
  readonly value: string;
  readonly goal: string;
  readonly met: boolean;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Baton ÷ the faster peer on the same row, or undefined when no peer produced that row. */
export function bestPeerRatio(results: BenchResults, row: { history: number; streaming: boolean }): { ratio: number; peer: string } | undefined {
  let best: { turnsPerSecond: number; peer: string } | undefined;
  for (const run of results.peers ?? []) {
    const peerRow = run.rows.find((r) => r.history === row.history && r.streaming === row.streaming);
    if (peerRow !== undefined && (best === undefined || peerRow.turnsPerSecond > best.turnsPerSecond)) {
      best = { turnsPerSecond: peerRow.turnsPerSecond, peer: run.framework };
    }
  }
  const baton = results.engine?.find((r) => r.history === row.history && r.streaming === row.streaming && !r.rebuilt);
  return best === undefined || baton === undefined ? undefined : { ratio: baton.turnsPerSecond / best.turnsPerSecond, peer: best.peer };
}

export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  for (const streaming of [false, true]) {
    const mode = streaming ? "streamed" : "not streamed";
    const best = bestPeerRatio(results, { history: 0, streaming });
    if (best !== undefined) {
      targets.push({ scenario: "2", description: `Engine turn at history 0, ${mode}: Baton ÷ best peer (${best.peer})`, value: `${fmt(best.ratio, 1)}×`, goal: "≥ 10×", met: best.ratio >= 10 });
    }
  }
  for (const streaming of [false, true]) {
    const mode = streaming ? "streamed" : "not streamed";
    const at200 = results.engine?.find((r) => r.history === 200 && r.streaming === streaming && r.rebuilt);
    if (at200 !== undefined && !streaming) {
      targets.push({ scenario: "1", description: `Engine turn, history 200 rebuilt from plain messages, ${mode}`, value: `${fmt(at200.turnsPerSecond)} turns/s, p99 ${fmt(at200.p99Us)} µs`, goal: "≥ 20,000 turns/s, p99 ≤ 1,000 µs", met: at200.turnsPerSecond >= 20_000 && at200.p99Us <= 1_000 });
    }
    const at2000 = results.engine?.find((r) => r.history === 2000 && r.streaming === streaming && r.rebuilt);
    if (at2000 !== undefined) {
      targets.push({ scenario: "1", description: `Engine turn, history 2,000 rebuilt from plain messages, ${mode}`, value: `${fmt(at2000.turnsPerSecond)} turns/s`, goal: "≥ 5,000 turns/s", met: at2000.turnsPerSecond >= 5_000 });
    }
  }
  const e2e = results.endToEnd;
  if (e2e !== undefined) {
    targets.push({ scenario: "3", description: `End to end, ${fmt(e2e.distinctThreads)} distinct threads`, value: `${fmt(e2e.distinctTurnsPerSecond)} turns/s`, goal: "≥ 2,000 turns/s", met: e2e.distinctTurnsPerSecond >= 2000 });
    targets.push({ scenario: "3", description: "End to end, one hot thread", value: `${fmt(e2e.hotTurnsPerSecond)} turns/s`, goal: "≥ 2,000 turns/s", met: e2e.hotTurnsPerSecond >= 2000 });
  }
  const c = results.concurrency;
  if (c !== undefined) {
    targets.push({
      scenario: "4",
      description: `${fmt(c.threads)} threads at once, model ${fmt(c.latencyMs)} ms per call (${fmt(c.modelPathMs)} ms of model time per turn)`,
      value: `${fmt(c.wallMs)} ms (${fmt(c.wallMs / c.modelPathMs, 2)}× the model time)`,
      goal: `≤ 1.5× = ${fmt(1.5 * c.modelPathMs)} ms`,
      met: c.wallMs <= 1.5 * c.modelPathMs,
    });
  }
  const long = results.longConversation;
  if (long !== undefined) {
    targets.push({ scenario: "5", description: `Turn p50 with ${fmt(long.longMessages)} stored messages ÷ with ${fmt(long.shortMessages)}`, value: `${fmt(long.ratio, 2)}×`, goal: "≤ 1.2×", met: long.ratio <= 1.2 });
  }
  const tokens = results.tokenEconomy?.longThread;
  if (tokens !== undefined) {
    targets.push({
      scenario: "6",
      description: `Largest prompt of one call in a ${fmt(tokens.storedMessages)}-message thread`,
      value: `${fmt(tokens.maxCallPromptTokens)} tokens`,
      goal: `≤ window budget + system prompt, tools, question = ${fmt(tokens.callPromptLimit)}`,
      met: tokens.maxCallPromptTokens <= tokens.callPromptLimit,
    });
  }
  const memory = results.memory;
  if (memory !== undefined) {
    targets.push({
      scenario: "7",
      description: `Heap kept per conversation after ${fmt(memory.conversations)} conversations`,
      value: `${fmt(memory.bytesPerConversation, 1)} B`,
      goal: "≈ 0 (≤ 100 B)",
      met: memory.bytesPerConversation <= 100,
    });
  }
  const engineOnly = results.imports?.rows.find((row) => row.entry === "baton/workflow");
  if (engineOnly !== undefined) {
    const mib = engineOnly.rssBytes / 2 ** 20;
    targets.push({ scenario: "8", description: "import baton/workflow: RSS after import (whole process)", value: `${fmt(mib, 1)} MiB`, goal: "≤ 50 MiB", met: mib <= 50 });
    targets.push({ scenario: "8", description: "import baton/workflow: import time", value: `${fmt(engineOnly.importMs, 1)} ms`, goal: "≤ 100 ms", met: engineOnly.importMs <= 100 });
  }
  const math = results.math;
  if (math !== undefined && math.formulas.length > 0) {
    const cold = [...math.formulas.map((row) => row.coldMs)].sort((a, b) => a - b)[Math.floor(math.formulas.length / 2)]!;
    const cached = Math.max(...math.formulas.map((row) => row.cachedMs));
    targets.push({ scenario: "10", description: "Display formula rendered to PNG, cold (median formula)", value: `${fmt(cold, 2)} ms`, goal: "≤ 10 ms (a few ms)", met: cold <= 10 });
    targets.push({ scenario: "10", description: "Display formula from the cache (slowest formula)", value: `${fmt(cached, 4)} ms`, goal: "≤ 0.1 ms", met: cached <= 0.1 });
  }
  for (const platform of results.streaming?.platforms ?? []) {
    const name = platform.platform === "discord" ? "Discord" : "Slack";
    const goal = platform.platform === "discord" ? 1_600 : 500;
    targets.push({ scenario: "11", description: `${name}: model's first token → first visible words, p50 (${platform.path})`, value: `${fmt(platform.firstVisibleMs.p50)} ms`, goal: `≤ ${fmt(goal)} ms`, met: platform.firstVisibleMs.p50 <= goal });
    const unenforced = platform.rateLimitEnforced ? "" : " (the fake serves no standing limit)";
    targets.push({ scenario: "11", description: `${name}: reply calls refused by the rate limit (429)${unenforced}`, value: fmt(platform.refusedByRateLimit), goal: "0", met: platform.refusedByRateLimit === 0 });
  }
  return targets;
}

export { fmt };
