// Posts claimed safety alerts through the platform ports in the background and settles each in the flags table.

import type { Logger } from "pino";
import type { BackgroundRetries } from "./background-retries.js";
import type { PlatformPort, ThreadRef } from "./ports.js";
import { alertOf } from "./safety-alerts.js";
import type { SafetyAlertRepository } from "./store-port.js";
import type { FlagRow } from "./store-records.js";

export interface AlertDeliveryOptions {
  readonly alerts: SafetyAlertRepository;
  readonly logger: Logger;
  readonly port: (platform: string) => PlatformPort | undefined;
  readonly background: BackgroundRetries;
}

export class AlertDelivery {
  constructor(private readonly options: AlertDeliveryOptions) {}

  /** Starts posting the alert of a flag whose alert was just claimed; never waits for it (the student's turn goes on). */
  start(flag: FlagRow): void {
    const { logger, background } = this.options;
    const port = this.options.port(flag.key.platform);
    const postAlert = port?.postAlert;
    if (port === undefined || postAlert === undefined) {
      // The alert channel was unset since the alert was decided (a restart with other settings): it cannot go out.
      void this.settle(flag, "failed");
      logger.warn({ flagId: flag.id, platform: flag.key.platform }, "a pending safety alert has no alert channel to go to");
      return;
    }
    const alert = alertOf(flag);
    background.start({
      attempt: () => postAlert.call(port, alert),
      context: { flagId: flag.id, platform: flag.key.platform },
      failure: "could not post a safety alert",
      settle: async (outcome, attempts) => {
        // Stopped by shutdown: it stays pending and is posted at the next start.
        if (outcome === "stopped") return;
        await this.settle(flag, outcome === "done" ? "sent" : "failed");
        if (outcome === "done" && attempts > 1) logger.info({ flagId: flag.id, attempts }, "posted a safety alert after retrying");
      },
    });
  }

  /** After a restart: the alerts decided but never posted, for the platforms `wanted` accepts. */
  async flushPending(wanted: (key: ThreadRef) => boolean): Promise<number> {
    const pending = (await this.options.alerts.pending()).filter((flag) => wanted(flag.key));
    for (const flag of pending) this.start(flag);
    return pending.length;
  }

  /** A settle that fails (the database) leaves the alert pending: posted again at the next start. */
  private async settle(flag: FlagRow, outcome: "sent" | "failed"): Promise<void> {
    try {
      await this.options.alerts.settle(flag.id, outcome);
    } catch (error) {
      this.options.logger.error({ err: error, flagId: flag.id }, "could not record a safety alert's outcome");
    }
  }
}
