// Runs the service's writes so that a database locked by another process delays them (in order) instead of failing them.

import BetterSqlite3 from "better-sqlite3";
import type { Logger } from "pino";
import { StoreError } from "./errors.js";

/** A write waited longer than the gate's limit for another process to release the database. */
export class DatabaseBusyError extends StoreError {
  readonly reason = "database_busy" as const;
  constructor(waitedMs: number) {
    super(`The database stayed locked by another process for ${Math.round(waitedMs / 1000)} s; the write was given up.`);
  }
}

export interface WriteGateOptions {
  readonly logger: Logger;
  /** First pause after a busy attempt; doubled after each further one. Default 50 ms. */
  readonly minDelayMs?: number;
  /** Longest pause between attempts. Default 1 s. */
  readonly maxDelayMs?: number;
  /** A write still waiting after this long is rejected with DatabaseBusyError. Default 10 minutes. */
  readonly giveUpAfterMs?: number;
  readonly now?: () => number;
}

export interface WriteOptions {
  /** Called once if the write is still waiting after `slowAfterMs` (e.g. to tell the student). */
  readonly onSlow?: () => void;
  readonly slowAfterMs?: number;
}

interface Waiting {
  readonly write: () => unknown;
  readonly since: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly slowTimer: NodeJS.Timeout | undefined;
}

/** SQLITE_BUSY and SQLITE_LOCKED (and their extended codes): another connection holds the lock. */
export function isBusyError(error: unknown): boolean {
  return error instanceof BetterSqlite3.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(error.code);
}

/**
 * The database's own busy wait is kept short (a few tens of ms, see openDatabase's busyTimeoutMs), because it blocks
 * the event loop: Slack's three seconds, Discord's heartbeats and every other conversation would wait with it. When a
 * write finds the database locked, it and every write after it wait here, in order, while one of them is retried with
 * backoff on a timer: the process stays responsive, nothing is dropped, and the order of writes is kept. One line is
 * logged when an outage starts and one when it ends.
 */
export class WriteGate {
  readonly #logger: Logger;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #giveUpAfterMs: number;
  readonly #now: () => number;
  readonly #waiting: Waiting[] = [];
  #outage: { since: number; delayed: number } | undefined;
  #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  #draining = false;

  constructor(options: WriteGateOptions) {
    this.#logger = options.logger;
    this.#minDelayMs = options.minDelayMs ?? 50;
    this.#maxDelayMs = options.maxDelayMs ?? 1_000;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? 600_000;
    this.#now = options.now ?? Date.now;
    this.#delayMs = this.#minDelayMs;
  }

  /** Whether writes are waiting for another process to release the database. */
  get blocked(): boolean {
    return this.#outage !== undefined;
  }

  /** Runs `write` now if the database is free, else after the writes already waiting, once it is. */
  run<T>(write: () => T, options: WriteOptions = {}): Promise<T> {
    if (this.#outage === undefined) {
      try {
        return Promise.resolve(write());
      } catch (error) {
        if (!isBusyError(error)) return Promise.reject(error);
        this.#startOutage();
      }
    }
    return new Promise<T>((resolve, reject) => {
      const slowAfterMs = options.slowAfterMs;
      const onSlow = options.onSlow;
      const slowTimer = onSlow === undefined || slowAfterMs === undefined ? undefined : setTimeout(onSlow, slowAfterMs);
      this.#waiting.push({ write, since: this.#now(), resolve: resolve as (value: unknown) => void, reject, slowTimer });
      this.#outage!.delayed++;
      this.#schedule();
    });
  }

  #startOutage(): void {
    this.#outage = { since: this.#now(), delayed: 0 };
    this.#delayMs = this.#minDelayMs;
    this.#logger.warn("database is locked by another process: writes are held in memory and retried until it is free");
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#draining) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, this.#delayMs);
  }

  /** Retries the oldest waiting write; on success runs the next ones, yielding between them so callers keep their order. */
  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      await this.#drainWaiting();
    } finally {
      this.#draining = false;
    }
    if (this.#waiting.length > 0) this.#schedule();
  }

  async #drainWaiting(): Promise<void> {
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0]!;
      if (this.#now() - next.since > this.#giveUpAfterMs) {
        this.#waiting.shift();
        this.#settle(next);
        next.reject(new DatabaseBusyError(this.#now() - next.since));
        continue;
      }
      let result: unknown;
      try {
        result = next.write();
      } catch (error) {
        if (isBusyError(error)) {
          this.#delayMs = Math.min(this.#delayMs * 2, this.#maxDelayMs);
          return;
        }
        this.#waiting.shift();
        this.#settle(next);
        next.reject(error);
        continue;
      }
      this.#waiting.shift();
      this.#settle(next);
      next.resolve(result);
      // Let the caller's continuation run (e.g. queue its turn) before the next write is decided.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const outage = this.#outage;
    this.#outage = undefined;
    this.#delayMs = this.#minDelayMs;
    if (outage !== undefined) {
      this.#logger.info({ lockedMs: this.#now() - outage.since, delayedWrites: outage.delayed }, "database is free again: held writes are done");
    }
  }

  #settle(waiting: Waiting): void {
    if (waiting.slowTimer !== undefined) clearTimeout(waiting.slowTimer);
  }
}
