// A conversation's history window, kept between turns and checked against the table on every read: a turn reads the
// conversation's counters and the messages added since, not the whole window again (migration 0022).

import type { Database, Statement } from "better-sqlite3";
import type { WindowMessage } from "../bot/store-records.js";
import { fitWindow } from "./history-window.js";
import { WINDOW_COLUMNS, toWindowMessage, type WindowTuple } from "./row-mapping.js";

/** Conversations whose windows are kept; the least recently read goes first (≈20 KB each at 40 messages). */
export const KEPT_WINDOWS = 512;

interface Kept {
  /** conversations.history_version when read: any deletion or change of one of its messages moves it. */
  readonly version: number;
  /** conversations.last_seq when read: every message added since has a larger seq. */
  lastSeq: number;
  readonly maxMessages: number;
  /** At most maxMessages, newest first, as the index scan returns them. */
  newestFirst: WindowMessage[];
}

export interface WindowRequest {
  readonly maxMessages: number;
  readonly maxTokens: number;
}

/**
 * Whether a kept window is still right is decided by the database, never by this process's memory of its own writes:
 * another process (the operator's `baton forget`) may have deleted messages meanwhile, and then the version differs.
 * Nothing is kept from inside a write transaction, whose rows might yet roll back.
 */
export class HistoryWindows {
  readonly #db: Database;
  readonly #counters: Statement<[number], [number, number]>;
  readonly #newer: Statement<[number, number, number], WindowTuple>;
  readonly #kept = new Map<number, Kept>();

  constructor(db: Database) {
    this.#db = db;
    this.#counters = db.prepare<[number], [number, number]>("SELECT history_version, last_seq FROM conversations WHERE id = ?").raw();
    this.#newer = db
      .prepare<[number, number, number], WindowTuple>(`SELECT ${WINDOW_COLUMNS} FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?`)
      .raw();
  }

  /** The newest messages, oldest first, at most `maxMessages` and within `maxTokens` (the newest always). */
  read(conversationId: number, request: WindowRequest): WindowMessage[] {
    const { maxMessages, maxTokens } = request;
    if (this.#db.inTransaction) {
      this.#kept.delete(conversationId);
      return fitWindow(this.#newest(conversationId, 0, maxMessages), maxTokens);
    }
    const counters = this.#counters.get(conversationId);
    if (counters === undefined) {
      this.#kept.delete(conversationId);
      return [];
    }
    const [version, lastSeq] = counters;
    let kept = this.#kept.get(conversationId);
    if (kept === undefined || kept.version !== version || kept.maxMessages !== maxMessages || lastSeq < kept.lastSeq) {
      kept = { version, lastSeq, maxMessages, newestFirst: this.#newest(conversationId, 0, maxMessages) };
    } else if (lastSeq > kept.lastSeq) {
      const added = this.#newest(conversationId, kept.lastSeq, maxMessages);
      kept.newestFirst = added.length >= maxMessages ? added : added.concat(kept.newestFirst.slice(0, maxMessages - added.length));
      kept.lastSeq = lastSeq;
    }
    // Most recently read last: the first key is the one to drop.
    this.#kept.delete(conversationId);
    this.#kept.set(conversationId, kept);
    if (this.#kept.size > KEPT_WINDOWS) this.#kept.delete(this.#kept.keys().next().value as number);
    return fitWindow(kept.newestFirst, maxTokens);
  }

  /** Windows kept now (for tests and the bench's memory figure). */
  get size(): number {
    return this.#kept.size;
  }

  #newest(conversationId: number, afterSeq: number, limit: number): WindowMessage[] {
    return this.#newer.all(conversationId, afterSeq, limit).map(toWindowMessage);
  }
}
