// ConversationService: the platform-neutral path of an inbound message — dedupe, checks, order, persistence, replies.

import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import type { AttachmentStore } from "../store/attachment-store.js";
import type { WaitingState } from "../store/waiting-queries.js";
import type { ReplyImages } from "./reply-images.js";
import type { ConversationStore, RefusalReason } from "../store/conversation-store.js";
import type { Inbox } from "../store/inbox.js";
import type { ReceivedEvents } from "../store/received-events.js";
import { DatabaseBusyError, WriteGate } from "../store/write-gate.js";
import type { ConversationRow, StoredMessage } from "../store/types.js";
import type { Workflow } from "../workflow/workflow.js";
import { prepareAttachments, refusalNotice, type PreparedAttachments } from "./attachments/prepare-attachments.js";
import { attachmentTokens, fromQueued, imagesOfMessage, storeAttachments, toQueued, type QueuedAttachment } from "./attachments/stored-attachments.js";
import type { AttachmentLimits, PreparedAttachment } from "./attachments/types.js";
import { ClassroomSafety, type SafetyOptions } from "./classroom-safety.js";
import { cleanText } from "./input.js";
import type { RetryPolicy } from "./delivery-retry.js";
import type { Receipt, ReceivedEvent, ReceivedEventFinisher, ReceiveOptions } from "./intake-ports.js";
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
import type { SafetyReview } from "./safety-review.js";
import { NOT_SAVED_NOTICE, ReceivedIntake, SAVING_SLOWLY_NOTICE } from "./received-intake.js";
import { ReplyDelivery } from "./reply-delivery.js";
import { TeacherHandoff, type HandbackResult } from "./teacher-handoff.js";
import { toTranscript } from "./transcript.js";
import { TurnRunner, type TurnControl } from "./turn-runner.js";

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
  readonly received: ReceivedEvents;
  /** Where writes wait while another process holds the database's lock; default: a gate of its own. */
  readonly gate?: WriteGate;
  /** A student whose message is still not saved after this long (database locked) is told it is kept. Default 15 s. */
  readonly slowSaveNoticeMs?: number;
  /** The default workflow: conversations in a channel without an override. */
  readonly workflow: Workflow;
  /** By channel id (the conversation key's channel), the workflows of channels with an override (agents.yaml `channels:`). */
  readonly channelWorkflows?: ReadonlyMap<string, Workflow>;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
  readonly limits: ServiceLimits;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Moderation, flags, alerts and usage caps (src/bot/classroom-safety.ts); without it, none of them. */
  readonly safety?: SafetyOptions;
  /** A turn interrupted by a crash is run again this many times in all before it is marked failed. Default 2. */
  readonly maxTurnAttempts?: number;
  /** Delivery attempts of one reply (made in-process, with backoff) before it is marked failed. Default 5. */
  readonly maxDeliveryAttempts?: number;
  /** The backoff between delivery attempts. Default: from 1 s, doubling, at most 30 s. */
  readonly deliveryRetry?: RetryPolicy;
  /** Students' files (photos, PDFs, text files): without it, attachments are left out and only the text is read. */
  readonly attachments?: { readonly store: AttachmentStore; readonly limits: AttachmentLimits };
  /** Renders replies' display math, stored with their messages (with `attachments`) so moderators see the images. */
  readonly replyImages?: ReplyImages;
}

/** A message waiting in the inbox, with the files intake already prepared. */
type QueuedInbound = InboundMessage & { readonly queuedAttachments?: readonly QueuedAttachment[] };

const NO_FILES: PreparedAttachments = { accepted: [], refused: [] };

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
  private readonly teacher: TeacherHandoff;
  private readonly gate: WriteGate;
  private readonly intake: ReceivedIntake;
  private readonly ports = new Map<string, PlatformPort>();
  private readonly slowSaveNoticeMs: number;
  private readonly safety: ClassroomSafety | undefined;
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
    this.gate = options.gate ?? new WriteGate({ logger: options.logger });
    this.slowSaveNoticeMs = options.slowSaveNoticeMs ?? 15_000;
    this.intake = new ReceivedIntake({ received: options.received, gate: this.gate, logger: options.logger, slowAfterMs: this.slowSaveNoticeMs });
    this.limiter = new RateLimiter(options.limits.rateLimitPerMinute, this.now);
    this.delivery = new ReplyDelivery({
      store: options.store,
      gate: this.gate,
      logger: options.logger,
      presentation: (name) => this.presentation(name),
      maxAttempts: options.maxDeliveryAttempts ?? 5,
      ...(options.deliveryRetry === undefined ? {} : { retry: options.deliveryRetry }),
    });
    this.teacher = new TeacherHandoff({
      store: options.store,
      gate: this.gate,
      delivery: this.delivery,
      logger: options.logger,
      now: this.now,
      port: (platform) => this.ports.get(platform),
      presentation: (name) => this.presentation(name),
      workflowOf: (key) => this.workflowOf(key),
      ...(options.deliveryRetry === undefined ? {} : { retry: options.deliveryRetry }),
    });
    this.safety =
      options.safety === undefined
        ? undefined
        : new ClassroomSafety({
            ...options.safety,
            ...(options.attachments === undefined ? {} : { imagesOf: imagesOfMessage(options.attachments.store) }),
            logger: options.logger,
            now: this.now,
            presentation: (name) => this.presentation(name),
            notify: (conversation, text) => this.notify(conversation, text),
            completeTurn: (id, code) => options.store.completeTurn(id, "failed", code),
            repliesSettled: (id) => this.delivery.settled(id),
            ...(options.deliveryRetry === undefined ? {} : { alertRetry: options.deliveryRetry }),
          });
    const safety = this.safety;
    this.turns = new TurnRunner({
      ...(safety === undefined ? {} : { onContentFilter: (c, m, e) => safety.contentFiltered(c, m, e) }),
      store: options.store,
      workflowFor: (conversation) => this.workflowOf(conversation.key),
      delivery: this.delivery,
      gate: this.gate,
      logger: options.logger,
      window: { maxMessages: options.limits.historyMessages, maxTokens: options.limits.historyTokens },
      ...(options.attachments === undefined ? {} : { attachments: { store: options.attachments.store, historyImages: options.attachments.limits.historyImages } }),
      presentation: (name) => this.presentation(name),
      ...(options.attachments === undefined || options.replyImages === undefined ? {} : { replyImages: { render: options.replyImages, store: options.attachments.store } }),
    });
  }

  registerPort(port: PlatformPort): void {
    this.ports.set(port.platform, port);
    this.delivery.registerPort(port);
    this.safety?.registerPort(port);
  }

  /** The moderators' reads and actions on flags and usage; undefined when safety is not configured. */
  classroomSafety(): ClassroomSafety | undefined {
    return this.safety;
  }

  safetyReview(): SafetyReview | undefined {
    return this.safety;
  }

  attachmentLimits(): AttachmentLimits | undefined {
    return this.options.attachments?.limits;
  }

  receive(event: ReceivedEvent, options?: ReceiveOptions): Promise<Receipt | undefined> {
    return this.intake.receive(event, options);
  }

  updateReceipt(receipt: Receipt, payload: unknown): Promise<Receipt> {
    return this.intake.update(receipt, payload);
  }

  dropReceipt(receipt: Receipt): Promise<void> {
    return this.intake.drop(receipt);
  }

  registerReceiver(platform: string, finish: ReceivedEventFinisher): void {
    this.intake.register(platform, finish);
  }

  handleReceived(receipt: Receipt, inbound: InboundMessage): Promise<HandleOutcome> {
    return this.accept(inbound, { receipt });
  }

  agents(): ReadonlyMap<string, AgentPresentation> {
    return this.options.agents;
  }

  /**
   * `control.observer` sees the turn as it happens (text deltas, handoffs), e.g. for a console that streams;
   * `control.cancel` stops it (the outcome is then failed with the code "cancelled").
   */
  handle(inbound: InboundMessage, control: TurnControl = {}): Promise<HandleOutcome> {
    return this.accept(inbound, { control });
  }

  /**
   * Dedupes, checks, persists and queues one message. With a receipt, the event id was recorded when it was received:
   * removing the receipt in the same transaction takes its place (false: a duplicate, or forgotten meanwhile).
   */
  private async accept(inbound: InboundMessage, via: { control?: TurnControl; receipt?: Receipt }): Promise<HandleOutcome> {
    if (this.intakePaused !== undefined) await this.intakePaused.promise;
    const { store, inbox, received } = this.options;
    const { receipt, control } = via;
    const claim = (): boolean =>
      receipt === undefined ? store.recordInboundEvent(inbound.platform, inbound.eventId) : received.remove(receipt.receiptId);
    const text = cleanText(inbound.text);
    const slow = { slowAfterMs: this.slowSaveNoticeMs, onSlow: () => this.tellDirectly(inbound, SAVING_SLOWLY_NOTICE) };
    // Awaited only when there are files: a text message is stored in the same tick it arrives, as before.
    const files = (inbound.attachments ?? []).length === 0 ? NO_FILES : await this.prepareFiles(inbound);
    const filesNotice = files.refused.length === 0 ? undefined : refusalNotice(files.refused, this.options.attachments!.limits);
    if (text === "" && files.accepted.length === 0) {
      if (filesNotice !== undefined) return this.refuseFiles(inbound, { claim, slow, notice: filesNotice });
      if (receipt !== undefined) await this.intake.drop(receipt);
      return { status: "ignored", reason: "empty" };
    }
    const shuttingDown = this.shutdown.signal.aborted;
    const userKey = `${inbound.platform}:${inbound.user.id}`;
    const refusal = shuttingDown ? undefined : this.refusalOf(userKey, text);
    if (refusal !== undefined) return this.refuse({ inbound, userKey, reason: refusal, claim, slow });
    // The downloaded bytes stay out of the inbox's JSON: what waits there is the prepared (downscaled) files.
    const { attachments: _downloaded, ...rest } = inbound;
    const cleaned: InboundMessage = { ...rest, text };
    const prepared = files.accepted;
    const persist = (): { outcome: Promise<HandleOutcome> } => {
      const accepted = store.transaction(() => {
        const conversation = store.getOrCreateConversation(inbound);
        if (shuttingDown || this.queue.busy(conversation.id)) {
          // It waits behind a running turn, or for the next start: the inbox keeps it safe until then, across a crash too.
          const queued: QueuedInbound = prepared.length === 0 ? cleaned : { ...cleaned, queuedAttachments: prepared.map(toQueued) };
          const payload = JSON.stringify(queued);
          const inboxId =
            receipt === undefined
              ? inbox.accept(inbound.platform, inbound.eventId, inbound.user.id, payload)
              : claim()
                ? inbox.queue(inbound.platform, inbound.eventId, inbound.user.id, payload)
                : undefined;
          return inboxId === undefined ? undefined : { kind: "queued" as const, conversation, inboxId };
        }
        // Nothing waits in this conversation: store the message now, deduplicated in the same transaction.
        if (!claim()) return undefined;
        const waiting = this.teacher.waitingOf(conversation.id);
        if (waiting !== undefined) {
          return { kind: "held" as const, conversation, message: this.storeHeldMessage(conversation.id, cleaned, prepared, waiting) };
        }
        return { kind: "stored" as const, conversation, message: this.storeUserMessage(conversation.id, cleaned, prepared) };
      });
      // Queued in the same synchronous step as the commit, so the next message of this conversation sees it busy.
      if (accepted === undefined) return { outcome: Promise.resolve({ status: "duplicate" }) };
      const id = accepted.conversation.id;
      // Told before the answer: some files were not used (the rest, and the text, are answered).
      if (filesNotice !== undefined) void this.notify(accepted.conversation, filesNotice).catch((error: unknown) => this.options.logger.warn({ err: error }, "could not queue the attachments notice"));
      if (shuttingDown) return { outcome: Promise.resolve({ status: "failed", conversationId: id, errorCode: "aborted" }) };
      this.limiter.take(userKey);
      if (accepted.kind === "held") {
        const { message } = accepted;
        return { outcome: this.queue.run(id, () => this.checkHeld(id, message, cleaned)) };
      }
      if (accepted.kind === "stored") {
        const { message } = accepted;
        return { outcome: this.queue.run(id, () => this.runTurn(id, message, control)) };
      }
      const { inboxId } = accepted;
      return { outcome: this.queue.run(id, () => this.process(id, inboxId, cleaned, prepared, control)) };
    };
    const saved = await this.saving(inbound, persist, slow);
    if (saved === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    return saved.outcome;
  }

  /** Checks, downloads are done: normalises images and reads documents (nothing when the service takes no files). */
  private async prepareFiles(inbound: InboundMessage): Promise<PreparedAttachments> {
    const files = this.options.attachments;
    const sent = inbound.attachments ?? [];
    if (sent.length === 0) return NO_FILES;
    if (files === undefined) return NO_FILES;
    return await prepareAttachments(sent, files.limits);
  }

  /** Only files, none usable: the event is claimed (a retry is a duplicate) and the student told why. */
  private async refuseFiles(
    inbound: InboundMessage,
    input: { claim: () => boolean; slow: { slowAfterMs: number; onSlow: () => void }; notice: string },
  ): Promise<HandleOutcome> {
    const { store } = this.options;
    const conversation = await this.saving(
      inbound,
      () => store.transaction(() => (input.claim() ? store.getOrCreateConversation(inbound) : undefined)),
      input.slow,
    );
    if (conversation === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    if (conversation === undefined) return { status: "duplicate" };
    await this.notify(conversation, input.notice);
    return { status: "ignored", reason: "empty" };
  }

  /** The first write of a message, through the gate; a message that cannot be saved at all is never dropped silently. */
  private async saving<T>(inbound: InboundMessage, write: () => T, slow: { slowAfterMs: number; onSlow: () => void }): Promise<T | "not_saved"> {
    try {
      return await this.gate.run(write, slow);
    } catch (error) {
      if (!(error instanceof DatabaseBusyError)) throw error;
      this.options.logger.error({ platform: inbound.platform, eventId: inbound.eventId }, "a message could not be saved: the database stayed locked");
      this.tellDirectly(inbound, NOT_SAVED_NOTICE);
      return "not_saved";
    }
  }

  /** A notice that cannot go through the outbox (the database is what fails): posted straight through the port. */
  private tellDirectly(ref: ThreadRef, text: string): void {
    const port = this.ports.get(ref.platform);
    if (port === undefined) return;
    const agent = this.presentation(this.workflowOf(ref).startAgent.name);
    const reply = { platform: ref.platform, workspace: ref.workspace, channel: ref.channel, thread: ref.thread, replyId: 0, conversationId: 0, agent, text, kind: "notice" as const };
    void port.deliver(reply).catch((error: unknown) => this.options.logger.warn({ err: error, platform: ref.platform }, "could not post a notice directly"));
  }

  /**
   * Over the rate limit first: a flood of too-long messages is a flood too. A too-long message within the allowance
   * uses it up, as an answered one would.
   */
  private refusalOf(userKey: string, text: string): RefusalReason | undefined {
    if (!this.limiter.allows(userKey)) return "rate_limited";
    if (text.length <= this.options.limits.maxInputChars) return undefined;
    this.limiter.take(userKey);
    return "too_long";
  }

  /**
   * Refused messages never reach the model. Each is stored as refused (a retried delivery of it is a duplicate); a
   * too-long one is answered with a notice, a rate-limited one only if the user was not told within the last minute.
   */
  private async refuse(input: {
    inbound: InboundMessage;
    userKey: string;
    reason: RefusalReason;
    claim: () => boolean;
    slow: { slowAfterMs: number; onSlow: () => void };
  }): Promise<HandleOutcome> {
    const { inbound, reason } = input;
    const { store, limits } = this.options;
    const conversation = await this.saving(
      inbound,
      () =>
        store.transaction(() => {
          if (!input.claim()) return undefined;
          store.markEventRefused(inbound.platform, inbound.eventId, reason);
          return store.getOrCreateConversation(inbound);
        }),
      input.slow,
    );
    if (conversation === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    if (conversation === undefined) return { status: "duplicate" };
    if (reason === "too_long") await this.notify(conversation, TOO_LONG_NOTICE(limits.maxInputChars));
    else if (this.limiter.noticeDue(input.userKey)) await this.notify(conversation, RATE_LIMIT_NOTICE);
    return { status: "rejected", reason, conversationId: conversation.id };
  }

  /** In the caller's transaction: the message, its files, its turn. */
  private storeUserMessage(conversationId: number, inbound: InboundMessage, files: readonly PreparedAttachment[]): StoredMessage {
    const { store, attachments } = this.options;
    const stored = store.appendUserMessage(conversationId, {
      userId: inbound.user.id,
      userName: inbound.user.name,
      text: inbound.text,
      ...(inbound.platformMessageId === undefined ? {} : { platformMessageId: inbound.platformMessageId }),
      ...(files.length === 0 || attachments === undefined ? {} : { extraTokens: attachmentTokens(files, attachments.limits.imageDetail) }),
    });
    if (attachments !== undefined && files.length > 0) storeAttachments(attachments.store, stored.id, files);
    store.startTurnAttempt(stored.id);
    return stored;
  }

  /** In the caller's transaction: a message written while the thread waits for a teacher, with its files, no turn. */
  private storeHeldMessage(conversationId: number, inbound: InboundMessage, files: readonly PreparedAttachment[], waiting: WaitingState): StoredMessage {
    const { attachments } = this.options;
    const extraTokens = files.length === 0 || attachments === undefined ? 0 : attachmentTokens(files, attachments.limits.imageDetail);
    const stored = this.teacher.storeHeld(conversationId, inbound, waiting, extraTokens);
    if (attachments !== undefined && files.length > 0) storeAttachments(attachments.store, stored.id, files);
    return stored;
  }

  /** Stores the message (leaving the inbox in the same transaction), then runs its turn. */
  private async process(
    conversationId: number,
    inboxId: number,
    inbound: InboundMessage,
    files: readonly PreparedAttachment[],
    control?: TurnControl,
  ): Promise<HandleOutcome> {
    const { store, inbox } = this.options;
    // Shutting down: the message stays in the inbox and is taken up at the next start.
    if (this.shutdown.signal.aborted) return { status: "failed", conversationId, errorCode: "aborted" };
    const message = await this.gate.run(() =>
      store.transaction(() => {
        // Gone: the user was forgotten while it waited, or another task already took it.
        if (!inbox.remove(inboxId)) return undefined;
        if (store.getConversation(conversationId) === undefined) return undefined; // purged while it waited
        const waiting = this.teacher.waitingOf(conversationId);
        if (waiting !== undefined) return { held: this.storeHeldMessage(conversationId, inbound, files, waiting) };
        return this.storeUserMessage(conversationId, inbound, files);
      }),
    );
    if (message === undefined) return { status: "ignored", reason: "empty" };
    if ("held" in message) return this.checkHeld(conversationId, message.held, inbound);
    return this.runTurn(conversationId, message, control);
  }

  /** A message stored while the thread waits for a teacher: a student's still gets the safety check (never a turn). */
  private async checkHeld(conversationId: number, message: StoredMessage, inbound: InboundMessage): Promise<HandleOutcome> {
    const held = { status: "held", conversationId } as const;
    if (inbound.fromModerator === true || this.safety === undefined) return held;
    const conversation = this.options.store.getConversation(conversationId);
    if (conversation === undefined) return held;
    await this.safety.checkHeld(conversation, message, this.shutdown.signal);
    await this.delivery.settled(conversationId);
    return held;
  }

  private async runTurn(conversationId: number, message: StoredMessage, control?: TurnControl): Promise<HandleOutcome> {
    // Read now, not when queued: the active agent may have changed while this turn waited.
    const conversation = this.options.store.getConversation(conversationId);
    if (conversation === undefined) return { status: "ignored", reason: "empty" };
    if (this.teacher.waitingOf(conversationId) !== undefined) {
      // A turn left pending (e.g. by a crash) in a thread since handed to a person: the agents do not answer there.
      await this.gate.run(() => this.options.store.completeTurn(message.id, "failed", "waiting_for_teacher"));
      return { status: "held", conversationId };
    }
    const gate = await this.safety?.beforeTurn(conversation, message, this.shutdown.signal);
    if (gate?.kind === "stopped") {
      await this.delivery.settled(conversationId);
      return { status: "rejected", reason: gate.reason, conversationId };
    }
    const outcome = await this.turns.run(conversation, message, this.shutdown.signal, control);
    if (outcome.status === "completed" && outcome.humanRequest !== undefined) await this.teacher.ask(conversation, message, outcome.humanRequest);
    await this.delivery.settled(conversationId);
    if (outcome.status !== "interrupted") await this.safety?.afterTurn(conversation, message, this.shutdown.signal);
    switch (outcome.status) {
      case "completed":
        return { status: "completed", conversationId, replies: outcome.replies };
      case "failed":
        return { status: "failed", conversationId, errorCode: outcome.errorCode };
      case "interrupted":
        return { status: "failed", conversationId, errorCode: "aborted" };
      case "cancelled":
        return { status: "failed", conversationId, errorCode: "cancelled" };
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
   * up on it with a notice), processes messages that were accepted but still waiting, and hands events received but
   * not yet made messages back to their adapters (counted as queued). Only conversations of the
   * platforms with a registered port are touched (a console chat on the bot's database leaves Discord's work alone),
   * and with `only`, only that thread's (then `control` watches and may cancel its turns, each announced to
   * `onResume` with its question). Resolves when all is done; new messages wait until the work is queued.
   */
  async recover(only?: ThreadRef, control: TurnControl = {}): Promise<{ replies: number; turns: number; queued: number }> {
    const { store, inbox, logger } = this.options;
    const mine = (key: ThreadRef): boolean => this.delivery.hasPort(key.platform) && (only === undefined || sameThread(key, only));
    const work: Array<Promise<unknown>> = [];
    let turns = 0;
    let queued = 0;
    let replies = 0;
    try {
      replies = await this.delivery.flushPending(mine);
      // After the replies: an answer withheld before it was ever posted has just been posted as the notice.
      const replacements = this.safety?.recoverReplacements(mine) ?? 0;
      if (replacements > 0) logger.info({ replacements }, "replacing withheld answers left from before the restart");
      const alerts = this.safety?.recoverAlerts(mine) ?? 0;
      if (alerts > 0) logger.info({ alerts }, "posting safety alerts left from before the restart");
      const teacherAlerts = this.teacher.recoverAlerts(mine);
      if (teacherAlerts > 0) logger.info({ teacherAlerts }, "posting teacher requests' alerts left from before the restart");
      for (const { message, conversation } of store.pendingTurns()) {
        if (!mine(conversation.key)) continue;
        if (message.turnAttempts >= this.maxTurnAttempts) {
          await this.gate.run(() => store.completeTurn(message.id, "failed", "interrupted"));
          work.push(this.queue.run(conversation.id, () => this.notify(conversation, GAVE_UP_NOTICE)));
          continue;
        }
        turns++;
        work.push(
          this.queue.run(conversation.id, async (): Promise<HandleOutcome> => {
            // A live message's task may have run this turn already (it was queued first).
            if (store.turnStatus(message.id) !== "pending") return { status: "duplicate" };
            await this.gate.run(() => store.startTurnAttempt(message.id));
            control.observer?.onResume?.(message.text);
            return this.runTurn(conversation.id, message, control);
          }),
        );
      }
      for (const row of inbox.waiting()) {
        const { queuedAttachments, ...inbound } = JSON.parse(row.payload) as QueuedInbound;
        if (!mine(inbound)) continue;
        const files = (queuedAttachments ?? []).map(fromQueued);
        queued++;
        const conversation = await this.gate.run(() => store.getOrCreateConversation(inbound));
        work.push(
          this.queue.run(conversation.id, () => {
            control.observer?.onResume?.(inbound.text);
            return this.process(conversation.id, row.id, inbound, files, control);
          }),
        );
      }
      // Received events need their adapter's network work first; they are new messages once it is done.
      if (only === undefined) {
        const finishing = this.intake.recover((platform) => this.delivery.hasPort(platform));
        queued += finishing.length;
        work.push(...finishing);
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
    return this.gate.run(() => this.options.store.recordInboundEvent(platform, deliveryId));
  }

  hasConversation(ref: ThreadRef): boolean {
    return this.options.store.findConversation(ref) !== undefined;
  }

  async openConversation(ref: ThreadRef): Promise<void> {
    await this.gate.run(() => this.options.store.getOrCreateConversation(ref));
  }

  transcript(ref: ThreadRef): Transcript | undefined {
    const conversation = this.options.store.findConversation(ref);
    const stored = conversation && this.options.store.transcript(conversation.id);
    if (stored === undefined) return undefined;
    const files = this.options.attachments?.store.listByConversation(stored.conversation.id) ?? [];
    return toTranscript(stored, (name) => this.presentation(name), this.safety?.flagsOf(stored.conversation.id) ?? [], files);
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

  waitingFor(ref: ThreadRef): string | undefined {
    return this.teacher.waitingFor(ref);
  }

  handBack(ref: ThreadRef): Promise<HandbackResult> {
    return this.teacher.handBack(ref);
  }

  /** Resolves when the moderators' alerts of threads handed to a person are posted (or given up on). */
  teacherAlertsSettled(): Promise<void> {
    return this.teacher.settled();
  }

  forgetUser(platform: string, userId: string, workspace?: string): number {
    const { store, inbox, received, logger } = this.options;
    const deleted = store.transaction(() => {
      this.safety?.forgetUser(platform, userId, workspace);
      return store.forgetUser(platform, userId, workspace) + inbox.forgetUser(platform, userId, workspace) + received.forgetUser(platform, userId, workspace);
    });
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
    this.teacher.close();
    this.intakePaused?.resume();
    await this.queue.drain();
    await this.delivery.drain();
    await this.safety?.close();
  }

  /** Built once at start: picking one is a map lookup, not a build per message. */
  private workflowOf(key: ThreadRef): Workflow {
    return this.options.channelWorkflows?.get(key.channel) ?? this.options.workflow;
  }

  private presentation(name: string): AgentPresentation {
    return this.options.agents.get(name) ?? { name, displayName: name };
  }

  private async notify(conversation: ConversationRow, text: string): Promise<void> {
    const agentName = this.workflowOf(conversation.key).startAgent.name;
    const id = await this.gate.run(() => this.options.store.enqueueNotice(conversation.id, { agentName, text }));
    await this.delivery.enqueue({ id, conversationId: conversation.id, key: conversation.key, agentName, text, kind: "notice" });
  }
}

function sameThread(a: ThreadRef, b: ThreadRef): boolean {
  return a.platform === b.platform && a.workspace === b.workspace && a.channel === b.channel && a.thread === b.thread;
}
