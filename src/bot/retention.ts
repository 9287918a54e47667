// Deleting data: one user's on request (/forget), and conversations idle past RETENTION_DAYS every hour.

import type { Logger } from "pino";
import type { StorePort } from "./store-port.js";

const EVENT_RETENTION_MS = 7 * 24 * 3_600_000;

export interface RetentionDeps {
  readonly store: StorePort;
  readonly logger: Logger;
  readonly now: () => number;
  /** Without it, conversations are kept; old dedupe records are pruned all the same. */
  readonly retentionDays: number | undefined;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RetentionDeps) {}

  /** Through the port's write order: a message of the user's accepted just before is deleted with the rest. */
  async forgetUser(platform: string, userId: string, workspace?: string): Promise<number> {
    const { store, logger } = this.deps;
    const deleted = await store.transaction(async (tx) => {
      // Flags and usage first: a flag names the messages it is about, and all of it is the student's.
      await tx.flags.forgetUser(platform, userId, workspace);
      await tx.usage.forgetUser(platform, userId, workspace);
      return tx.retention.forgetUser(platform, userId, workspace);
    });
    logger.info({ platform, deleted }, "forgot a user's messages");
    return deleted;
  }

  /** Deletes conversations idle for longer than RETENTION_DAYS and old dedupe records; returns conversations purged. */
  async purgeExpired(): Promise<number> {
    const { store, retentionDays, now } = this.deps;
    await store.retention.pruneEvents(now() - EVENT_RETENTION_MS);
    if (retentionDays === undefined) return 0;
    const purged = await store.retention.purgeIdle(now() - retentionDays * 86_400_000);
    if (purged > 0) this.deps.logger.info({ purged }, "purged conversations past retention");
    return purged;
  }

  /** Purges now and then every hour until stop(). */
  start(): void {
    const purge = (): void => {
      this.purgeExpired().catch((error: unknown) => {
        // A busy database (another process holding the lock) is no reason to stop the bots: try again next hour.
        this.deps.logger.error({ err: error }, "retention purge failed");
      });
    };
    purge();
    this.timer = setInterval(purge, 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
