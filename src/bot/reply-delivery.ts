// Posts outbox rows through the platform ports, in order per conversation, and marks each sent exactly once.

import type { Logger } from "pino";
import { scrubSecrets } from "../logger.js";
import { DEFAULT_RETRY_POLICY, retryDelay, waitBeforeRetry, type RetryPolicy } from "./delivery-retry.js";
import { KeyedQueue } from "./keyed-queue.js";
import type { AgentPresentation, OutboundReply, PlatformPort } from "./ports.js";
import type { StreamFinisher } from "./reply-streaming.js";
import type { StorePort } from "./store-port.js";
import type { OutboxEntry } from "./store-records.js";

export interface ReplyDeliveryOptions {
  /** Sent-marks of replies posted in the same tick commit together (the port groups them). */
  readonly store: StorePort;
  readonly logger: Logger;
  readonly presentation: (agentName: string) => AgentPresentation;
  /** Attempts before a reply is marked failed; they are made in-process, with backoff, before the next reply goes. */
  readonly maxAttempts: number;
  /** The backoff between attempts (a platform's retry-after wins when longer). */
  readonly retry?: RetryPolicy;
  /** Posted (once) in place of a reply that could not be delivered after every attempt. */
  readonly gaveUpNotice?: string;
}

export const UNDELIVERED_NOTICE = "Sorry, I couldn't post my answer here. Please ask again in a moment.";

/** An outbox row as delivery needs it; `attempts` counts failures of earlier processes. */
export type QueuedReply = Pick<OutboxEntry, "id" | "conversationId" | "key" | "agentName" | "text" | "kind"> & { readonly attempts?: number };

export class ReplyDelivery {
  private readonly ports = new Map<string, PlatformPort>();
  private readonly queue = new KeyedQueue<number>();
  /** Aborted at shutdown: waits between attempts end at once and the reply stays pending for the next start. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: ReplyDeliveryOptions) {}

  registerPort(port: PlatformPort): void {
    this.ports.set(port.platform, port);
  }

  hasPort(platform: string): boolean {
    return this.ports.has(platform);
  }

  portFor(platform: string): PlatformPort | undefined {
    return this.ports.get(platform);
  }

  /**
   * Queues one outbox row for posting after the conversation's earlier replies. A streamed reply comes with its
   * `finisher`: its messages are already up, and delivering it means finishing them with the row's (final) text.
   */
  enqueue(row: QueuedReply, finisher?: StreamFinisher): Promise<boolean> {
    // Nothing ahead of it: posted right after its commit, so nothing can have rewritten its row meanwhile, and it goes
    // out before the turn's next model call (the window in which a crash posts it twice stays one tick).
    const fresh = !this.queue.busy(row.conversationId);
    return this.queue.run(row.conversationId, () => this.post(row, false, finisher, fresh));
  }

  /** Posts every pending row that `wanted` accepts (after a restart). */
  async flushPending(wanted: (key: OutboxEntry["key"]) => boolean): Promise<number> {
    const rows = (await this.options.store.outbox.pending()).filter((row) => wanted(row.key));
    const results = await Promise.all(rows.map((row) => this.queue.run(row.conversationId, () => this.post(row, true))));
    return results.filter(Boolean).length;
  }

  /** Resolves when the conversation's queued replies have all been attempted. */
  settled(conversationId: number): Promise<void> {
    return this.queue.run(conversationId, async () => undefined);
  }

  /** Shutting down: waits between attempts end at once, and a reply still failing stays pending for the next start. */
  stopRetrying(): void {
    this.stopping.abort();
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async post(row: QueuedReply, maybePosted = false, finisher?: StreamFinisher, fresh = false): Promise<boolean> {
    const port = this.ports.get(row.key.platform);
    if (port === undefined) {
      this.options.logger.warn({ outboxId: row.id, platform: row.key.platform }, "no adapter for this platform; reply left pending");
      return false;
    }
    let unread = fresh;
    const reply = async (): Promise<OutboundReply> => {
      // Read at each attempt (but a fresh row's first): an answer withheld while it waited (or between attempts) is
      // posted as the notice.
      const text = unread ? row.text : ((await this.options.store.outbox.text(row.id)) ?? row.text);
      unread = false;
      return { ...row.key, replyId: row.id, conversationId: row.conversationId, agent: this.options.presentation(row.agentName), text, kind: row.kind, ...(maybePosted ? { maybePosted } : {}) };
    };
    const platformMessageId = await this.attempt(row, await this.deliveryOf(port, reply, maybePosted, finisher));
    if (platformMessageId === undefined) return false;
    await this.markSent(row.id, platformMessageId);
    return true;
  }

  /**
   * How the reply reaches its platform: a live stream is finished; after a restart, a reply that was streamed (its
   * pieces recorded) is finished on the same messages; anything else is posted whole.
   */
  private async deliveryOf(port: PlatformPort, reply: () => Promise<OutboundReply>, maybePosted: boolean, finisher?: StreamFinisher): Promise<() => Promise<string>> {
    if (finisher !== undefined) return async () => finisher(await reply());
    const resume = port.resume;
    if (maybePosted && resume !== undefined) {
      const first = await reply();
      const pieces = await this.options.store.streams.piecesOf(first.replyId);
      if (pieces !== undefined && pieces.length > 0) return async () => resume.call(port, await reply(), pieces);
    }
    return async () => port.deliver(await reply());
  }

  /**
   * Runs `post` until it succeeds or the attempts are used up, waiting with backoff in between. The conversation's
   * queue stays held meanwhile, so its next reply never overtakes this one. After the last failure the student gets
   * a short notice instead (unless this reply was itself a notice).
   */
  private async attempt(row: Omit<QueuedReply, "text">, post: () => Promise<string>): Promise<string | undefined> {
    const { store, logger, maxAttempts } = this.options;
    for (let failures = (row.attempts ?? 0) + 1; ; failures++) {
      try {
        return await post();
      } catch (error) {
        const reason = scrubSecrets(error instanceof Error ? error.message : String(error));
        const delay = retryDelay(error, failures, this.options.retry ?? DEFAULT_RETRY_POLICY);
        // A refusal is final at once (maxAttempts 1 marks the row failed); its row keeps the platform's own reason.
        const refused = delay === undefined;
        await store.outbox.markFailed(row.id, refused ? `refused: ${reason}` : reason, { maxAttempts: refused ? 1 : maxAttempts });
        const final = refused || failures >= maxAttempts;
        logger[final ? "error" : "warn"]({ outboxId: row.id, platform: row.key.platform, attempt: failures, err: error }, final ? "could not deliver a reply" : "reply delivery failed; retrying");
        if (final) {
          await this.noticeUndelivered(row);
          return undefined;
        }
        if (!(await waitBeforeRetry(delay, this.stopping.signal))) return undefined;
      }
    }
  }

  private async noticeUndelivered(row: Pick<OutboxEntry, "conversationId" | "key" | "agentName" | "kind">): Promise<void> {
    if (row.kind === "notice") return;
    const port = this.ports.get(row.key.platform);
    if (port === undefined) return;
    const text = this.options.gaveUpNotice ?? UNDELIVERED_NOTICE;
    const id = await this.options.store.outbox.enqueueNotice(row.conversationId, { agentName: row.agentName, text });
    const notice = { id, conversationId: row.conversationId, key: row.key, agentName: row.agentName, text, kind: "notice" as const };
    const reply: OutboundReply = { ...row.key, replyId: id, conversationId: row.conversationId, agent: this.options.presentation(row.agentName), text, kind: "notice" };
    const posted = await this.attempt(notice, () => port.deliver(reply));
    if (posted !== undefined) await this.markSent(id, posted);
  }

  /**
   * Marks a posted reply sent. With many conversations answering at once, the marks of one tick commit together (the
   * port groups them), so the window in which a crash would post a reply again stays one tick.
   */
  private async markSent(outboxId: number, platformMessageId: string): Promise<void> {
    try {
      // A locked database delays the mark (the port waits it out), so the reply is not posted again at the next start.
      const store = this.options.store;
      if (!(await store.transaction((tx) => tx.outbox.markSent(outboxId, platformMessageId), { soon: true }))) this.options.logger.warn({ outboxId }, "reply was already marked sent");
    } catch (error) {
      // Posted but not marked: the reply stays pending and is posted again at the next start (at least once).
      this.options.logger.error({ err: error, outboxIds: [outboxId] }, "could not mark replies sent");
    }
  }
}
