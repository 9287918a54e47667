// The timed loop shared by Baton and its peers: warm up, then time every turn on its own with a monotonic clock.

import { percentile } from "./stats.js";

export interface TurnLoopOptions {
  readonly warmup: number;
  /** Stops the warm-up early once it has taken this long (slow peers); default: none. */
  readonly warmupBudgetMs?: number;
  /** Turns to time; the loop stops earlier only when `budgetMs` runs out (slow peers), and says so in `turns`. */
  readonly turns: number;
  /** Time budget of the timed part; default: none. At least `minTurns` are run whatever it says. */
  readonly budgetMs?: number;
  readonly minTurns?: number;
}

export interface TurnLoopResult {
  readonly warmupTurns: number;
  readonly turns: number;
  readonly turnsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
}

/** Runs `turn` warmup + turns times, one after another, and summarizes the timed turns. */
export async function timeTurns(turn: (index: number) => Promise<unknown>, options: TurnLoopOptions): Promise<TurnLoopResult> {
  const warmupStart = process.hrtime.bigint();
  let warmed = 0;
  while (warmed < options.warmup && !(options.warmupBudgetMs !== undefined && elapsedMs(warmupStart) > options.warmupBudgetMs)) {
    await turn(warmed++);
  }
  const samples = new Float64Array(options.turns);
  const budgetNs = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : options.budgetMs * 1e6;
  const minTurns = Math.min(options.turns, options.minTurns ?? options.turns);
  const start = process.hrtime.bigint();
  let done = 0;
  for (; done < options.turns; done++) {
    const before = process.hrtime.bigint();
    await turn(warmed + done);
    const after = process.hrtime.bigint();
    samples[done] = Number(after - before) / 1e3;
    if (done + 1 >= minTurns && Number(after - start) > budgetNs) {
      done++;
      break;
    }
  }
  const elapsedNs = Number(process.hrtime.bigint() - start);
  const timed = samples.subarray(0, done).sort();
  let total = 0;
  for (const us of timed) total += us;
  return {
    warmupTurns: warmed,
    turns: done,
    turnsPerSecond: done / (elapsedNs / 1e9),
    p50Us: percentile(timed, 50),
    p99Us: percentile(timed, 99),
    meanUs: total / done,
  };
}

/** Milliseconds since `start` (from process.hrtime.bigint()). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
