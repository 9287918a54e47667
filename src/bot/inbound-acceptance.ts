// Intake of one message: dedupe, checks (empty, files, rate, length), the first write, and queueing its turn.

import type { Logger } from "pino";
import type { ConversationStore, RefusalReason } from "../store/conversation-store.js";
import type { Inbox } from "../store/inbox.js";
import type { ReceivedEvents } from "../store/received-events.js";
import type { ConversationRow } from "../store/types.js";
import { DatabaseBusyError, type WriteGate } from "../store/write-gate.js";
import { prepareAttachments, refusalNotice, type PreparedAttachments } from "./attachments/prepare-attachments.js";
import { toQueued } from "./attachments/stored-attachments.js";
import type { AttachmentLimits } from "./attachments/types.js";
import type { ConversationTurns } from "./conversation-turns.js";
import type { InboundMessages, QueuedInbound } from "./inbound-messages.js";
import { cleanText } from "./input.js";
import type { IntakePause } from "./intake-pause.js";
import type { Receipt } from "./intake-ports.js";
import type { KeyedQueue } from "./keyed-queue.js";
import type { AgentPresentation, HandleOutcome, InboundMessage, PlatformPort, ThreadRef } from "./ports.js";
import type { RateLimiter } from "./rate-limiter.js";
import { NOT_SAVED_NOTICE, type ReceivedIntake, SAVING_SLOWLY_NOTICE } from "./received-intake.js";
import type { TeacherHandoff } from "./teacher-handoff.js";
import type { TurnControl } from "./turn-runner.js";

export const TOO_LONG_NOTICE = (limit: number): string =>
  `Sorry, that message is too long for me (the limit is ${limit.toLocaleString("en-US")} characters). Could you shorten it or split it up?`;
export const RATE_LIMIT_NOTICE = "You're sending questions faster than I can answer them. Please wait a moment and try again.";

const NO_FILES: PreparedAttachments = { accepted: [], refused: [] };

/** `stored` hears when the first write is done (or could not be done): the platform may be acknowledged then. */
type Slow = { slowAfterMs: number; onSlow: () => void; stored?: (() => void) | undefined };

export interface InboundAcceptanceDeps {
  readonly store: ConversationStore;
  readonly inbox: Inbox;
  readonly received: ReceivedEvents;
  readonly intake: ReceivedIntake;
  readonly gate: WriteGate;
  readonly queue: KeyedQueue<number>;
  readonly limiter: RateLimiter;
  readonly pause: IntakePause;
  readonly messages: InboundMessages;
  readonly teacher: TeacherHandoff;
  readonly turns: ConversationTurns;
  readonly logger: Logger;
  readonly maxInputChars: number;
  readonly slowSaveNoticeMs: number;
  /** Without them, the service takes no files: only the text is read. */
  readonly attachmentLimits: AttachmentLimits | undefined;
  /** Aborted at close(): a message accepted then is stored for the next start. */
  readonly shutdown: AbortSignal;
  readonly notify: (conversation: ConversationRow, text: string) => Promise<void>;
  readonly port: (platform: string) => PlatformPort | undefined;
  /** Who speaks a notice in this thread: its workflow's start agent. */
  readonly startAgentOf: (ref: ThreadRef) => AgentPresentation;
}

export class InboundAcceptance {
  constructor(private readonly deps: InboundAcceptanceDeps) {}

  /**
   * Dedupes, checks, persists and queues one message. With a receipt, the event id was recorded when it was received:
   * removing the receipt in the same transaction takes its place (false: a duplicate, or forgotten meanwhile).
   */
  async accept(inbound: InboundMessage, via: { control?: TurnControl; receipt?: Receipt; stored?: () => void }): Promise<HandleOutcome> {
    const paused = this.deps.pause.waiting();
    if (paused !== undefined) await paused;
    const { store, inbox, received, queue, teacher, messages, turns } = this.deps;
    const { receipt, control } = via;
    const claim = (): boolean =>
      receipt === undefined ? store.recordInboundEvent(inbound.platform, inbound.eventId) : received.remove(receipt.receiptId);
    const text = cleanText(inbound.text);
    const slow: Slow = { slowAfterMs: this.deps.slowSaveNoticeMs, onSlow: () => this.tellDirectly(inbound, SAVING_SLOWLY_NOTICE), stored: via.stored };
    // Awaited only when there are files: a text message is stored in the same tick it arrives, as before.
    const files = (inbound.attachments ?? []).length === 0 ? NO_FILES : await this.prepareFiles(inbound);
    const filesNotice = files.refused.length === 0 ? undefined : refusalNotice(files.refused, this.deps.attachmentLimits!);
    if (text === "" && files.accepted.length === 0) {
      if (filesNotice !== undefined) return this.refuseFiles(inbound, { claim, slow, notice: filesNotice });
      if (receipt !== undefined) await this.deps.intake.drop(receipt);
      via.stored?.();
      return { status: "ignored", reason: "empty" };
    }
    const shuttingDown = this.deps.shutdown.aborted;
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
        if (shuttingDown || queue.busy(conversation.id)) {
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
        const waiting = teacher.waitingOf(conversation.id);
        if (waiting !== undefined) {
          return { kind: "held" as const, conversation, message: messages.storeHeld(conversation.id, cleaned, prepared, waiting) };
        }
        return { kind: "stored" as const, conversation, message: messages.storeUser(conversation.id, cleaned, prepared) };
      });
      // Queued in the same synchronous step as the commit, so the next message of this conversation sees it busy.
      if (accepted === undefined) return { outcome: Promise.resolve({ status: "duplicate" }) };
      const id = accepted.conversation.id;
      // Told before the answer: some files were not used (the rest, and the text, are answered).
      if (filesNotice !== undefined) void this.deps.notify(accepted.conversation, filesNotice).catch((error: unknown) => this.deps.logger.warn({ err: error }, "could not queue the attachments notice"));
      if (shuttingDown) return { outcome: Promise.resolve({ status: "failed", conversationId: id, errorCode: "aborted" }) };
      this.deps.limiter.take(userKey);
      if (accepted.kind === "held") {
        const { message } = accepted;
        return { outcome: queue.run(id, () => turns.checkHeld(id, message, cleaned)) };
      }
      if (accepted.kind === "stored") {
        const { message } = accepted;
        return { outcome: queue.run(id, () => turns.run(id, message, control)) };
      }
      const { inboxId } = accepted;
      return { outcome: queue.run(id, () => turns.process(id, inboxId, cleaned, prepared, control)) };
    };
    const saved = await this.saving(inbound, persist, slow);
    if (saved === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    return saved.outcome;
  }

  /** Checks, downloads are done: normalises images and reads documents (nothing when the service takes no files). */
  private async prepareFiles(inbound: InboundMessage): Promise<PreparedAttachments> {
    const limits = this.deps.attachmentLimits;
    const sent = inbound.attachments ?? [];
    if (sent.length === 0) return NO_FILES;
    if (limits === undefined) return NO_FILES;
    return await prepareAttachments(sent, limits);
  }

  /** Only files, none usable: the event is claimed (a retry is a duplicate) and the student told why. */
  private async refuseFiles(inbound: InboundMessage, input: { claim: () => boolean; slow: Slow; notice: string }): Promise<HandleOutcome> {
    const { store } = this.deps;
    const conversation = await this.saving(
      inbound,
      () => store.transaction(() => (input.claim() ? store.getOrCreateConversation(inbound) : undefined)),
      input.slow,
    );
    if (conversation === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    if (conversation === undefined) return { status: "duplicate" };
    await this.deps.notify(conversation, input.notice);
    return { status: "ignored", reason: "empty" };
  }

  /** The first write of a message, through the gate; a message that cannot be saved at all is never dropped silently. */
  private async saving<T>(inbound: InboundMessage, write: () => T, slow: Slow): Promise<T | "not_saved"> {
    try {
      return await this.deps.gate.run(write, { slowAfterMs: slow.slowAfterMs, onSlow: slow.onSlow });
    } catch (error) {
      if (!(error instanceof DatabaseBusyError)) throw error;
      this.deps.logger.error({ platform: inbound.platform, eventId: inbound.eventId }, "a message could not be saved: the database stayed locked");
      this.tellDirectly(inbound, NOT_SAVED_NOTICE);
      return "not_saved";
    } finally {
      slow.stored?.();
    }
  }

  /** A notice that cannot go through the outbox (the database is what fails): posted straight through the port. */
  private tellDirectly(ref: ThreadRef, text: string): void {
    const port = this.deps.port(ref.platform);
    if (port === undefined) return;
    const agent = this.deps.startAgentOf(ref);
    const reply = { platform: ref.platform, workspace: ref.workspace, channel: ref.channel, thread: ref.thread, replyId: 0, conversationId: 0, agent, text, kind: "notice" as const };
    void port.deliver(reply).catch((error: unknown) => this.deps.logger.warn({ err: error, platform: ref.platform }, "could not post a notice directly"));
  }

  /**
   * Over the rate limit first: a flood of too-long messages is a flood too. A too-long message within the allowance
   * uses it up, as an answered one would.
   */
  private refusalOf(userKey: string, text: string): RefusalReason | undefined {
    const { limiter } = this.deps;
    if (!limiter.allows(userKey)) return "rate_limited";
    if (text.length <= this.deps.maxInputChars) return undefined;
    limiter.take(userKey);
    return "too_long";
  }

  /**
   * Refused messages never reach the model. Each is stored as refused (a retried delivery of it is a duplicate); a
   * too-long one is answered with a notice, a rate-limited one only if the user was not told within the last minute.
   */
  private async refuse(input: { inbound: InboundMessage; userKey: string; reason: RefusalReason; claim: () => boolean; slow: Slow }): Promise<HandleOutcome> {
    const { inbound, reason } = input;
    const { store } = this.deps;
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
    if (reason === "too_long") await this.deps.notify(conversation, TOO_LONG_NOTICE(this.deps.maxInputChars));
    else if (this.deps.limiter.noticeDue(input.userKey)) await this.deps.notify(conversation, RATE_LIMIT_NOTICE);
    return { status: "rejected", reason, conversationId: conversation.id };
  }
}
