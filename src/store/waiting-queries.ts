// The "waiting for a moderator" state of a conversation (migration 0004): set when an agent hands off to a human.

import type { Database, Statement } from "better-sqlite3";
import type { ModeratorWait as WaitingState, TeacherAlertDue as PendingTeacherAlert } from "../bot/store-records.js";
import { MESSAGE_COLUMNS, toStoredMessage, type MessageTuple } from "./row-mapping.js";
import type { StoredMessage } from "./types.js";

// The bot's port records, under the store's names.
export type { WaitingState, PendingTeacherAlert };

interface PendingRecord extends WaitingRecord {
  id: number;
  text: string | null;
  user_id: string | null;
  user_name: string | null;
  platform_message_id: string | null;
}

interface WaitingRecord {
  waiting_for: string | null;
  waiting_from: string | null;
  waiting_reason: string | null;
  waiting_since: number | null;
}

export class WaitingQueries {
  private readonly select: Statement<[number], WaitingRecord>;
  private readonly update: Statement<[string, string, string, number, number | null, number]>;
  private readonly clear: Statement<[number]>;
  private readonly settle: Statement<[string, number]>;
  private readonly pending: Statement<[], PendingRecord>;
  private readonly markHeld: Statement<[number]>;
  private readonly settleHeld: Statement<[number]>;
  private readonly heldChecks: Statement<[], MessageTuple>;
  private readonly settleFlagged: Statement<[]>;
  private readonly heldPending: Statement<[number], number>;

  constructor(db: Database) {
    this.select = db.prepare("SELECT waiting_for, waiting_from, waiting_reason, waiting_since FROM conversations WHERE id = ?");
    this.update = db.prepare(
      "UPDATE conversations SET waiting_for = ?, waiting_from = ?, waiting_reason = ?, waiting_since = ?, waiting_alert = 'pending', waiting_alert_message = ? WHERE id = ?",
    );
    this.clear = db.prepare(
      "UPDATE conversations SET waiting_for = NULL, waiting_from = NULL, waiting_reason = NULL, waiting_since = NULL, waiting_alert = NULL, waiting_alert_message = NULL WHERE id = ? AND waiting_since IS NOT NULL",
    );
    this.settle = db.prepare("UPDATE conversations SET waiting_alert = ? WHERE id = ? AND waiting_alert = 'pending'");
    this.pending = db.prepare(
      `SELECT c.id, c.waiting_for, c.waiting_from, c.waiting_reason, c.waiting_since, m.text, m.user_id, m.user_name, m.platform_message_id
         FROM conversations c LEFT JOIN messages m ON m.id = c.waiting_alert_message
        WHERE c.waiting_alert = 'pending' AND c.waiting_since IS NOT NULL ORDER BY c.id`,
    );
    this.markHeld = db.prepare("UPDATE messages SET held_check = 'pending' WHERE id = ?");
    this.settleHeld = db.prepare("UPDATE messages SET held_check = NULL WHERE id = ? AND held_check = 'pending'");
    // The moderation answered (its flag is stored, "unchecked" included) but the process died before settling.
    const flagged = "EXISTS (SELECT 1 FROM flags WHERE flags.message_id = messages.id AND flags.source = 'input')";
    this.settleFlagged = db.prepare(`UPDATE messages SET held_check = NULL WHERE held_check = 'pending' AND ${flagged}`);
    this.heldPending = db.prepare<[number], number>("SELECT id FROM messages WHERE id = ? AND held_check = 'pending'").pluck();
    this.heldChecks = db
      .prepare<[], MessageTuple>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE held_check = 'pending' AND NOT ${flagged} ORDER BY id`)
      .raw();
  }

  waitingOf(conversationId: number): WaitingState | undefined {
    const row = this.select.get(conversationId);
    if (row === undefined || row.waiting_since === null) return undefined;
    return { human: row.waiting_for ?? "", from: row.waiting_from ?? "", reason: row.waiting_reason ?? "", since: row.waiting_since };
  }

  /** Marks it waiting, its moderators' alert pending (about `messageId`, the student's message that led to it). */
  markWaiting(conversationId: number, state: WaitingState, messageId?: number): void {
    this.update.run(state.human, state.from, state.reason, state.since, messageId ?? null, conversationId);
  }

  /** The alert was posted, or given up on. */
  settleAlert(conversationId: number, outcome: "sent" | "failed"): void {
    this.settle.run(outcome, conversationId);
  }

  /** Waiting conversations whose alert was decided but never posted (the process stopped first). */
  pendingAlerts(): PendingTeacherAlert[] {
    return this.pending.all().map((row) => ({
      conversationId: row.id,
      state: { human: row.waiting_for ?? "", from: row.waiting_from ?? "", reason: row.waiting_reason ?? "", since: row.waiting_since ?? 0 },
      message: row.text === null ? undefined : { text: row.text, userId: row.user_id, userName: row.user_name, platformMessageId: row.platform_message_id },
    }));
  }

  /** In the transaction that stores a student's held message: it owes the safety step until settleHeldCheck. */
  markHeldCheck(messageId: number): void {
    this.markHeld.run(messageId);
  }

  /** The held message's safety step has run. False when it had run already (or the message is gone). */
  settleHeldCheck(messageId: number): boolean {
    return this.settleHeld.run(messageId).changes > 0;
  }

  /** Held messages whose safety step never ran (the process died first), oldest first. */
  pendingHeldChecks(): StoredMessage[] {
    this.settleFlagged.run();
    return this.heldChecks.all().map(toStoredMessage);
  }

  /** Whether the held message still owes its safety step. */
  heldCheckPending(messageId: number): boolean {
    return this.heldPending.get(messageId) !== undefined;
  }

  /** False when it was not waiting (handed back already). */
  clearWaiting(conversationId: number): boolean {
    return this.clear.run(conversationId).changes > 0;
  }
}
