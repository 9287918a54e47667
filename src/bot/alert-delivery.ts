// Posts claimed safety alerts through the platform ports in the background and settles each in the flags table.

import type { Logger } from "pino";
import type { FlagStore } from "../store/flag-store.js";
import type { FlagRow } from "../store/flag-types.js";
import type { ThreadKey } from "../store/types.js";
import type { BackgroundRetries } from "./background-retries.js";
import type { PlatformPort } from "./ports.js";
import { alertOf } from "./safety-alerts.js";

export interface AlertDeliveryOptions {
  readonly flags: FlagStore;
  readonly logger: Logger;
  readonly port: (platform: string) => PlatformPort | undefined;
  readonly background: BackgroundRetries;
}

export class AlertDelivery {
  constructor(private readonly options: AlertDeliveryOptions) {}

  /** Starts posting the alert of a flag whose alert was just claimed; never waits for it (the student's turn goes on). */
  start(flag: FlagRow): void {
    const { flags, logger, background } = this.options;
    const port = this.options.port(flag.key.platform);
    const postAlert = port?.postAlert;
    if (port === undefined || postAlert === undefined) {
      // The alert channel was unset since the alert was decided (a restart with other settings): it cannot go out.
      flags.settleAlertOf(flag.id, "failed");
      logger.warn({ flagId: flag.id, platform: flag.key.platform }, "a pending safety alert has no alert channel to go to");
      return;
    }
    const alert = alertOf(flag);
    background.start({
      attempt: () => postAlert.call(port, alert),
      context: { flagId: flag.id, platform: flag.key.platform },
      failure: "could not post a safety alert",
      settle: (outcome, attempts) => {
        // Stopped by shutdown: it stays pending and is posted at the next start.
        if (outcome === "stopped") return;
        flags.settleAlertOf(flag.id, outcome === "done" ? "sent" : "failed");
        if (outcome === "done" && attempts > 1) logger.info({ flagId: flag.id, attempts }, "posted a safety alert after retrying");
      },
    });
  }

  /** After a restart: the alerts decided but never posted, for the platforms `wanted` accepts. */
  flushPending(wanted: (key: ThreadKey) => boolean): number {
    const pending = this.options.flags.pendingAlerts().filter((flag) => wanted(flag.key));
    for (const flag of pending) this.start(flag);
    return pending.length;
  }
}
