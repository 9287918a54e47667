// Posts outbox rows through the platform ports, in order per conversation, and marks each sent exactly once.

import type { Logger } from "pino";
import { scrubSecrets } from "../logger.js";
import type { ConversationStore } from "../store/conversation-store.js";
import type { OutboxRow } from "../store/types.js";
import { DEFAULT_RETRY_POLICY, retryDelay, waitBeforeRetry, type RetryPolicy } from "./delivery-retry.js";
import type { WriteGate } from "../store/write-gate.js";
import { KeyedQueue } from "./keyed-queue.js";
import type { AgentPresentation, OutboundReply, PlatformPort } from "./ports.js";
import type { StreamFinisher } from "./reply-streaming.js";

export interface ReplyDeliveryOptions {
  readonly store: ConversationStore;
  readonly gate: WriteGate;
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
export type QueuedReply = Pick<OutboxRow, "id" | "conversationId" | "key" | "agentName" | "text" | "kind"> & { readonly attempts?: number };

export class ReplyDelivery {
  private readonly ports = new Map<string, PlatformPort>();
  private readonly queue = new KeyedQueue<number>();
  private readonly marks: Array<{ outboxId: number; platformMessageId: string; resolve: () => void }> = [];
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
    return this.queue.run(row.conversationId, () => this.post(row, false, finisher));
  }

  /** Posts every pending row that `wanted` accepts (after a restart). */
  async flushPending(wanted: (key: OutboxRow["key"]) => boolean): Promise<number> {
    const rows = this.options.store.pendingReplies().filter((row) => wanted(row.key));
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

  private async post(row: QueuedReply, maybePosted = false, finisher?: StreamFinisher): Promise<boolean> {
    const port = this.ports.get(row.key.platform);
    if (port === undefined) {
      this.options.logger.warn({ outboxId: row.id, platform: row.key.platform }, "no adapter for this platform; reply left pending");
      return false;
    }
    const reply = (): OutboundReply => ({
      ...row.key,
      replyId: row.id,
      conversationId: row.conversationId,
      agent: this.options.presentation(row.agentName),
      // Read at each attempt: an answer withheld while it waited (or between attempts) is posted as the notice.
      text: this.options.store.replyText(row.id) ?? row.text,
      kind: row.kind,
      ...(maybePosted ? { maybePosted } : {}),
    });
    const platformMessageId = await this.attempt(row, this.deliveryOf(port, reply, maybePosted, finisher));
    if (platformMessageId === undefined) return false;
    await this.markSent(row.id, platformMessageId);
    return true;
  }

  /**
   * How the reply reaches its platform: a live stream is finished; after a restart, a reply that was streamed (its
   * pieces recorded) is finished on the same messages; anything else is posted whole.
   */
  private deliveryOf(port: PlatformPort, reply: () => OutboundReply, maybePosted: boolean, finisher?: StreamFinisher): () => Promise<string> {
    if (finisher !== undefined) return () => finisher(reply());
    const resume = port.resume;
    if (maybePosted && resume !== undefined) {
      const first = reply();
      const pieces = this.options.store.streams.piecesOf(first.replyId);
      if (pieces !== undefined && pieces.length > 0) return () => resume.call(port, reply(), pieces);
    }
    return () => port.deliver(reply());
  }

  /**
   * Runs `post` until it succeeds or the attempts are used up, waiting with backoff in between. The conversation's
   * queue stays held meanwhile, so its next reply never overtakes this one. After the last failure the student gets
   * a short notice instead (unless this reply was itself a notice).
   */
  private async attempt(row: Omit<QueuedReply, "text">, post: () => Promise<string>): Promise<string | undefined> {
    const { store, gate, logger, maxAttempts } = this.options;
    for (let failures = (row.attempts ?? 0) + 1; ; failures++) {
      try {
        return await post();
      } catch (error) {
        const reason = scrubSecrets(error instanceof Error ? error.message : String(error));
        const delay = retryDelay(error, failures, this.options.retry ?? DEFAULT_RETRY_POLICY);
        // A refusal is final at once (maxAttempts 1 marks the row failed); its row keeps the platform's own reason.
        const refused = delay === undefined;
        await gate.run(() => store.markReplyFailed(row.id, refused ? `refused: ${reason}` : reason, { maxAttempts: refused ? 1 : maxAttempts }));
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

  private async noticeUndelivered(row: Pick<OutboxRow, "conversationId" | "key" | "agentName" | "kind">): Promise<void> {
    if (row.kind === "notice") return;
    const port = this.ports.get(row.key.platform);
    if (port === undefined) return;
    const text = this.options.gaveUpNotice ?? UNDELIVERED_NOTICE;
    const id = await this.options.gate.run(() => this.options.store.enqueueNotice(row.conversationId, { agentName: row.agentName, text }));
    const notice = { id, conversationId: row.conversationId, key: row.key, agentName: row.agentName, text, kind: "notice" as const };
    const reply: OutboundReply = { ...row.key, replyId: id, conversationId: row.conversationId, agent: this.options.presentation(row.agentName), text, kind: "notice" };
    const posted = await this.attempt(notice, () => port.deliver(reply));
    if (posted !== undefined) await this.markSent(id, posted);
  }

  /**
   * Marks posted replies sent in one transaction per turn of the event loop: with many conversations answering at
   * once, one commit instead of one each. The delay is a single tick, so the window in which a crash would post a
   * reply again stays as small as it was.
   */
  private markSent(outboxId: number, platformMessageId: string): Promise<void> {
    return new Promise((resolve) => {
      this.marks.push({ outboxId, platformMessageId, resolve });
      if (this.marks.length === 1) setImmediate(() => void this.flushMarks());
    });
  }

  private async flushMarks(): Promise<void> {
    const batch = this.marks.splice(0);
    try {
      const { store, gate } = this.options;
      // A locked database delays the mark (the gate retries it), so the reply is not posted again at the next start.
      const stale = await gate.run(() => store.transaction(() => batch.filter((mark) => !store.markReplySent(mark.outboxId, mark.platformMessageId))));
      for (const mark of stale) this.options.logger.warn({ outboxId: mark.outboxId }, "reply was already marked sent");
    } catch (error) {
      // Posted but not marked: the reply stays pending and is posted again at the next start (at least once).
      this.options.logger.error({ err: error, outboxIds: batch.map((m) => m.outboxId) }, "could not mark replies sent");
    }
    for (const mark of batch) mark.resolve();
  }
}
