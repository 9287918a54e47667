// Resident memory before and after many conversations through the real service (SQLite file, in-process model).

import { setImmediate as nextTick } from "node:timers/promises";
import { QUESTION } from "../lib/seed-scenario.js";
import { ask, startBenchApp, type BenchApp } from "../lib/service-fixture.js";
import type { MemoryFigures } from "./results.js";
import { inBatches } from "./settle.js";

export interface MemoryOptions {
  readonly conversations: number;
  readonly warmup: number;
  readonly concurrency: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Full collections until the heap stops shrinking (node --expose-gc), then the resident set and the heap. */
async function settled(): Promise<{ rss: number; heap: number }> {
  if (gc === undefined) throw new Error("The memory figures need node --expose-gc (npm run soak passes it).");
  let heap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    await nextTick();
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now >= heap) break;
    heap = now;
  }
  return { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
}

async function conversations(bench: BenchApp, prefix: string, count: number, concurrency: number): Promise<void> {
  await inBatches(count, concurrency, (i) => ask(bench, `${prefix}-${i}`, QUESTION));
}

export async function runMemory(options: MemoryOptions): Promise<MemoryFigures> {
  const bench = startBenchApp();
  try {
    // The first conversations fill what is not per conversation: JIT code, prepared statements, SQLite's page cache.
    await conversations(bench, "warmup", options.warmup, options.concurrency);
    const before = await settled();
    await conversations(bench, "soak", options.conversations, options.concurrency);
    const after = await settled();
    return { conversations: options.conversations, rssBeforeBytes: before.rss, rssAfterBytes: after.rss, heapBeforeBytes: before.heap, heapAfterBytes: after.heap };
  } finally {
    await bench.close();
  }
}
