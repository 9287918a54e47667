// The ports of the ConversationService: what a platform adapter hands in, and what it must offer back.

import type { AttachmentLimits, InboundAttachment } from "./attachments/types.js";
import type { AcceptOutcome, InboundEnvelope, ReviveInbound, ReviveOlderReceived } from "./inbound-envelope.js";
import type { SafetyAlert } from "./safety-alerts.js";
import type { HandbackResult, TeacherRequestAlert } from "./teacher-handoff.js";

/** Where a conversation lives on its platform: one thread is one conversation. */
export interface ThreadRef {
  /** "console" | "discord" | "slack" */
  readonly platform: string;
  /** Discord guild id, Slack team id, "local" for the console. */
  readonly workspace: string;
  readonly channel: string;
  readonly thread: string;
}

/** One message from a student, as an adapter parsed it from its platform's event. */
export interface InboundMessage extends ThreadRef {
  /** The platform's id of this event or message; used to drop duplicates and retries. */
  readonly eventId: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly text: string;
  /** The platform's id of the student's message, when there is one. */
  readonly platformMessageId?: string;
  /** Files the student sent with it, downloaded by the adapter (intake checks, normalises and stores them). */
  readonly attachments?: readonly InboundAttachment[];
  /**
   * The adapter checked that the sender moderates this thread (Discord: Manage Messages in its parent; Slack: the
   * moderator rule). Only asked for in a thread waiting for a moderator: the message is then the human's turn.
   */
  readonly fromModerator?: boolean;
}

/** How an agent shows itself on a platform. */
export interface AgentPresentation {
  readonly name: string;
  readonly displayName: string;
  readonly emoji?: string;
  readonly avatarUrl?: string;
}

/** One reply to post in a thread, exactly once. */
export interface OutboundReply extends ThreadRef {
  /** The outbox row id: stable across restarts, usable as an idempotency key. */
  readonly replyId: number;
  readonly conversationId: number;
  /** The agent that wrote it; system notices (rate limit, errors) come from the start agent's presentation. */
  readonly agent: AgentPresentation;
  readonly text: string;
  readonly kind: "agent" | "notice";
  /**
   * True when an earlier process may already have posted this reply (it died between the post and marking it
   * sent): the adapter looks for it on the platform first and posts only what is missing.
   */
  readonly maybePosted?: boolean;
}

/** A reply already on the platform, to be replaced (a withheld answer). */
export interface PostedReply extends ThreadRef {
  readonly replyId: number;
  readonly conversationId: number;
  /** The first (or only) message the reply was posted as; the adapter finds the later pieces of a split one itself. */
  readonly platformMessageId: string;
  readonly agent: AgentPresentation;
  /** The text that was posted (the adapter splits it again to know its pieces). */
  readonly text: string;
}

/** Where a streamed reply goes and under whose name: opened on the agent's first words, before its text is known. */
export interface StreamTarget extends ThreadRef {
  readonly conversationId: number;
  readonly agent: AgentPresentation;
  /** The student whose question this answers (Slack streams outside DMs need the recipient). */
  readonly recipientUserId?: string;
}

/**
 * One reply growing on the platform as the model writes it (src/bot/reply-streaming.ts drives it):
 * `append(text)` any number of times, then `finish(finalText)` once the model's text is committed.
 */
export interface ReplyStream {
  /** More of the model's text (a delta). Never waits on the platform: edits are paced and sent in the background. */
  append(text: string): void;
  /**
   * The text appended so far is void (the model's step is asked again after its stream broke): the next appends start
   * the text afresh, shown on the same messages (edited, extra pieces removed), and `finish` still ends it exactly.
   */
  restart(): void;
  /**
   * Ends the stream with the model's exact final text (trimmed, as stored): the pieces on the platform read exactly
   * that (split as a whole reply would be). Resolves to the pieces' message ids; may be called again after a failure.
   * `replyId` is the committed reply's outbox id, unknown when the first piece was posted (Slack puts it in every
   * piece's metadata).
   */
  finish(finalText: string, replyId?: number): Promise<readonly string[]>;
  /** The turn failed before this reply was committed: stop editing (the pieces posted so far are removed when it can). */
  abandon(): Promise<void>;
}

/** What a stream reports as it goes, so the outbox can find its messages again after a crash. */
export interface StreamListener {
  /** The ids of the pieces posted so far, in order; called after every new piece (the first one right after the first post). */
  onPieces(platformMessageIds: readonly string[]): void;
}

/** What a platform adapter offers to the service. */
export interface PlatformPort {
  readonly platform: string;
  /**
   * How this adapter finishes an inbound envelope stored before a restart (e.g. killed while the thread was being
   * made): the envelope rebuilt from the stored event, without the live interaction. Absent: nothing to finish.
   */
  readonly revive?: ReviveInbound;
  /** Reads the events an earlier version stored in this adapter's own format (see ReviveOlderReceived). */
  readonly reviveOlder?: ReviveOlderReceived;
  /** Post the reply in its thread; resolve to the platform's message id (the first one, if it was split). */
  deliver(reply: OutboundReply): Promise<string>;
  /**
   * Opens a reply that grows as the model writes (`open(agent) → append… → finish`). Absent: the platform cannot
   * stream, and each reply is delivered whole by `deliver` (its `finish`).
   */
  openStream?(target: StreamTarget, listener: StreamListener): ReplyStream;
  /**
   * Finishes a streamed reply an earlier process left unfinished (a crash mid-stream): the same messages are brought
   * to `reply.text` (edited, the stream stopped with it), never posted again. Resolves to the first piece's id.
   */
  resume?(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string>;
  /** Replace a posted reply's text in place (edit; every piece of a split reply). Without it, a withheld answer stays up. */
  replaceReply?(reply: PostedReply, text: string): Promise<void>;
  /**
   * Post a safety alert in the moderators' channel (throwing a DeliveryError, like deliver, when it fails). Absent when
   * the platform has no alert channel configured.
   */
  readonly postAlert?: (alert: SafetyAlert) => Promise<void>;
  /** Tell the moderators, in the same alert channel, that a thread was handed to a person. Absent without one. */
  readonly postTeacherRequest?: (alert: TeacherRequestAlert) => Promise<void>;
}

export type HandleOutcome =
  | { readonly status: "completed"; readonly conversationId: number; readonly replies: number }
  | { readonly status: "duplicate" }
  /** Stored without a turn: the thread waits for a moderator (an agent handed it to a person). */
  | { readonly status: "held"; readonly conversationId: number }
  | { readonly status: "ignored"; readonly reason: "empty" }
  | {
      readonly status: "rejected";
      /** blocked: the safety policy stopped it (the student got the caring reply); usage_cap: over today's tokens. */
      readonly reason: "too_long" | "rate_limited" | "blocked" | "usage_cap";
      readonly conversationId: number;
    }
  | { readonly status: "failed"; readonly conversationId: number; readonly errorCode: string };

/** What platform adapters call on the ConversationService (src/bot/conversation-service.ts implements it). */
export interface ConversationGateway {
  /** Register the adapter that delivers this platform's replies (and pending ones from before a restart). */
  registerPort(port: PlatformPort): void;
  /**
   * Takes one inbound event (src/bot/inbound-envelope.ts): stored before any network wait, the adapter's network steps
   * run after it, answered once. Resolves with how it ended; the observer hears it as it goes.
   */
  accept(envelope: InboundEnvelope): Promise<AcceptOutcome>;
  /** The presentation of every agent of the roster, by agent name. */
  agents(): ReadonlyMap<string, AgentPresentation>;
  /** What students may attach (the adapter checks sizes before downloading); absent: attachments are not read. */
  attachmentLimits?(): AttachmentLimits | undefined;
  /** The human participant a thread waits for (an agent handed it to a person), or undefined when the agents answer. */
  waitingFor?(ref: ThreadRef): Promise<string | undefined>;
  /** A moderator hands a waiting thread back to the agents (the caller checked the moderator's rights). */
  handBack?(ref: ThreadRef): Promise<HandbackResult>;
}
