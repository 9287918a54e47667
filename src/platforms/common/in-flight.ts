// One in-flight tracker for every adapter: work started by a platform event (after it was acknowledged) is tracked so
// its failure is logged, never unhandled, and shutdown waits for it, up to a time limit.

import type { Logger } from "pino";

export class InFlightWork {
  readonly #logger: Logger;
  readonly #running = new Set<Promise<void>>();
  #idleWaiters: Array<() => void> = [];

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Starts `task` now without awaiting it; a failure is logged with `what`, never rethrown. */
  run(what: string, task: () => Promise<unknown>): void {
    const tracked = (async () => {
      try {
        await task();
      } catch (error) {
        this.#logger.error({ err: error, task: what }, "work started by a platform event failed");
      }
    })();
    this.#running.add(tracked);
    void tracked.finally(() => {
      this.#running.delete(tracked);
      if (this.#running.size === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
  }

  get size(): number {
    return this.#running.size;
  }

  /** Resolves when nothing is running (at once if nothing is). Work started meanwhile is waited for too. */
  idle(): Promise<void> {
    if (this.#running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Waits for running work, but no longer than `timeoutMs`: a stalled model must not block shutdown forever (what is
   * left is stored, and finished at the next start). Resolves true when everything finished in time.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
    if (this.#running.size === 0) return true;
    this.#logger.warn({ running: this.#running.size, timeoutMs }, "adapter stopped with work still running");
    return false;
  }
}
