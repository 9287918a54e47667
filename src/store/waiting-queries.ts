// The "waiting for a moderator" state of a conversation (migration 0004): set when an agent hands off to a human.

import type { Database, Statement } from "better-sqlite3";

/** A conversation handed to a person: the agents stay quiet in it until a moderator hands it back. */
export interface WaitingState {
  /** The human participant's name (e.g. "teacher"). */
  readonly human: string;
  /** The agent that handed off. */
  readonly from: string;
  readonly reason: string;
  readonly since: number;
}

interface WaitingRecord {
  waiting_for: string | null;
  waiting_from: string | null;
  waiting_reason: string | null;
  waiting_since: number | null;
}

export class WaitingQueries {
  private readonly select: Statement<[number], WaitingRecord>;
  private readonly update: Statement<[string, string, string, number, number]>;
  private readonly clear: Statement<[number]>;

  constructor(db: Database) {
    this.select = db.prepare("SELECT waiting_for, waiting_from, waiting_reason, waiting_since FROM conversations WHERE id = ?");
    this.update = db.prepare("UPDATE conversations SET waiting_for = ?, waiting_from = ?, waiting_reason = ?, waiting_since = ? WHERE id = ?");
    this.clear = db.prepare(
      "UPDATE conversations SET waiting_for = NULL, waiting_from = NULL, waiting_reason = NULL, waiting_since = NULL WHERE id = ? AND waiting_since IS NOT NULL",
    );
  }

  waitingOf(conversationId: number): WaitingState | undefined {
    const row = this.select.get(conversationId);
    if (row === undefined || row.waiting_since === null) return undefined;
    return { human: row.waiting_for ?? "", from: row.waiting_from ?? "", reason: row.waiting_reason ?? "", since: row.waiting_since };
  }

  markWaiting(conversationId: number, state: WaitingState): void {
    this.update.run(state.human, state.from, state.reason, state.since, conversationId);
  }

  /** False when it was not waiting (handed back already). */
  clearWaiting(conversationId: number): boolean {
    return this.clear.run(conversationId).changes > 0;
  }
}
