// The store the bot needs, owned by the bot: asynchronous repositories behind one transaction(), plus intake in one call.
// SQLite implements it today (src/store/sqlite-store-port.ts); test/store/store.case.ts is the contract of any implementation.

import type { ThreadRef } from "./ports.js";
import type {
  AgentUsageTotal,
  AttachmentDraft,
  Conversation,
  EarlierStream,
  FlagRow,
  HandoffDraft,
  HistoryMessage,
  WindowMessage,
  HistoryMessageDraft,
  InboxEntry,
  KeptAttachment,
  ListFlagsOptions,
  ModeratorWait,
  NewFlag,
  OutboxEntry,
  ReceivedEntry,
  RefusalReason,
  ReplyDraft,
  StudentMessageDraft,
  TeacherAlertDue,
  TurnAnswer,
  TurnState,
  UsageDelta,
  UsageTotal,
  WithheldReply,
} from "./store-records.js";
import type { AttachmentInfo, ConversationSummaryRow, ListConversationsOptions, StoredTranscript } from "./transcript-records.js";

export interface ConversationRepository {
  find(key: ThreadRef): Promise<Conversation | undefined>;
  get(id: number): Promise<Conversation | undefined>;
  getOrCreate(key: ThreadRef): Promise<Conversation>;
  setActiveAgent(conversationId: number, agent: string | null): Promise<void>;
}

export interface MessageRepository {
  /** The student's message, committed before any model call; it opens a turn in status 'pending'. */
  appendStudent(conversationId: number, message: StudentMessageDraft): Promise<HistoryMessage>;
  /** Messages that open no turn (assistant, tool, a message held for a teacher), in order. */
  append(conversationId: number, messages: readonly HistoryMessageDraft[]): Promise<HistoryMessage[]>;
  /** One agent step: its message, the reply to post (outbox) and the handoff it made, if any. */
  appendAgentReply(
    conversationId: number,
    step: { readonly message: HistoryMessageDraft; readonly reply?: ReplyDraft; readonly handoff?: HandoffDraft },
  ): Promise<{ message: HistoryMessage; outboxId?: number; handoffId?: number }>;
  /** The newest messages, oldest first, at most `maxMessages` and within `maxTokens` (the newest always). */
  window(conversationId: number, options: { readonly maxMessages: number; readonly maxTokens: number }): Promise<WindowMessage[]>;
}

export interface TurnRepository {
  /** Counts one more attempt at a turn (before running it), so recovery can give up on a turn that keeps crashing. */
  startAttempt(userMessageId: number): Promise<number>;
  /** Closes a turn; a no-op when the message is gone (forgotten while its turn ran). */
  complete(userMessageId: number, status: "completed" | "failed", errorCode?: string): Promise<void>;
  /** Undefined when the message is gone. */
  status(userMessageId: number): Promise<TurnState | undefined>;
  /** Turns never finished (the process died), oldest first, with their conversation. */
  pending(): Promise<Array<{ message: HistoryMessage; conversation: Conversation }>>;
}

export interface OutboxRepository {
  /** A reply that is no agent's message (rate limit, error notice): posted through the outbox like any other. */
  enqueueNotice(conversationId: number, notice: { readonly agentName: string; readonly text: string }): Promise<number>;
  pending(platform?: string): Promise<OutboxEntry[]>;
  /** The row's text now: a safety check may have rewritten it (a withheld answer) since it was queued. */
  text(outboxId: number): Promise<string | undefined>;
  /** True if this call marked it; false if it was sent (or failed for good) already: never post it again then. */
  markSent(outboxId: number, platformMessageId: string): Promise<boolean>;
  /** Counts a failed delivery; the row stays pending until `maxAttempts` failures, then becomes 'failed'. */
  markFailed(outboxId: number, error: string, options: { readonly maxAttempts: number }): Promise<void>;
}

/** The pieces of replies streamed onto a platform, recorded at each post so a restart finishes the same messages. */
export interface ReplyStreamRepository {
  /** The first piece is up: returns the stream's id. `outboxId` when the step was committed before the post returned. */
  record(stream: { conversationId: number; turnMessageId: number; agentName: string; pieces: readonly string[]; outboxId?: number }): Promise<number>;
  update(streamId: number, pieces: readonly string[], outboxId?: number): Promise<void>;
  /** In the step's commit: the stream is this outbox row's reply. */
  link(streamId: number, outboxId: number, firstPiece: string | undefined): Promise<void>;
  /** Streams of an earlier attempt at `turnMessageId` never linked to a reply. */
  earlier(turnMessageId: number): Promise<EarlierStream[]>;
  /** The posted pieces of a streamed reply. */
  piecesOf(outboxId: number): Promise<readonly string[] | undefined>;
}

/** Inbound events: dedupe records, events received before their adapter's network work, messages waiting their turn. */
export interface IntakeRepository {
  /** True the first time this platform event is seen; false for a retry or replay. */
  recordEvent(platform: string, eventId: string): Promise<boolean>;
  /** Persists an event on arrival (dedupe in the same write); undefined when it was seen before. */
  receive(event: { platform: string; eventId: string; workspace: string; userId: string; payload: unknown }): Promise<number | undefined>;
  updateReceived(receiptId: number, payload: unknown): Promise<boolean>;
  dropReceived(receiptId: number): Promise<boolean>;
  /** Received events not finished, in arrival order. */
  received(): Promise<ReceivedEntry[]>;
  /** Takes a message out of the inbox (to store it); false when it is gone (forgotten, or taken already). */
  takeQueued(inboxId: number): Promise<boolean>;
  /** Messages waiting in the inbox, in arrival order. */
  queued(): Promise<InboxEntry[]>;
}

export interface AttachmentRepository {
  add(attachment: AttachmentDraft): Promise<void>;
  /** The files of these messages, bytes included, in the order they were added. */
  withData(messageIds: readonly number[]): Promise<KeptAttachment[]>;
  /** A conversation's files without their bytes, in the order they were added (what a transcript lists). */
  ofConversation(conversationId: number): Promise<AttachmentInfo[]>;
}

/** What moderators read of conversations (each caller confines it to its scope). */
export interface TranscriptRepository {
  /** One conversation's messages and handoffs, oldest first; undefined when there is no such conversation. */
  of(conversationId: number): Promise<StoredTranscript | undefined>;
  /** Conversations by the student's last activity, newest first; without `workspace`, every workspace's. Default limit 25. */
  list(filter: ListConversationsOptions): Promise<ConversationSummaryRow[]>;
}

/** Whether a conversation waits for a moderator (an agent handed it to a human participant). */
export interface WaitRepository {
  of(conversationId: number): Promise<ModeratorWait | undefined>;
  /** Marks it waiting, its moderators' alert pending (about `messageId`, the student's message that led to it). */
  mark(conversationId: number, wait: ModeratorWait, messageId?: number): Promise<void>;
  settleAlert(conversationId: number, outcome: "sent" | "failed"): Promise<void>;
  alertsDue(): Promise<TeacherAlertDue[]>;
  /** False when it was not waiting (handed back already). */
  clear(conversationId: number): Promise<boolean>;
  /** A student's message held for a teacher owes the safety step until settled: a crash leaves it for recovery. */
  markHeldCheck(messageId: number): Promise<void>;
  heldCheckPending(messageId: number): Promise<boolean>;
  /** False when it was not owed (settled already, or gone). */
  settleHeldCheck(messageId: number): Promise<boolean>;
  /** Held messages whose check a crash cut off, oldest first. */
  heldChecksDue(): Promise<HistoryMessage[]>;
}

/** Deleting data: one user's on request, conversations past retention, old dedupe records. */
export interface RetentionRepository {
  /** A user's messages (conversations left without any user message go too), waiting inbox rows and received events. */
  forgetUser(platform: string, userId: string, workspace?: string): Promise<number>;
  /** Conversations last active before `cutoffMs` (unix ms), with everything in them; returns how many. */
  purgeIdle(cutoffMs: number): Promise<number>;
  /** Dedupe records received before `cutoffMs`; returns how many. */
  pruneEvents(cutoffMs: number): Promise<number>;
}

/** Daily token usage per student, workspace and model: what the usage caps count and /usage reports. */
export interface UsageRepository {
  /** Adds to the day's row (nothing when both counts are 0). */
  add(delta: UsageDelta): Promise<void>;
  /** Per model, between two UTC days (YYYY-MM-DD) inclusive; with `userId`, one student's only. */
  totals(filter: { platform: string; workspace: string; userId?: string; fromDay: string; toDay: string }): Promise<UsageTotal[]>;
  /** Per agent, from the tokens stored on the agents' messages between two times (unix ms, end exclusive), most first. */
  agentTotals(filter: { platform: string; workspace: string; from: number; to: number }): Promise<AgentUsageTotal[]>;
  /** A student's usage rows; returns how many. */
  forgetUser(platform: string, userId: string, workspace?: string): Promise<number>;
}

/** What moderation found (the safety step's flags). */
export interface FlagRepository {
  /** Returns the new flag's id. */
  record(flag: NewFlag): Promise<number>;
  get(id: number): Promise<FlagRow | undefined>;
  /**
   * A blocked student message leaves the history (so no agent reads it, now or later; its turn goes with it) and its
   * text moves into the flag, in one write. Returns the flag's id.
   */
  block(userMessageId: number, flag: Omit<NewFlag, "messageId" | "action">): Promise<number>;
  /** A conversation's flags, oldest first, outage marks ('unchecked') included. */
  ofConversation(conversationId: number): Promise<FlagRow[]>;
  /** A workspace's flags, newest first, without outage marks; only those still to review unless `includeReviewed`. Default limit 10. */
  list(filter: ListFlagsOptions): Promise<FlagRow[]>;
  /** True if this call marked it; false if it was reviewed already (or is gone). */
  markReviewed(id: number, reviewer: string): Promise<boolean>;
  /** The answers agents gave after the student's message `afterSeq`, each with its outbox row. */
  answersAfter(conversationId: number, afterSeq: number): Promise<TurnAnswer[]>;
  /** A student's flags; returns how many. */
  forgetUser(platform: string, userId: string, workspace?: string): Promise<number>;
  /** A flagged answer is withheld: its outbox row's text becomes `notice`, and its edit on the platform is owed. */
  withhold(flag: Omit<NewFlag, "action"> & { readonly messageId: number }, reply: { readonly outboxId: number; readonly notice: string }): Promise<number>;
}

/** The safety step's alerts to moderators, decided with their flag (claimed there) and posted in the background. */
export interface SafetyAlertRepository {
  /**
   * Decides whether flag `flagId` is alerted: urgent always; otherwise only when one of its categories had no alert in
   * this conversation within `windowMs`. True: its alert is now pending (post it, then settle); false for one decided already.
   */
  claim(flagId: number, claim: { conversationId: number; categories: readonly string[]; urgent: boolean; windowMs: number }): Promise<boolean>;
  /** Flags whose alert was decided but neither posted nor given up on, oldest first. */
  pending(): Promise<FlagRow[]>;
  settle(flagId: number, outcome: "sent" | "failed"): Promise<void>;
}

/** Withheld answers whose edit to the notice on the platform is owed (the answer may still show there). */
export interface WithheldRepository {
  /** Owed edits, oldest first. */
  pending(): Promise<WithheldReply[]>;
  /** Undefined when it is not owed (settled already, or not a withheld answer's flag). */
  of(flagId: number): Promise<WithheldReply | undefined>;
  /** False when it was not owed. */
  settle(flagId: number, outcome: "done" | "failed"): Promise<boolean>;
  /** Counts a failed edit (across restarts). */
  countFailure(flagId: number): Promise<void>;
}

/** Every repository; inside transaction() the same operations belong to that transaction. */
export interface StoreRepositories {
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  readonly turns: TurnRepository;
  readonly outbox: OutboxRepository;
  readonly streams: ReplyStreamRepository;
  readonly intake: IntakeRepository;
  readonly attachments: AttachmentRepository;
  readonly transcripts: TranscriptRepository;
  readonly waits: WaitRepository;
  readonly retention: RetentionRepository;
  readonly usage: UsageRepository;
  readonly flags: FlagRepository;
  readonly safetyAlerts: SafetyAlertRepository;
  readonly withheld: WithheldRepository;
}

export type StoreTransaction = StoreRepositories;

export interface TransactionOptions {
  /** Called once if the commit still waits after `slowAfterMs` (a database locked by another process). */
  readonly onSlow?: () => void;
  readonly slowAfterMs?: number;
  /** Commit within this tick rather than the next (a posted reply's sent-mark: the later, the likelier a repost). */
  readonly soon?: boolean;
}

/** What becomes of an accepted message, decided inside acceptInbound's transaction. */
export type InboundPlacement =
  /**
   * Stored now: `opensTurn` for a student's turn (its attempt counted), false for one held while a teacher is asked
   * (`owesCheck`: a student's, which owes the safety step).
   */
  | {
      readonly kind: "message";
      readonly message: HistoryMessageDraft;
      readonly opensTurn: boolean;
      readonly owesCheck?: boolean;
      readonly files: ReadonlyArray<Omit<AttachmentDraft, "messageId">>;
    }
  /** Waits in the inbox behind a running turn (or for the next start). */
  | { readonly kind: "queued"; readonly userId: string; readonly payload: string }
  /** Refused before the model: recorded as refused, with why and without its text. */
  | { readonly kind: "refused"; readonly reason: RefusalReason }
  /** Only claimed (a retry is a duplicate); nothing to store. */
  | { readonly kind: "claimed" };

export interface InboundRequest {
  readonly thread: ThreadRef;
  readonly event: { readonly platform: string; readonly eventId: string };
  /** The event was persisted when received: removing this receipt takes the place of the dedupe record. */
  readonly receiptId?: number;
  /**
   * Called inside the transaction once the conversation (and whether it waits for a moderator) is known. Synchronous:
   * no other write runs between it and the commit, so what it decides (e.g. queueing the turn) holds.
   */
  readonly place: (conversation: Conversation, wait: ModeratorWait | undefined) => InboundPlacement;
}

export interface InboundAccepted {
  readonly conversation: Conversation;
  readonly placement: InboundPlacement["kind"];
  /** With placement "message". */
  readonly message?: HistoryMessage;
  /** With placement "queued". */
  readonly inboxId?: number;
}

export interface StorePort extends StoreRepositories {
  /**
   * Runs `work` atomically: everything it writes through `tx` commits together or, if it throws, not at all. No
   * other write interleaves with it, and the promise settles only after the commit (so nothing acknowledged can be
   * lost). `work` must use only `tx` and must not wait on anything but it (no network), since writes wait for it.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Intake of one message in one transaction: dedupe (event id or receipt), the conversation, then what `place`
   * decides (the message, its files and turn; or the inbox; or a refusal). Undefined for a duplicate.
   */
  acceptInbound(request: InboundRequest, options?: TransactionOptions): Promise<InboundAccepted | undefined>;
  /** Resolves when every transaction asked for so far has settled (before the database is closed). */
  idle(): Promise<void>;
}

/** An implementation gave up waiting for a database another process kept locked: it rejects with this `reason`. */
export const STORE_BUSY = "database_busy";

export function isStoreBusy(error: unknown): boolean {
  return error instanceof Error && (error as Error & { reason?: unknown }).reason === STORE_BUSY;
}
