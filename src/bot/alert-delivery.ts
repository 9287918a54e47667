// Posts pending safety alerts through the platform ports in the background, retried like replies, settled in the store.

import type { Logger } from "pino";
import type { FlagStore } from "../store/flag-store.js";
import type { FlagRow } from "../store/flag-types.js";
import type { ThreadKey } from "../store/types.js";
import { DEFAULT_RETRY_POLICY, retryDelay, waitBeforeRetry, type RetryPolicy } from "./delivery-retry.js";
import type { PlatformPort } from "./ports.js";
import { alertOf } from "./safety-alerts.js";

export interface AlertDeliveryOptions {
  readonly flags: FlagStore;
  readonly logger: Logger;
  readonly port: (platform: string) => PlatformPort | undefined;
  /** Attempts before an alert is marked failed. Default 5. */
  readonly maxAttempts?: number;
  readonly retry?: RetryPolicy;
}

export class AlertDelivery {
  private readonly running = new Set<Promise<void>>();
  /** Aborted at shutdown: waits between attempts end, and the alert stays pending for the next start. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: AlertDeliveryOptions) {}

  /** Starts posting the alert of a flag whose alert was just claimed; never waits for it (the student's turn goes on). */
  start(flag: FlagRow): void {
    const task = this.post(flag);
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** After a restart: the alerts decided but never posted, for the platforms `wanted` accepts. */
  flushPending(wanted: (key: ThreadKey) => boolean): number {
    const pending = this.options.flags.pendingAlerts().filter((flag) => wanted(flag.key));
    for (const flag of pending) this.start(flag);
    return pending.length;
  }

  /** Resolves when every alert started so far has been posted or given up on (tests, orderly shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  stop(): void {
    this.stopping.abort();
  }

  private async post(flag: FlagRow): Promise<void> {
    const { flags, logger } = this.options;
    const port = this.options.port(flag.key.platform);
    if (port?.postAlert === undefined) {
      // No moderators' channel on this platform: nothing to post; /flags still lists the flag.
      flags.settleAlertOf(flag.id, "sent");
      return;
    }
    const alert = alertOf(flag);
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let failures = 1; ; failures++) {
      try {
        await port.postAlert(alert);
        flags.settleAlertOf(flag.id, "sent");
        if (failures > 1) logger.info({ flagId: flag.id, attempts: failures }, "posted a safety alert after retrying");
        return;
      } catch (error) {
        const delay = retryDelay(error, failures, this.options.retry ?? DEFAULT_RETRY_POLICY);
        const final = delay === undefined || failures >= maxAttempts;
        // One line per alert, however many attempts it takes: a failing alert channel must not flood the log.
        if (failures === 1) {
          logger.error(
            { err: error, flagId: flag.id, platform: flag.key.platform, retrying: !final },
            final ? "could not post a safety alert" : "could not post a safety alert; retrying",
          );
        }
        if (final) {
          flags.settleAlertOf(flag.id, "failed");
          return;
        }
        if (!(await waitBeforeRetry(delay, this.stopping.signal))) return;
      }
    }
  }
}
