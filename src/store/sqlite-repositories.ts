// The store port's repositories over SQLite, synchronous (better-sqlite3); sqlite-store-port.ts makes them the port's.

import type { Database } from "better-sqlite3";
import type {
  AttachmentRepository,
  ConversationRepository,
  FlagRepository,
  IntakeRepository,
  MessageRepository,
  OutboxRepository,
  ReplyStreamRepository,
  RetentionRepository,
  SafetyAlertRepository,
  StoreRepositories,
  TranscriptRepository,
  TurnRepository,
  UsageRepository,
  WaitRepository,
  WithheldRepository,
} from "../bot/store-port.js";
import { AttachmentStore } from "./attachment-store.js";
import { ConversationStore } from "./conversation-store.js";
import { FlagStore } from "./flag-store.js";
import { Inbox } from "./inbox.js";
import { ReceivedEvents } from "./received-events.js";
import { UsageStore } from "./usage-store.js";

/** A repository's operations as better-sqlite3 runs them: the same, returning their values instead of promises. */
export type Synchronous<R> = { [K in keyof R]: R[K] extends (...args: infer A) => Promise<infer T> ? (...args: A) => T : never };

export type SynchronousRepositories = { readonly [K in keyof StoreRepositories]: Synchronous<StoreRepositories[K]> };

/** The operations that only read: run outside a transaction, they need no commit. */
export const READ_OPERATIONS: { readonly [K in keyof StoreRepositories]: ReadonlySet<keyof StoreRepositories[K]> } = {
  conversations: new Set<keyof ConversationRepository>(["find", "get"]),
  messages: new Set<keyof MessageRepository>(["window"]),
  turns: new Set<keyof TurnRepository>(["status", "pending"]),
  outbox: new Set<keyof OutboxRepository>(["pending", "text"]),
  streams: new Set<keyof ReplyStreamRepository>(["earlier", "piecesOf"]),
  intake: new Set<keyof IntakeRepository>(["received", "queued"]),
  attachments: new Set<keyof AttachmentRepository>(["withData", "ofConversation"]),
  transcripts: new Set<keyof TranscriptRepository>(["of", "list"]),
  waits: new Set<keyof WaitRepository>(["of", "alertsDue", "heldCheckPending", "heldChecksDue"]),
  retention: new Set<keyof RetentionRepository>(),
  usage: new Set<keyof UsageRepository>(["totals", "agentTotals"]),
  flags: new Set<keyof FlagRepository>(["get", "ofConversation", "list", "answersAfter"]),
  safetyAlerts: new Set<keyof SafetyAlertRepository>(["pending"]),
  withheld: new Set<keyof WithheldRepository>(["pending", "of"]),
};

/** The tables' classes, shared with the synchronous repositories (acceptInbound composes them in one transaction). */
export interface SqliteTables {
  readonly store: ConversationStore;
  readonly inbox: Inbox;
  readonly received: ReceivedEvents;
  readonly files: AttachmentStore;
  readonly usage: UsageStore;
  readonly flags: FlagStore;
}

export function openTables(db: Database, now: () => number): SqliteTables {
  return { store: new ConversationStore(db, { now }), inbox: new Inbox(db, now), received: new ReceivedEvents(db, now), files: new AttachmentStore(db, now), usage: new UsageStore(db), flags: new FlagStore(db, now) };
}

export function synchronousRepositories(tables: SqliteTables): SynchronousRepositories {
  const { store, inbox, received, files, usage, flags } = tables;
  return {
    conversations: {
      find: (key) => store.findConversation(key),
      get: (id) => store.getConversation(id),
      getOrCreate: (key) => store.getOrCreateConversation(key),
      setActiveAgent: (id, agent) => store.setActiveAgent(id, agent),
    },
    messages: {
      appendStudent: (id, message) => store.appendUserMessage(id, message),
      append: (id, messages) => store.appendMessages(id, messages),
      appendAgentReply: (id, step) => store.appendAgentReply(id, step),
      window: (id, options) => store.loadWindow(id, options),
    },
    turns: {
      startAttempt: (id) => store.startTurnAttempt(id),
      complete: (id, status, errorCode) => store.completeTurn(id, status, errorCode),
      status: (id) => store.turnStatus(id),
      pending: () => store.pendingTurns(),
    },
    outbox: {
      enqueueNotice: (id, notice) => store.enqueueNotice(id, notice),
      pending: (platform) => store.pendingReplies(platform),
      text: (id) => store.replyText(id),
      markSent: (id, platformMessageId) => store.markReplySent(id, platformMessageId),
      markFailed: (id, error, options) => store.markReplyFailed(id, error, options),
    },
    streams: {
      record: (stream) => store.streams.record(stream),
      update: (id, pieces, outboxId) => store.streams.update(id, pieces, outboxId),
      link: (id, outboxId, firstPiece) => store.streams.link(id, outboxId, firstPiece),
      earlier: (turnMessageId) => store.streams.uncommitted(turnMessageId),
      piecesOf: (outboxId) => store.streams.piecesOf(outboxId),
    },
    intake: {
      recordEvent: (platform, eventId) => store.recordInboundEvent(platform, eventId),
      receive: (event) => received.accept(event),
      updateReceived: (id, payload) => received.update(id, payload),
      dropReceived: (id) => received.remove(id),
      received: () => received.waiting(),
      takeQueued: (id) => inbox.remove(id),
      queued: () => inbox.waiting(),
    },
    attachments: {
      add: (attachment) => void files.add(attachment),
      withData: (ids) => files.withDataByMessages(ids),
      ofConversation: (id) => files.listByConversation(id),
    },
    transcripts: {
      of: (id) => store.transcript(id),
      list: (filter) => store.listConversations(filter),
    },
    waits: {
      of: (id) => store.waiting.waitingOf(id),
      mark: (id, wait, messageId) => store.waiting.markWaiting(id, wait, messageId),
      settleAlert: (id, outcome) => store.waiting.settleAlert(id, outcome),
      alertsDue: () => store.waiting.pendingAlerts(),
      clear: (id) => store.waiting.clearWaiting(id),
      markHeldCheck: (id) => store.waiting.markHeldCheck(id),
      heldCheckPending: (id) => store.waiting.heldCheckPending(id),
      settleHeldCheck: (id) => store.waiting.settleHeldCheck(id),
      heldChecksDue: () => store.waiting.pendingHeldChecks(),
    },
    retention: {
      forgetUser: (platform, userId, workspace) =>
        store.forgetUser(platform, userId, workspace) + inbox.forgetUser(platform, userId, workspace) + received.forgetUser(platform, userId, workspace),
      purgeIdle: (cutoffMs) => store.purgeConversationsOlderThan(cutoffMs),
      pruneEvents: (cutoffMs) => store.pruneInboundEvents(cutoffMs),
    },
    usage: {
      add: (delta) => usage.add(delta),
      totals: (filter) => usage.totals(filter),
      agentTotals: (filter) => usage.agentTotals(filter),
      forgetUser: (platform, userId, workspace) => usage.forgetUser(platform, userId, workspace),
    },
    flags: {
      record: (flag) => flags.record(flag),
      get: (id) => flags.get(id),
      block: (userMessageId, flag) => flags.block(userMessageId, flag),
      ofConversation: (id) => flags.forConversation(id),
      list: (filter) => flags.list(filter),
      markReviewed: (id, reviewer) => flags.markReviewed(id, reviewer),
      answersAfter: (id, afterSeq) => flags.answersAfter(id, afterSeq),
      forgetUser: (platform, userId, workspace) => flags.forgetUser(platform, userId, workspace),
      withhold: (flag, reply) => flags.withhold(flag, reply),
    },
    safetyAlerts: {
      claim: (id, claim) => flags.claimAlert(id, claim),
      pending: () => flags.pendingAlerts(),
      settle: (id, outcome) => flags.settleAlertOf(id, outcome),
    },
    withheld: {
      pending: () => flags.pendingReplacements(),
      of: (id) => flags.pendingReplacement(id),
      settle: (id, outcome) => flags.settleReplacement(id, outcome),
      countFailure: (id) => flags.countReplacementFailure(id),
    },
  };
}
