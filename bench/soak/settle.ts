// Bounded waits: every soak loop ends by count or by time, and a wait that runs out is reported, never hung on.

import { setTimeout as delay } from "node:timers/promises";
import { GAVE_UP_NOTICE, TOO_LONG_NOTICE } from "../../src/bot/conversation-service.js";
import { NOT_SAVED_NOTICE } from "../../src/bot/received-intake.js";
import { UNDELIVERED_NOTICE } from "../../src/bot/reply-delivery.js";
import { UNAVAILABLE_NOTICE } from "../../src/bot/turn-runner.js";

/** The notices that tell a student their question was not answered (the ledger's "told"). */
export const FAILURE_NOTICES: readonly string[] = [UNAVAILABLE_NOTICE, UNDELIVERED_NOTICE, GAVE_UP_NOTICE, NOT_SAVED_NOTICE, TOO_LONG_NOTICE(4_000)];

/** Resolves true when `work` settles within `ms`, false when time ran out first. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  const outcome = await Promise.race([work.then(() => true), delay(ms, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  return outcome;
}

/** Polls `done` every `everyMs` until it holds or `ms` have passed; true when it held. */
export async function until(done: () => boolean, ms: number, everyMs = 10): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) return false;
    await delay(everyMs);
  }
  return true;
}

/** Runs `count` tasks, at most `concurrency` at a time, in index order. */
export async function inBatches(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
