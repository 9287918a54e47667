// Scenarios 3 and 4: whole turns through ConversationService, SQLite (WAL) and the outbox, with many threads or one.

import { elapsedMs } from "./measure.js";
import { QUESTION } from "./seed-scenario.js";
import { ask, startBenchApp, type BenchApp } from "./service-fixture.js";

export interface EndToEndOptions {
  /** Threads of the "distinct threads" run; each asks `rounds` questions, one after another, all threads at once. */
  readonly threads: number;
  readonly rounds: number;
  /** Questions asked one after another in the single hot thread. */
  readonly hotTurns: number;
  readonly warmup: number;
}

export interface EndToEndResult {
  readonly distinctThreads: number;
  readonly distinctTurnsPerSecond: number;
  readonly distinctTurns: number;
  readonly hotTurnsPerSecond: number;
  readonly hotTurns: number;
  /** The hot thread again with the database in memory: how much of a turn is the disk. */
  readonly hotInMemoryTurnsPerSecond: number;
}

/** Warms the JIT and SQLite's caches on threads that the timed part does not use. */
async function warmUp(bench: BenchApp, turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await ask(bench, `warmup-${i % 20}`, QUESTION);
}

async function hotThread(bench: BenchApp, turns: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < turns; i++) await ask(bench, "hot", QUESTION);
  return turns / (elapsedMs(start) / 1000);
}

export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  // The hot thread runs on a store of its own, as the in-memory one does: the same warm-up and nothing else before it,
  // so the two rows differ by the disk alone, and neither inherits the distinct threads' backlog (their messages for
  // the search index, a store still busy from their burst).
  const bench = startBenchApp();
  const hot = startBenchApp();
  const inMemory = startBenchApp({ inMemory: true });
  try {
    await warmUp(bench, options.warmup);
    await warmUp(hot, options.warmup);
    await warmUp(inMemory, options.warmup);
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: options.threads }, async (_, thread) => {
        for (let round = 0; round < options.rounds; round++) await ask(bench, `distinct-${thread}`, QUESTION);
      }),
    );
    const distinctMs = elapsedMs(start);
    const hotTurnsPerSecond = await hotThread(hot, options.hotTurns);
    const hotInMemoryTurnsPerSecond = await hotThread(inMemory, options.hotTurns);
    const distinctTurns = options.threads * options.rounds;
    return {
      distinctThreads: options.threads,
      distinctTurns,
      distinctTurnsPerSecond: distinctTurns / (distinctMs / 1000),
      hotTurns: options.hotTurns,
      hotTurnsPerSecond,
      hotInMemoryTurnsPerSecond,
    };
  } finally {
    await bench.close();
    await hot.close();
    await inMemory.close();
  }
}

export interface ConcurrencyOptions {
  readonly threads: number;
  readonly latencyMs: number;
  readonly warmup: number;
}

export interface ConcurrencyResult {
  readonly threads: number;
  readonly latencyMs: number;
  readonly wallMs: number;
  /** What the model alone makes a turn wait: one latency per model call on the turn's path (2 in the scenario). */
  readonly modelPathMs: number;
  readonly singleTurnMs: number;
}

/** Every thread asks once, all at the same moment, while the model takes `latencyMs` per call. */
export async function runConcurrency(options: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const bench = startBenchApp();
  try {
    await warmUp(bench, options.warmup);
    bench.model.latencyMs = options.latencyMs;
    let start = process.hrtime.bigint();
    const callsBefore = bench.model.calls;
    await ask(bench, "alone", QUESTION);
    const singleTurnMs = elapsedMs(start);
    const callsPerTurn = bench.model.calls - callsBefore;
    start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: options.threads }, (_, thread) => ask(bench, `concurrent-${thread}`, QUESTION)));
    const wallMs = elapsedMs(start);
    return { threads: options.threads, latencyMs: options.latencyMs, wallMs, modelPathMs: callsPerTurn * options.latencyMs, singleTurnMs };
  } finally {
    await bench.close();
  }
}
