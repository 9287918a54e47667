// Work started after Slack has been acknowledged: tracked so errors are logged (never unhandled) and shutdown can wait.

import type { Logger } from "pino";

export class BackgroundWork {
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
        this.#logger.error({ err: error, task: what }, "slack background task failed");
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

  /** Waits for running work, but no longer than `timeoutMs`: a stalled model must not block shutdown forever. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
    if (this.#running.size > 0) this.#logger.warn({ running: this.#running.size }, "slack adapter stopped with work still running");
  }
}
