// Scenario 7: heap after 10,000 conversations have been handled — idle conversations must hold no memory.

import { setImmediate as nextTick } from "node:timers/promises";
import { QUESTION } from "./seed-scenario.js";
import { ask, startBenchApp } from "./service-fixture.js";

export interface MemoryOptions {
  readonly conversations: number;
  /** Conversations in flight at once. */
  readonly concurrency: number;
  readonly warmup: number;
}

export interface MemoryResult {
  readonly conversations: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  /** Heap growth per conversation handled, after full collections: what an idle conversation keeps. */
  readonly bytesPerConversation: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Full collections until the heap stops shrinking; needs node --expose-gc. */
async function settledHeap(): Promise<number> {
  if (gc === undefined) throw new Error("Memory figures need node --expose-gc (npm run bench passes it).");
  let heap = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    // A macrotask first: queues drop their settled tails in promise callbacks.
    await nextTick();
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now >= heap) return now;
    heap = now;
  }
  return heap;
}

async function handleConversations(bench: ReturnType<typeof startBenchApp>, prefix: string, count: number, concurrency: number): Promise<void> {
  for (let start = 0; start < count; start += concurrency) {
    const batch = Math.min(concurrency, count - start);
    await Promise.all(Array.from({ length: batch }, (_, i) => ask(bench, `${prefix}-${start + i}`, QUESTION)));
  }
}

export async function runMemory(options: MemoryOptions): Promise<MemoryResult> {
  const bench = startBenchApp();
  try {
    // The first conversations fill caches that are not per conversation (JIT code, prepared statements, SQLite pages).
    await handleConversations(bench, "warmup", options.warmup, options.concurrency);
    const heapBeforeBytes = await settledHeap();
    await handleConversations(bench, "idle", options.conversations, options.concurrency);
    const heapAfterBytes = await settledHeap();
    return {
      conversations: options.conversations,
      heapBeforeBytes,
      heapAfterBytes,
      bytesPerConversation: (heapAfterBytes - heapBeforeBytes) / options.conversations,
    };
  } finally {
    await bench.close();
  }
}

/** The most memory the process has held so far (resident set), in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
