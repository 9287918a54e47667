// The durable conversation store: conversations, messages, turns, handoffs, the reply outbox and event dedupe.

import BetterSqlite3 from "better-sqlite3";
import type { Database, Statement, Transaction } from "better-sqlite3";
import { StoreError } from "./errors.js";
import { fitWindow } from "./history-window.js";
import { MessageWriter } from "./message-writer.js";
import { ModerationQueries } from "./moderation-queries.js";
import { OutboxQueries } from "./outbox-queries.js";
import { WaitingQueries } from "./waiting-queries.js";
import { ReplyStreamStore } from "./reply-streams.js";
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  WINDOW_COLUMNS,
  toConversationRow,
  toHandoffRow,
  toStoredMessage,
  toWindowMessage,
} from "./row-mapping.js";
import type { ConversationRecord, HandoffRecord, MessageTuple, WindowTuple } from "./row-mapping.js";
import { HistoryWindows } from "./history-windows.js";
import type { RefusalReason, WindowMessage } from "../bot/store-records.js";
import type {
  ConversationRow,
  ConversationStoreOptions,
  ConversationSummaryRow,
  ListConversationsOptions,
  NewHandoff,
  NewMessage,
  NewReply,
  NewUserMessage,
  OutboxRow,
  StoredMessage,
  ThreadKey,
  StoredTranscript,
  TurnStatus,
  WindowOptions,
} from "./types.js";
import { immediateTransaction } from "./transactions.js";

type Key = [string, string, string, string];

/** Why a message was refused before it reached the model (the bot's port defines it). */
export type { RefusalReason } from "../bot/store-records.js";

/**
 * Every statement is prepared once, here: the hot path (a turn) only binds and steps. Multi-statement writes run in
 * BEGIN IMMEDIATE transactions, so a second process on the same file waits (busy_timeout) instead of failing mid-way.
 */
export class ConversationStore {
  private readonly now: () => number;
  private readonly outbox: OutboxQueries;
  /** The pieces of streamed replies (0005_reply_streams), written and read in this store's transactions. */
  readonly streams: ReplyStreamStore;
  private readonly moderation: ModerationQueries;
  private readonly writer: MessageWriter;
  /** Whether a conversation waits for a moderator (an agent handed it to a human participant). */
  readonly waiting: WaitingQueries;
  private readonly insertEvent: Statement<[string, string, number]>;
  private updateRefusal: Statement<[RefusalReason, string, string]> | undefined;
  private readonly selectByKey: Statement<Key, ConversationRecord>;
  private readonly selectById: Statement<[number], ConversationRecord>;
  private readonly insertConversation: Statement<[...Key, number, number]>;
  private readonly updateActiveAgent: Statement<[string | null, number]>;
  private readonly insertHandoff: Statement<[number, number | null, string, string, string, number]>;
  private readonly updateTurnStatus: Statement<[TurnStatus, string | null, number]>;
  private readonly incrementAttempts: Statement<[number], number>;
  private readonly selectTurnStatus: Statement<[number], TurnStatus | null>;
  private readonly selectPendingTurns: Statement<[], MessageTuple>;
  private readonly selectWindow: Statement<[number, number, number], WindowTuple>;
  private readonly windows: HistoryWindows;
  private readonly selectAllMessages: Statement<[number], MessageTuple>;
  private readonly selectHandoffs: Statement<[number], HandoffRecord>;
  private readonly deleteConversationsBefore: Statement<[number]>;
  private readonly deleteEventsBefore: Statement<[number]>;
  private readonly appendOne: Transaction<(conversationId: number, message: NewMessage, turn: boolean) => StoredMessage>;
  private readonly appendMany: Transaction<(conversationId: number, messages: readonly NewMessage[]) => StoredMessage[]>;

  constructor(
    private readonly db: Database,
    options: ConversationStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.outbox = new OutboxQueries(db, this.now);
    this.streams = new ReplyStreamStore(db, this.now);
    this.moderation = new ModerationQueries(db);
    this.writer = new MessageWriter(db, this.now);
    this.waiting = new WaitingQueries(db);
    this.insertEvent = db.prepare("INSERT OR IGNORE INTO inbound_events (platform, event_id, received_at) VALUES (?, ?, ?)");
    const byKey = "platform = ? AND workspace = ? AND channel = ? AND thread = ?";
    this.selectByKey = db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE ${byKey}`);
    this.selectById = db.prepare(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = ?`);
    this.insertConversation = db.prepare(
      "INSERT OR IGNORE INTO conversations (platform, workspace, channel, thread, created_at, updated_at) " +
        "VALUES (?, ?, ?, ?, ?, ?)",
    );
    // Changing agents is not the student's activity: updated_at stays (see MessageWriter).
    this.updateActiveAgent = db.prepare("UPDATE conversations SET active_agent = ? WHERE id = ?");
    this.insertHandoff = db.prepare(
      "INSERT INTO handoffs (conversation_id, message_id, from_agent, to_agent, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.updateTurnStatus = db.prepare(
      "UPDATE messages SET turn_status = ?, error_code = ? WHERE id = ? AND turn_status IS NOT NULL",
    );
    this.selectTurnStatus = db.prepare<[number], TurnStatus | null>("SELECT turn_status FROM messages WHERE id = ?").pluck();
    this.incrementAttempts = db
      .prepare<[number], number>(
        "UPDATE messages SET turn_attempts = turn_attempts + 1 WHERE id = ? AND turn_status IS NOT NULL RETURNING turn_attempts",
      )
      .pluck();
    this.selectPendingTurns = db
      .prepare<[], MessageTuple>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE turn_status = 'pending' ORDER BY id`)
      .raw();
    this.selectWindow = db
      .prepare<[number, number, number], WindowTuple>(
        `SELECT ${WINDOW_COLUMNS} FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      )
      .raw();
    this.windows = new HistoryWindows(db);
    this.selectAllMessages = db
      .prepare<[number], MessageTuple>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY seq`)
      .raw();
    this.selectHandoffs = db.prepare(
      "SELECT id, conversation_id, message_id, from_agent, to_agent, reason, created_at FROM handoffs " +
        "WHERE conversation_id = ? ORDER BY id",
    );
    this.deleteConversationsBefore = db.prepare("DELETE FROM conversations WHERE updated_at < ?");
    this.deleteEventsBefore = db.prepare("DELETE FROM inbound_events WHERE received_at < ?");
    this.appendOne = db.transaction((conversationId: number, message: NewMessage, turn: boolean) =>
      this.writer.append(conversationId, message, turn),
    );
    this.appendMany = db.transaction((conversationId: number, messages: readonly NewMessage[]) =>
      messages.map((message) => this.writer.append(conversationId, message, false)),
    );
  }

  /** True the first time this platform event is seen; false for a retry or replay. */
  recordInboundEvent(platform: string, eventId: string): boolean {
    return this.insertEvent.run(platform, eventId, this.now()).changes === 1;
  }

  /** Marks a recorded event as refused before the model saw it: stored with why, not with its text. */
  markEventRefused(platform: string, eventId: string, refusal: RefusalReason): void {
    // Prepared on first use: a store opened on a database migrated only up to an earlier migration (tests of those
    // migrations) must not need this column to exist.
    this.updateRefusal ??= this.db.prepare("UPDATE inbound_events SET refusal = ? WHERE platform = ? AND event_id = ?");
    this.updateRefusal.run(refusal, platform, eventId);
  }

  getOrCreateConversation(key: ThreadKey): ConversationRow {
    const found = this.findConversation(key);
    if (found !== undefined) return found;
    const at = this.now();
    // OR IGNORE: another connection may create the same thread between our SELECT and INSERT; either row is the one.
    this.insertConversation.run(key.platform, key.workspace, key.channel, key.thread, at, at);
    const created = this.findConversation(key);
    if (created === undefined) throw new StoreError(`Conversation for ${describe(key)} vanished right after it was created.`);
    return created;
  }

  findConversation(key: ThreadKey): ConversationRow | undefined {
    const record = this.selectByKey.get(key.platform, key.workspace, key.channel, key.thread);
    return record === undefined ? undefined : toConversationRow(record);
  }

  getConversation(id: number): ConversationRow | undefined {
    const record = this.selectById.get(id);
    return record === undefined ? undefined : toConversationRow(record);
  }

  setActiveAgent(conversationId: number, agent: string | null): void {
    if (this.updateActiveAgent.run(agent, conversationId).changes === 0) throw missingConversation(conversationId);
  }

  /** The student's message, committed before any model call; it opens a turn in status 'pending'. */
  appendUserMessage(conversationId: number, input: NewUserMessage): StoredMessage {
    const message: NewMessage = { role: "user", ...input };
    return this.appendOne.immediate(conversationId, message, true);
  }

  /** Messages of a turn (assistant, tool), all or none. User messages appended here do not open a turn. */
  appendMessages(conversationId: number, messages: readonly NewMessage[]): StoredMessage[] {
    return this.appendMany.immediate(conversationId, messages);
  }

  /** One agent step in one transaction: its message, the reply to post (outbox) and the handoff it made, if any. */
  appendAgentReply(
    conversationId: number,
    step: { message: NewMessage; reply?: NewReply; handoff?: NewHandoff },
  ): { message: StoredMessage; outboxId?: number; handoffId?: number } {
    return this.transaction(() => {
      const message = this.writer.append(conversationId, step.message, false);
      const outboxId = step.reply === undefined ? undefined : this.outbox.insert(conversationId, message.id, step.reply);
      const handoffId =
        step.handoff === undefined
          ? undefined
          : this.recordHandoff(conversationId, { ...step.handoff, messageId: message.id });
      return {
        message,
        ...(outboxId !== undefined && { outboxId }),
        ...(handoffId !== undefined && { handoffId }),
      };
    });
  }

  /** A reply that is no agent's message (rate limit, error notice): posted through the outbox like any other. */
  enqueueNotice(conversationId: number, notice: { agentName: string; text: string }): number {
    try {
      return this.outbox.insert(conversationId, undefined, { ...notice, kind: "notice" });
    } catch (error) {
      throw danglingReference(error, conversationId);
    }
  }

  recordHandoff(conversationId: number, handoff: NewHandoff & { messageId?: number }): number {
    try {
      const result = this.insertHandoff.run(
        conversationId,
        handoff.messageId ?? null,
        handoff.from,
        handoff.to,
        handoff.reason ?? "",
        this.now(),
      );
      return Number(result.lastInsertRowid);
    } catch (error) {
      throw danglingReference(error, conversationId);
    }
  }

  /** Closes a turn. A no-op if the user message is gone (forgotten while its turn ran). */
  completeTurn(userMessageId: number, status: "completed" | "failed", errorCode?: string): void {
    this.updateTurnStatus.run(status, errorCode ?? null, userMessageId);
  }

  /** Counts one more attempt at a turn (before running it), so recovery can give up on a turn that keeps crashing. */
  /** A user message's turn status now; undefined if the message is gone (forgotten, purged). */
  turnStatus(userMessageId: number): TurnStatus | undefined {
    return this.selectTurnStatus.get(userMessageId) ?? undefined;
  }

  startTurnAttempt(userMessageId: number): number {
    const attempts = this.incrementAttempts.get(userMessageId);
    if (attempts === undefined) throw new StoreError(`No user message ${userMessageId} to start a turn for.`);
    return attempts;
  }

  /** User messages whose turn never finished (e.g. the process died), oldest first, with their conversation. */
  pendingTurns(): Array<{ message: StoredMessage; conversation: ConversationRow }> {
    const conversations = new Map<number, ConversationRow | undefined>();
    return this.selectPendingTurns.all().flatMap((row) => {
      const message = toStoredMessage(row);
      if (!conversations.has(message.conversationId)) {
        conversations.set(message.conversationId, this.getConversation(message.conversationId));
      }
      const conversation = conversations.get(message.conversationId);
      return conversation === undefined ? [] : [{ message, conversation }];
    });
  }

  /** The history the model sees, oldest first: see fitWindow. Reads at most maxMessages rows, by index. */
  /** The newest messages, oldest first (see HistoryWindows: kept between turns, checked against the table each read). */
  loadWindow(conversationId: number, options: WindowOptions): WindowMessage[] {
    if (options.beforeSeq === undefined) return this.windows.read(conversationId, options);
    return fitWindow(this.selectWindow.all(conversationId, options.beforeSeq, options.maxMessages).map(toWindowMessage), options.maxTokens);
  }

  pendingReplies(platform?: string): OutboxRow[] {
    return this.outbox.pending(platform);
  }

  /** What a reply's row says now: a safety check may have rewritten it (a withheld answer) since it was queued. */
  replyText(outboxId: number): string | undefined {
    return this.outbox.textOf(outboxId);
  }

  /** True if this call marked it; false if it was already sent (or failed for good): never post it again then. */
  markReplySent(outboxId: number, platformMessageId: string): boolean {
    return this.outbox.markSent(outboxId, platformMessageId);
  }

  /** Counts a failed delivery; the reply stays pending until `maxAttempts` failures, then becomes 'failed'. */
  markReplyFailed(outboxId: number, error: string, options: { maxAttempts: number }): void {
    this.outbox.markFailed(outboxId, error, options.maxAttempts);
  }

  transcript(conversationId: number): StoredTranscript | undefined {
    const conversation = this.getConversation(conversationId);
    if (conversation === undefined) return undefined;
    return {
      conversation,
      messages: this.selectAllMessages.all(conversationId).map(toStoredMessage),
      handoffs: this.selectHandoffs.all(conversationId).map(toHandoffRow),
    };
  }

  listConversations(options: ListConversationsOptions): ConversationSummaryRow[] {
    return this.moderation.list(options);
  }

  /** Conversations by thread id (and channel), across workspaces: the operator's `baton history NAME`. */
  findConversationsInThread(platform: string, thread: string, channel?: string): ConversationRow[] {
    return this.moderation.inThread(platform, thread, channel);
  }

  /** See ModerationQueries.forgetUser: conversations left without any user message are deleted as well. */
  forgetUser(platform: string, userId: string, workspace?: string): number {
    return this.moderation.forgetUser(platform, userId, workspace);
  }

  /** Deletes conversations last active before `cutoffMs` (unix ms), with everything in them; returns how many. */
  purgeConversationsOlderThan(cutoffMs: number): number {
    return this.deleteConversationsBefore.run(cutoffMs).changes;
  }

  /** Deletes dedupe records received before `cutoffMs` (a unix-ms timestamp, not an age); returns how many. */
  pruneInboundEvents(cutoffMs: number): number {
    return this.deleteEventsBefore.run(cutoffMs).changes;
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE; a savepoint when nested). Throwing rolls it all back. */
  transaction<T>(fn: () => T): T {
    return immediateTransaction(this.db, fn);
  }
}

function missingConversation(conversationId: number): StoreError {
  return new StoreError(`Conversation ${conversationId} does not exist (purged or forgotten?).`);
}

/** A foreign-key failure means the conversation (or message) was purged or forgotten meanwhile: say so, typed. */
function danglingReference(error: unknown, conversationId: number): unknown {
  if (error instanceof BetterSqlite3.SqliteError && error.code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return new StoreError(`Conversation ${conversationId} (or the message referred to) does not exist.`, { cause: error });
  }
  return error;
}

function describe(key: ThreadKey): string {
  return `${key.platform}/${key.workspace}/${key.channel}/${key.thread}`;
}
