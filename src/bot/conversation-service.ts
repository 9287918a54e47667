// ConversationService: the platform-neutral path of an inbound message — dedupe, checks, order, persistence, replies.

import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { ConversationStore } from "../store/conversation-store.js";
import type { Inbox } from "../store/inbox.js";
import type { ConversationRow, StoredMessage } from "../store/types.js";
import type { Workflow } from "../workflow/workflow.js";
import { cleanText } from "./input.js";
import type { RetryPolicy } from "./delivery-retry.js";
import { KeyedQueue } from "./keyed-queue.js";
import type {
  AgentPresentation,
  ConversationGateway,
  ConversationSummary,
  HandleOutcome,
  InboundMessage,
  PlatformPort,
  ThreadRef,
  Transcript,
} from "./ports.js";
import { RateLimiter } from "./rate-limiter.js";
import { ReplyDelivery } from "./reply-delivery.js";
import { toTranscript } from "./transcript.js";
import { TurnRunner, type TurnObserver } from "./turn-runner.js";

export interface ServiceLimits {
  readonly maxInputChars: number;
  readonly historyMessages: number;
  readonly historyTokens: number;
  readonly rateLimitPerMinute: number;
  readonly retentionDays?: number;
}

export interface ConversationServiceOptions {
  readonly store: ConversationStore;
  readonly inbox: Inbox;
  readonly workflow: Workflow;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
  readonly limits: ServiceLimits;
  readonly logger: Logger;
  readonly now?: () => number;
  /** A turn interrupted by a crash is run again this many times in all before it is marked failed. Default 2. */
  readonly maxTurnAttempts?: number;
  /** Delivery attempts of one reply (made in-process, with backoff) before it is marked failed. Default 5. */
  readonly maxDeliveryAttempts?: number;
  /** The backoff between delivery attempts. Default: from 1 s, doubling, at most 30 s. */
  readonly deliveryRetry?: RetryPolicy;
}

export const TOO_LONG_NOTICE = (limit: number): string =>
  `Sorry, that message is too long for me (the limit is ${limit.toLocaleString("en-US")} characters). Could you shorten it or split it up?`;
export const RATE_LIMIT_NOTICE = "You're sending questions faster than I can answer them. Please wait a moment and try again.";
export const GAVE_UP_NOTICE = "Sorry, I couldn't finish answering your last question. Please ask it again.";

const EVENT_RETENTION_MS = 7 * 24 * 3_600_000;

export class ConversationService implements ConversationGateway {
  private readonly queue = new KeyedQueue<number>();
  private readonly limiter: RateLimiter;
  private readonly delivery: ReplyDelivery;
  private readonly turns: TurnRunner;
  private readonly shutdown = new AbortController();
  private readonly now: () => number;
  private readonly maxTurnAttempts: number;
  private retentionTimer: NodeJS.Timeout | undefined;
  private intakePaused: { promise: Promise<void>; resume: () => void } | undefined;

  constructor(private readonly options: ConversationServiceOptions) {
    this.now = options.now ?? Date.now;
    // Every running turn's model request listens on this one signal: hundreds at once is by design, not a leak.
    setMaxListeners(0, this.shutdown.signal);
    this.maxTurnAttempts = options.maxTurnAttempts ?? 2;
    this.limiter = new RateLimiter(options.limits.rateLimitPerMinute, this.now);
    this.delivery = new ReplyDelivery({
      store: options.store,
      logger: options.logger,
      presentation: (name) => this.presentation(name),
      maxAttempts: options.maxDeliveryAttempts ?? 5,
      ...(options.deliveryRetry === undefined ? {} : { retry: options.deliveryRetry }),
    });
    this.turns = new TurnRunner({
      store: options.store,
      workflow: options.workflow,
      delivery: this.delivery,
      logger: options.logger,
      window: { maxMessages: options.limits.historyMessages, maxTokens: options.limits.historyTokens },
    });
  }

  registerPort(port: PlatformPort): void {
    this.delivery.registerPort(port);
  }

  agents(): ReadonlyMap<string, AgentPresentation> {
    return this.options.agents;
  }

  /** `observer` sees the turn as it happens (text deltas), e.g. for a console that streams. */
  async handle(inbound: InboundMessage, observer?: TurnObserver): Promise<HandleOutcome> {
    if (this.intakePaused !== undefined) await this.intakePaused.promise;
    const text = cleanText(inbound.text);
    if (text === "") return { status: "ignored", reason: "empty" };
    const { store, inbox, limits } = this.options;
    const shuttingDown = this.shutdown.signal.aborted;
    const userKey = `${inbound.platform}:${inbound.user.id}`;
    if (!shuttingDown && (text.length > limits.maxInputChars || !this.limiter.allows(userKey))) {
      // Refused messages never reach the model; a retried delivery of one still gets a single notice.
      if (!store.recordInboundEvent(inbound.platform, inbound.eventId)) return { status: "duplicate" };
      const tooLong = text.length > limits.maxInputChars;
      const conversation = store.getOrCreateConversation(inbound);
      await this.notify(conversation, tooLong ? TOO_LONG_NOTICE(limits.maxInputChars) : RATE_LIMIT_NOTICE);
      return { status: "rejected", reason: tooLong ? "too_long" : "rate_limited", conversationId: conversation.id };
    }
    const cleaned: InboundMessage = { ...inbound, text };
    const accepted = store.transaction(() => {
      const conversation = store.getOrCreateConversation(inbound);
      if (shuttingDown || this.queue.busy(conversation.id)) {
        // It waits behind a running turn, or for the next start: the inbox keeps it safe until then, across a crash too.
        const inboxId = inbox.accept(inbound.platform, inbound.eventId, inbound.user.id, JSON.stringify(cleaned));
        return inboxId === undefined ? undefined : { kind: "queued" as const, conversation, inboxId };
      }
      // Nothing waits in this conversation: store the message now, deduplicated in the same transaction.
      if (!store.recordInboundEvent(inbound.platform, inbound.eventId)) return undefined;
      return { kind: "stored" as const, conversation, message: this.storeUserMessage(conversation.id, cleaned) };
    });
    if (accepted === undefined) return { status: "duplicate" };
    const id = accepted.conversation.id;
    if (shuttingDown) return { status: "failed", conversationId: id, errorCode: "aborted" };
    this.limiter.take(userKey);
    if (accepted.kind === "stored") {
      const { message } = accepted;
      return this.queue.run(id, () => this.runTurn(id, message, observer));
    }
    const { inboxId } = accepted;
    return this.queue.run(id, () => this.process(id, inboxId, cleaned, observer));
  }

  private storeUserMessage(conversationId: number, inbound: InboundMessage): StoredMessage {
    const { store } = this.options;
    const stored = store.appendUserMessage(conversationId, {
      userId: inbound.user.id,
      userName: inbound.user.name,
      text: inbound.text,
      ...(inbound.platformMessageId === undefined ? {} : { platformMessageId: inbound.platformMessageId }),
    });
    store.startTurnAttempt(stored.id);
    return stored;
  }

  /** Stores the message (leaving the inbox in the same transaction), then runs its turn. */
  private async process(conversationId: number, inboxId: number, inbound: InboundMessage, observer?: TurnObserver): Promise<HandleOutcome> {
    const { store, inbox } = this.options;
    // Shutting down: the message stays in the inbox and is taken up at the next start.
    if (this.shutdown.signal.aborted) return { status: "failed", conversationId, errorCode: "aborted" };
    const message = store.transaction(() => {
      // Gone: the user was forgotten while it waited, or another task already took it.
      if (!inbox.remove(inboxId)) return undefined;
      if (store.getConversation(conversationId) === undefined) return undefined; // purged while it waited
      return this.storeUserMessage(conversationId, inbound);
    });
    if (message === undefined) return { status: "ignored", reason: "empty" };
    return this.runTurn(conversationId, message, observer);
  }

  private async runTurn(conversationId: number, message: StoredMessage, observer?: TurnObserver): Promise<HandleOutcome> {
    // Read now, not when queued: the active agent may have changed while this turn waited.
    const conversation = this.options.store.getConversation(conversationId);
    if (conversation === undefined) return { status: "ignored", reason: "empty" };
    const outcome = await this.turns.run(conversation, message, this.shutdown.signal, observer);
    await this.delivery.settled(conversationId);
    switch (outcome.status) {
      case "completed":
        return { status: "completed", conversationId, replies: outcome.replies };
      case "failed":
        return { status: "failed", conversationId, errorCode: outcome.errorCode };
      case "interrupted":
        return { status: "failed", conversationId, errorCode: "aborted" };
    }
  }

  /**
   * Holds new messages back until recover() has queued the unfinished work, so that a bot which connects before
   * recovery cannot answer a new question ahead of (or twice alongside) one left from before the restart.
   */
  pauseIntake(): void {
    if (this.intakePaused !== undefined) return;
    let resume!: () => void;
    const promise = new Promise<void>((resolve) => (resume = resolve));
    this.intakePaused = { promise, resume };
  }

  /**
   * After a restart: posts replies that were never sent, runs again once each turn the process died in (then gives
   * up on it with a notice), and processes messages that were accepted but still waiting. Only conversations of the
   * platforms with a registered port are touched (a console chat on the bot's database leaves Discord's work alone),
   * and with `only`, only that thread's. Resolves when all is done; new messages wait until the work is queued.
   */
  async recover(only?: ThreadRef): Promise<{ replies: number; turns: number; queued: number }> {
    const { store, inbox, logger } = this.options;
    const mine = (key: ThreadRef): boolean => this.delivery.hasPort(key.platform) && (only === undefined || sameThread(key, only));
    const work: Array<Promise<unknown>> = [];
    let turns = 0;
    let queued = 0;
    let replies = 0;
    try {
      replies = await this.delivery.flushPending(mine);
      for (const { message, conversation } of store.pendingTurns()) {
        if (!mine(conversation.key)) continue;
        if (message.turnAttempts >= this.maxTurnAttempts) {
          store.completeTurn(message.id, "failed", "interrupted");
          work.push(this.queue.run(conversation.id, () => this.notify(conversation, GAVE_UP_NOTICE)));
          continue;
        }
        turns++;
        work.push(
          this.queue.run(conversation.id, async (): Promise<HandleOutcome> => {
            // A live message's task may have run this turn already (it was queued first).
            if (store.turnStatus(message.id) !== "pending") return { status: "duplicate" };
            store.startTurnAttempt(message.id);
            return this.runTurn(conversation.id, message);
          }),
        );
      }
      for (const row of inbox.waiting()) {
        const inbound = JSON.parse(row.payload) as InboundMessage;
        if (!mine(inbound)) continue;
        queued++;
        const conversation = store.getOrCreateConversation(inbound);
        work.push(this.queue.run(conversation.id, () => this.process(conversation.id, row.id, inbound)));
      }
    } finally {
      this.intakePaused?.resume();
      this.intakePaused = undefined;
    }
    await Promise.all(work);
    if (replies + turns + queued > 0) logger.info({ replies, turns, queued }, "recovered unfinished work");
    return { replies, turns, queued };
  }

  async claimDelivery(platform: string, deliveryId: string): Promise<boolean> {
    return this.options.store.recordInboundEvent(platform, deliveryId);
  }

  hasConversation(ref: ThreadRef): boolean {
    return this.options.store.findConversation(ref) !== undefined;
  }

  openConversation(ref: ThreadRef): void {
    this.options.store.getOrCreateConversation(ref);
  }

  transcript(ref: ThreadRef): Transcript | undefined {
    const conversation = this.options.store.findConversation(ref);
    const stored = conversation && this.options.store.transcript(conversation.id);
    if (stored === undefined) return undefined;
    return toTranscript(stored, (name) => this.presentation(name));
  }

  listConversations(filter: { platform: string; workspace?: string; channel?: string; limit?: number }): ConversationSummary[] {
    return this.options.store.listConversations(filter).map((row) => ({
      conversationId: row.id,
      thread: row.key,
      messageCount: row.messageCount,
      activeAgent: row.activeAgent,
      updatedAt: new Date(row.updatedAt),
    }));
  }

  forgetUser(platform: string, userId: string, workspace?: string): number {
    const { store, inbox, logger } = this.options;
    const deleted = store.transaction(() => store.forgetUser(platform, userId, workspace) + inbox.forgetUser(platform, userId, workspace));
    logger.info({ platform, deleted }, "forgot a user's messages");
    return deleted;
  }

  /** Deletes conversations idle for longer than RETENTION_DAYS and old dedupe records; returns conversations purged. */
  purgeExpired(): number {
    const { store, limits } = this.options;
    store.pruneInboundEvents(this.now() - EVENT_RETENTION_MS);
    if (limits.retentionDays === undefined) return 0;
    const purged = store.purgeConversationsOlderThan(this.now() - limits.retentionDays * 86_400_000);
    if (purged > 0) this.options.logger.info({ purged }, "purged conversations past retention");
    return purged;
  }

  /** Purges now and then every hour until close(). */
  startRetention(): void {
    this.purgeExpired();
    this.retentionTimer = setInterval(() => {
      try {
        this.purgeExpired();
      } catch (error) {
        // A busy database (another process holding the lock) is no reason to stop the bots: try again next hour.
        this.options.logger.error({ err: error }, "retention purge failed");
      }
    }, 3_600_000);
    this.retentionTimer.unref();
  }

  /** Stops taking messages, interrupts running turns (they stay pending and resume at the next start), waits. */
  async close(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.shutdown.abort();
    this.delivery.stopRetrying();
    this.intakePaused?.resume();
    await this.queue.drain();
    await this.delivery.drain();
  }

  private presentation(name: string): AgentPresentation {
    return this.options.agents.get(name) ?? { name, displayName: name };
  }

  private async notify(conversation: ConversationRow, text: string): Promise<void> {
    const agentName = this.options.workflow.startAgent.name;
    const id = this.options.store.enqueueNotice(conversation.id, { agentName, text });
    await this.delivery.enqueue({ id, conversationId: conversation.id, key: conversation.key, agentName, text, kind: "notice" });
  }
}

function sameThread(a: ThreadRef, b: ThreadRef): boolean {
  return a.platform === b.platform && a.workspace === b.workspace && a.channel === b.channel && a.thread === b.thread;
}
