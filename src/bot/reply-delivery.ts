// Posts outbox rows through the platform ports, in order per conversation, and marks each sent exactly once.

import type { Logger } from "pino";
import { scrubSecrets } from "../logger.js";
import type { ConversationStore } from "../store/conversation-store.js";
import type { OutboxRow } from "../store/types.js";
import { KeyedQueue } from "./keyed-queue.js";
import type { AgentPresentation, OutboundReply, PlatformPort } from "./ports.js";

export interface ReplyDeliveryOptions {
  readonly store: ConversationStore;
  readonly logger: Logger;
  readonly presentation: (agentName: string) => AgentPresentation;
  /** Attempts before a reply is marked failed (it stays pending for a retry at the next start until then). */
  readonly maxAttempts: number;
}

export class ReplyDelivery {
  private readonly ports = new Map<string, PlatformPort>();
  private readonly queue = new KeyedQueue<number>();
  private readonly marks: Array<{ outboxId: number; platformMessageId: string; resolve: () => void }> = [];

  constructor(private readonly options: ReplyDeliveryOptions) {}

  registerPort(port: PlatformPort): void {
    this.ports.set(port.platform, port);
  }

  hasPort(platform: string): boolean {
    return this.ports.has(platform);
  }

  /** Queues one outbox row for posting after the conversation's earlier replies. */
  enqueue(row: Pick<OutboxRow, "id" | "conversationId" | "key" | "agentName" | "text" | "kind">): Promise<boolean> {
    return this.queue.run(row.conversationId, () => this.post(row));
  }

  /** Posts every pending row that `wanted` accepts (after a restart). */
  async flushPending(wanted: (key: OutboxRow["key"]) => boolean): Promise<number> {
    const rows = this.options.store.pendingReplies().filter((row) => wanted(row.key));
    const results = await Promise.all(rows.map((row) => this.enqueue(row)));
    return results.filter(Boolean).length;
  }

  /** Resolves when the conversation's queued replies have all been attempted. */
  settled(conversationId: number): Promise<void> {
    return this.queue.run(conversationId, async () => undefined);
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async post(row: Pick<OutboxRow, "id" | "conversationId" | "key" | "agentName" | "text" | "kind">): Promise<boolean> {
    const port = this.ports.get(row.key.platform);
    if (port === undefined) {
      this.options.logger.warn({ outboxId: row.id, platform: row.key.platform }, "no adapter for this platform; reply left pending");
      return false;
    }
    const reply: OutboundReply = {
      ...row.key,
      replyId: row.id,
      conversationId: row.conversationId,
      agent: this.options.presentation(row.agentName),
      text: row.text,
      kind: row.kind,
    };
    let platformMessageId: string;
    try {
      platformMessageId = await port.deliver(reply);
    } catch (error) {
      this.options.store.markReplyFailed(row.id, scrubSecrets(error instanceof Error ? error.message : String(error)), {
        maxAttempts: this.options.maxAttempts,
      });
      this.options.logger.error({ outboxId: row.id, platform: row.key.platform, err: error }, "could not deliver a reply");
      return false;
    }
    await this.markSent(row.id, platformMessageId);
    return true;
  }

  /**
   * Marks posted replies sent in one transaction per turn of the event loop: with many conversations answering at
   * once, one commit instead of one each. The delay is a single tick, so the window in which a crash would post a
   * reply again stays as small as it was.
   */
  private markSent(outboxId: number, platformMessageId: string): Promise<void> {
    return new Promise((resolve) => {
      this.marks.push({ outboxId, platformMessageId, resolve });
      if (this.marks.length === 1) setImmediate(() => this.flushMarks());
    });
  }

  private flushMarks(): void {
    const batch = this.marks.splice(0);
    try {
      const { store } = this.options;
      const stale = store.transaction(() => batch.filter((mark) => !store.markReplySent(mark.outboxId, mark.platformMessageId)));
      for (const mark of stale) this.options.logger.warn({ outboxId: mark.outboxId }, "reply was already marked sent");
    } catch (error) {
      // Posted but not marked: the reply stays pending and is posted again at the next start (at least once).
      this.options.logger.error({ err: error, outboxIds: batch.map((m) => m.outboxId) }, "could not mark replies sent");
    }
    for (const mark of batch) mark.resolve();
  }
}
