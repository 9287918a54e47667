// Platform work the student's turn must not wait for (safety alerts, withheld-answer edits): run in the background,
// retried with the replies' backoff while the failure is transient, logged once, stopped at shutdown.

import type { Logger } from "pino";
import { DEFAULT_RETRY_POLICY, retryDelay, waitBeforeRetry, type RetryPolicy } from "./delivery-retry.js";

export interface BackgroundRetriesOptions {
  readonly logger: Logger;
  /** Attempts before giving up. Default 5. */
  readonly maxAttempts?: number;
  readonly retry?: RetryPolicy;
}

/** done: it succeeded; failed: refused, or out of attempts; stopped: shutdown came first (it may be tried at the next start). */
export type BackgroundOutcome = "done" | "failed" | "stopped";

export interface BackgroundJob {
  readonly attempt: () => Promise<void>;
  /** Logged with the one line a failing job gets, e.g. { flagId }. */
  readonly context: Readonly<Record<string, unknown>>;
  /** The log message of that line, e.g. "could not post a safety alert". */
  readonly failure: string;
  /** Attempts an earlier process already made (and counted); the limit counts them too. Default 0. */
  readonly attemptsBefore?: number;
  /** Called after each failed attempt (e.g. to count it in the database, so a restart goes on counting). */
  readonly failed?: () => void;
  /** Called with the outcome, inside the job (settled() waits for it too). */
  readonly settle?: (outcome: BackgroundOutcome, attempts: number) => void | Promise<void>;
}

export class BackgroundRetries {
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: BackgroundRetriesOptions) {}

  /** Starts the job; never waits for it. */
  start(job: BackgroundJob): void {
    const task = this.run(job).catch((error: unknown) => this.options.logger.error({ err: error, ...job.context }, "a background job failed unexpectedly"));
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** Resolves when every job started so far has finished (tests, orderly shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Waits between attempts end at once; jobs then finish as "stopped". */
  stop(): void {
    this.stopping.abort();
  }

  private async run(job: BackgroundJob): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const before = job.attemptsBefore ?? 0;
    for (let failures = before + 1; ; failures++) {
      try {
        await job.attempt();
        await job.settle?.("done", failures);
        return;
      } catch (error) {
        const delay = retryDelay(error, failures, this.options.retry ?? DEFAULT_RETRY_POLICY);
        const final = delay === undefined || failures >= maxAttempts;
        job.failed?.();
        // One line per job, however many attempts it takes: a failing channel must not flood the log.
        if (failures === before + 1) this.options.logger.error({ err: error, ...job.context, retrying: !final }, final ? job.failure : `${job.failure}; retrying`);
        if (final) {
          await job.settle?.("failed", failures);
          return;
        }
        if (!(await waitBeforeRetry(delay, this.stopping.signal))) {
          await job.settle?.("stopped", failures);
          return;
        }
      }
    }
  }
}
