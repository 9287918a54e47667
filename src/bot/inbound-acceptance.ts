// Intake of one message: dedupe, checks (empty, files, rate, length), the first write, and queueing its turn.

import type { Logger } from "pino";
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
import { isStoreBusy, type InboundAccepted, type InboundPlacement, type InboundRequest, type StorePort } from "./store-port.js";
import type { Conversation, RefusalReason } from "./store-records.js";
import type { TurnControl } from "./turn-runner.js";

export const TOO_LONG_NOTICE = (limit: number): string =>
  `Sorry, that message is too long for me (the limit is ${limit.toLocaleString("en-US")} characters). Could you shorten it or split it up?`;
export const RATE_LIMIT_NOTICE = "You're sending questions faster than I can answer them. Please wait a moment and try again.";

const NO_FILES: PreparedAttachments = { accepted: [], refused: [] };

/** The intake request of this message, with what to do once its conversation is known. */
type Claim = (place: InboundRequest["place"]) => InboundRequest;

/** `stored` hears when the first write is done (or could not be done): the platform may be acknowledged then. */
type Slow = { slowAfterMs: number; onSlow: () => void; stored?: (() => void) | undefined };

export interface InboundAcceptanceDeps {
  readonly store: StorePort;
  readonly intake: ReceivedIntake;
  readonly queue: KeyedQueue<number>;
  readonly limiter: RateLimiter;
  readonly pause: IntakePause;
  readonly messages: InboundMessages;
  readonly turns: ConversationTurns;
  readonly logger: Logger;
  readonly maxInputChars: number;
  readonly slowSaveNoticeMs: number;
  /** Without them, the service takes no files: only the text is read. */
  readonly attachmentLimits: AttachmentLimits | undefined;
  /** Aborted at close(): a message accepted then is stored for the next start. */
  readonly shutdown: AbortSignal;
  readonly notify: (conversation: Conversation, text: string) => Promise<void>;
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
    const { store, queue, messages, turns } = this.deps;
    const { receipt, control } = via;
    const request = (place: InboundRequest["place"]): InboundRequest => ({
      thread: inbound,
      event: { platform: inbound.platform, eventId: inbound.eventId },
      ...(receipt === undefined ? {} : { receiptId: receipt.receiptId }),
      place,
    });
    const text = cleanText(inbound.text);
    const slow: Slow = { slowAfterMs: this.deps.slowSaveNoticeMs, onSlow: () => this.tellDirectly(inbound, SAVING_SLOWLY_NOTICE), stored: via.stored };
    const files = (inbound.attachments ?? []).length === 0 ? NO_FILES : await this.prepareFiles(inbound);
    const filesNotice = files.refused.length === 0 ? undefined : refusalNotice(files.refused, this.deps.attachmentLimits!);
    if (text === "" && files.accepted.length === 0) {
      if (filesNotice !== undefined) return this.refuseFiles(inbound, { request, slow, notice: filesNotice });
      if (receipt !== undefined) await this.deps.intake.drop(receipt);
      via.stored?.();
      return { status: "ignored", reason: "empty" };
    }
    const shuttingDown = this.deps.shutdown.aborted;
    const userKey = `${inbound.platform}:${inbound.user.id}`;
    const refusal = shuttingDown ? undefined : this.refusalOf(userKey, text);
    if (refusal !== undefined) return this.refuse({ inbound, userKey, reason: refusal, request, slow });
    // Taken now, before the write is awaited, so messages arriving meanwhile count it; given back if nothing is stored.
    if (!shuttingDown) this.deps.limiter.take(userKey);
    // The downloaded bytes stay out of the inbox's JSON: what waits there is the prepared (downscaled) files.
    const { attachments: _downloaded, ...rest } = inbound;
    const cleaned: InboundMessage = { ...rest, text };
    const prepared = files.accepted;
    // The turn is queued inside the transaction, when its place is decided: the conversation's next message (even one
    // committed in the same group) sees it busy and waits in the inbox behind it. It starts once the commit is done.
    let settle: (accepted: InboundAccepted | undefined) => void = () => undefined;
    const committed = new Promise<InboundAccepted | undefined>((resolve) => (settle = resolve));
    let outcome: Promise<HandleOutcome> | undefined;
    // Decided again at the write: a shutdown begun while it waited keeps the message in the inbox for the next start.
    let stopping = shuttingDown;
    const place = (conversation: Conversation, wait: Parameters<InboundRequest["place"]>[1]): InboundPlacement => {
      const id = conversation.id;
      stopping = this.deps.shutdown.aborted;
      const placement: InboundPlacement =
        stopping || queue.busy(id)
          ? // It waits behind a running turn, or for the next start: the inbox keeps it safe until then, across a crash too.
            { kind: "queued", userId: inbound.user.id, payload: JSON.stringify(prepared.length === 0 ? cleaned : ({ ...cleaned, queuedAttachments: prepared.map(toQueued) } satisfies QueuedInbound)) }
          : messages.placement(cleaned, prepared, wait);
      if (!stopping) {
        outcome = queue.run(id, async (): Promise<HandleOutcome> => {
          const accepted = await committed;
          if (accepted === undefined) return { status: "duplicate" };
          if (accepted.placement === "queued") return turns.process(id, accepted.inboxId!, cleaned, prepared, control);
          if (placement.kind === "message" && !placement.opensTurn) return turns.checkHeld(id, accepted.message!, cleaned);
          return turns.run(id, accepted.message!, control);
        });
      }
      return placement;
    };
    // A failure to save releases the queued task at once (it then does nothing), so the conversation never stalls.
    const accepted = await this.saving(inbound, () => store.acceptInbound(request(place), slow), slow).catch((error: unknown) => {
      settle(undefined);
      throw error;
    });
    if (accepted === "not_saved" || accepted === undefined) {
      settle(undefined);
      if (!shuttingDown) this.deps.limiter.giveBack(userKey);
      return accepted === "not_saved" ? { status: "failed", conversationId: 0, errorCode: "database_busy" } : { status: "duplicate" };
    }
    const id = accepted.conversation.id;
    // Told before the answer: some files were not used (the rest, and the text, are answered).
    if (filesNotice !== undefined) void this.deps.notify(accepted.conversation, filesNotice).catch((error: unknown) => this.deps.logger.warn({ err: error }, "could not queue the attachments notice"));
    if (stopping) return { status: "failed", conversationId: id, errorCode: "aborted" };
    settle(accepted);
    return outcome!;
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
  private async refuseFiles(inbound: InboundMessage, input: { request: Claim; slow: Slow; notice: string }): Promise<HandleOutcome> {
    const accepted = await this.saving(inbound, () => this.deps.store.acceptInbound(input.request(() => ({ kind: "claimed" })), input.slow), input.slow);
    if (accepted === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    if (accepted === undefined) return { status: "duplicate" };
    await this.deps.notify(accepted.conversation, input.notice);
    return { status: "ignored", reason: "empty" };
  }

  /** The first write of a message; a message that cannot be saved at all is never dropped silently. */
  private async saving<T>(inbound: InboundMessage, write: () => Promise<T>, slow: Slow): Promise<T | "not_saved"> {
    try {
      return await write();
    } catch (error) {
      if (!isStoreBusy(error)) throw error;
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
  private async refuse(input: { inbound: InboundMessage; userKey: string; reason: RefusalReason; request: Claim; slow: Slow }): Promise<HandleOutcome> {
    const { inbound, reason } = input;
    const accepted = await this.saving(inbound, () => this.deps.store.acceptInbound(input.request(() => ({ kind: "refused", reason })), input.slow), input.slow);
    if (accepted === "not_saved") return { status: "failed", conversationId: 0, errorCode: "database_busy" };
    if (accepted === undefined) return { status: "duplicate" };
    const { conversation } = accepted;
    if (reason === "too_long") await this.deps.notify(conversation, TOO_LONG_NOTICE(this.deps.maxInputChars));
    else if (this.deps.limiter.noticeDue(input.userKey)) await this.deps.notify(conversation, RATE_LIMIT_NOTICE);
    return { status: "rejected", reason, conversationId: conversation.id };
  }
}
