// The one envelope an adapter hands the service per inbound event: `accept({ inbound, opensConversation?, observer? })`.

import type { InboundAttachment } from "./attachments/types.js";
import type { AgentPresentation, HandleOutcome, ThreadRef } from "./ports.js";
import type { TurnObserver } from "./turn-runner.js";

/** What an adapter parsed from one platform event. Everything but `lookups` is plain data, stored as it arrived. */
export interface Inbound {
  readonly platform: string;
  /** Discord guild id, Slack team id, "local" for the console. */
  readonly workspace: string;
  /** The platform's id of the event: a second event with the same id is a duplicate (retries, replays). */
  readonly eventId: string;
  /** `name` may be provisional: `lookups.userName` replaces it after the event is stored. */
  readonly user: { readonly id: string; readonly name: string };
  readonly text: string;
  /** The platform's id of the student's message, when there is one. */
  readonly platformMessageId?: string;
  /** The thread, when it exists on arrival; absent, `opensConversation` makes (or finds) it. */
  readonly thread?: ThreadRef;
  /**
   * Answered only in a thread that is already a conversation (a reply in some channel's thread): otherwise the service
   * ignores the event (`not_a_conversation`) without storing it.
   */
  readonly onlyInConversation?: boolean;
  /** Files already downloaded (the console, tests). Held in memory only: an adapter that must survive a crash uses `lookups.attachments`. */
  readonly attachments?: readonly InboundAttachment[];
  /** The adapter's own JSON, stored with the event and handed back to its `revive` after a restart. */
  readonly detail?: unknown;
  /** Network steps the service runs after the event is stored (never before), again after a restart through `revive`. */
  readonly lookups?: InboundLookups;
}

export interface InboundLookups {
  /** The student's display name (e.g. Slack's users.info). */
  readonly userName?: () => Promise<string>;
  /** Downloads the files the event refers to (links kept in `detail`). */
  readonly attachments?: () => Promise<readonly InboundAttachment[]>;
  /** Whether the sender moderates the thread: asked only in a thread waiting for a person (the message is the human's turn). */
  readonly isModerator?: (thread: ThreadRef) => Promise<boolean>;
}

/** What `opensConversation` may record between its own network steps (e.g. "the question is posted, as message X"). */
export interface OpeningProgress {
  /** What an earlier attempt (before a restart) recorded, or undefined the first time. */
  readonly recorded: unknown;
  /** Stores `progress` with the event before the step continues: a restart resumes from it instead of redoing it. */
  record(progress: unknown): Promise<void>;
}

/**
 * The network step that creates the thread (Discord `/ask`'s thread, Slack `/homework`'s root message), called after
 * the event is stored and at most once to completion: its result is stored, so a restart does not redo it. Resolves
 * to the thread, or undefined when it cannot be made (the adapter has told the student): the event is then dropped.
 */
export type OpensConversation = (progress: OpeningProgress) => Promise<OpenedThread | undefined>;

/** The thread opensConversation made, and the message it opened on when that is the student's question (Slack's root). */
export interface OpenedThread extends ThreadRef {
  readonly questionMessageId?: string;
}

/** Why an accepted event got no turn, beyond the service's own reasons. */
export type AcceptOutcome =
  | HandleOutcome
  | { readonly status: "ignored"; readonly reason: "not_a_conversation" | "no_thread" | "unreadable" };

/** What the adapter wants to hear about its event. Every callback is optional; none may throw. */
export interface InboundObserver {
  /** The event is stored (or found a duplicate, or could not be stored): the platform may be acknowledged now. */
  readonly stored?: () => void;
  /** The agents start working in `thread` (show "typing…"/"is thinking…"); `busyEnd` follows, also on failure. */
  readonly busyStart?: (thread: ThreadRef) => void;
  readonly busyEnd?: (thread: ThreadRef) => Promise<void> | void;
  /**
   * `agent` is about to write in `thread` and none of its words have arrived: the turn's first agent, then each agent
   * a handoff passes the turn to. Slack shows "is thinking…" under its name; Discord's typing has no name, so it
   * ignores this. Comes while busy (on the one-step path it may come just before busyStart: ignored then).
   */
  readonly working?: (thread: ThreadRef, agent: AgentPresentation) => void;
  /** How to reach the student before a thread exists, when the database is locked so long the event cannot be saved in time. */
  readonly tellStudent?: (text: string) => Promise<unknown>;
  /** The turn as it happens (text deltas, handoffs), e.g. a console that streams. */
  readonly turn?: TurnObserver;
  /** The event's end: completed, held, rejected, duplicate, ignored, failed; with its thread, when one is known. */
  readonly outcome?: (outcome: AcceptOutcome, thread: ThreadRef | undefined) => void;
}

/** One inbound event and what comes with it. */
export interface InboundEnvelope {
  readonly inbound: Inbound;
  readonly opensConversation?: OpensConversation;
  readonly observer?: InboundObserver;
  /** Stops the turn (the outcome is then failed with the code "cancelled"), e.g. Ctrl-C in the console. */
  readonly cancel?: AbortSignal;
}

/** An event as the service stored it: the inbound's data, and what was learnt while finishing it. */
export interface StoredInbound {
  readonly inbound: Omit<Inbound, "lookups" | "attachments">;
  /** The thread `opensConversation` made, once it has. */
  readonly thread?: OpenedThread;
  /** What `opensConversation` recorded so far. */
  readonly opening?: unknown;
}

/**
 * How a platform's adapter finishes an event stored before a restart (a field of the PlatformPort it registers): the
 * envelope rebuilt from what was stored, without the live interaction; undefined drops the event.
 */
export type ReviveInbound = (stored: StoredInbound) => InboundEnvelope | undefined;

/**
 * Reads a received event an earlier version stored in the adapter's own format (before the envelope) as an envelope's
 * stored form, so an upgrade right after a crash finishes it too; undefined drops it.
 */
export type ReviveOlderReceived = (row: { readonly eventId: string; readonly payload: unknown }) => StoredInbound | undefined;
