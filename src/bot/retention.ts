// Deleting data: one user's on request (/forget), and conversations idle past RETENTION_DAYS every hour.

import type { Logger } from "pino";
import type { ConversationStore } from "../store/conversation-store.js";
import type { Inbox } from "../store/inbox.js";
import type { ReceivedEvents } from "../store/received-events.js";
import type { ClassroomSafety } from "./classroom-safety.js";

const EVENT_RETENTION_MS = 7 * 24 * 3_600_000;

export interface RetentionDeps {
  readonly store: ConversationStore;
  readonly inbox: Inbox;
  readonly received: ReceivedEvents;
  readonly safety: ClassroomSafety | undefined;
  readonly logger: Logger;
  readonly now: () => number;
  /** Without it, conversations are kept; old dedupe records are pruned all the same. */
  readonly retentionDays: number | undefined;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RetentionDeps) {}

  forgetUser(platform: string, userId: string, workspace?: string): number {
    const { store, inbox, received, logger } = this.deps;
    const deleted = store.transaction(() => {
      this.deps.safety?.forgetUser(platform, userId, workspace);
      return store.forgetUser(platform, userId, workspace) + inbox.forgetUser(platform, userId, workspace) + received.forgetUser(platform, userId, workspace);
    });
    logger.info({ platform, deleted }, "forgot a user's messages");
    return deleted;
  }

  /** Deletes conversations idle for longer than RETENTION_DAYS and old dedupe records; returns conversations purged. */
  purgeExpired(): number {
    const { store, retentionDays, now } = this.deps;
    store.pruneInboundEvents(now() - EVENT_RETENTION_MS);
    if (retentionDays === undefined) return 0;
    const purged = store.purgeConversationsOlderThan(now() - retentionDays * 86_400_000);
    if (purged > 0) this.deps.logger.info({ purged }, "purged conversations past retention");
    return purged;
  }

  /** Purges now and then every hour until stop(). */
  start(): void {
    this.purgeExpired();
    this.timer = setInterval(() => {
      try {
        this.purgeExpired();
      } catch (error) {
        // A busy database (another process holding the lock) is no reason to stop the bots: try again next hour.
        this.deps.logger.error({ err: error }, "retention purge failed");
      }
    }, 3_600_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
