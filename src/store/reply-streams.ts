// The pieces of replies streamed onto a platform (migration 0005): written at the first post, linked to the outbox row
// when the step is committed, read back after a crash so the same messages are finished rather than posted again.

import type { Database, Statement } from "better-sqlite3";
import type { EarlierStream as UncommittedStream } from "../bot/store-records.js";

// The bot's port record, under the store's name.
export type { UncommittedStream };

interface StreamRecord {
  id: number;
  agent_name: string;
  pieces: string;
}

export class ReplyStreamStore {
  private readonly insertStmt: Statement<[number, number, string, string, number | null, number, number]>;
  private readonly updateStmt: Statement<[string, number | null, number, number]>;
  private readonly linkStmt: Statement<[number, number]>;
  private readonly firstPieceStmt: Statement<[string, number]>;
  private readonly uncommittedStmt: Statement<[number], StreamRecord>;
  private readonly piecesStmt: Statement<[number], string>;

  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.insertStmt = db.prepare(
      "INSERT INTO reply_streams (conversation_id, turn_message_id, agent_name, pieces, outbox_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.updateStmt = db.prepare("UPDATE reply_streams SET pieces = ?, outbox_id = COALESCE(outbox_id, ?), updated_at = ? WHERE id = ?");
    this.linkStmt = db.prepare("UPDATE reply_streams SET outbox_id = ? WHERE id = ? AND outbox_id IS NULL");
    // The outbox row names its first message as soon as it exists, even while it is still pending.
    this.firstPieceStmt = db.prepare("UPDATE outbox SET platform_message_id = ? WHERE id = ? AND status = 'pending'");
    this.uncommittedStmt = db.prepare(
      "SELECT id, agent_name, pieces FROM reply_streams WHERE turn_message_id = ? AND outbox_id IS NULL ORDER BY id",
    );
    this.piecesStmt = db.prepare<[number], string>("SELECT pieces FROM reply_streams WHERE outbox_id = ?").pluck();
  }

  /** The first piece is up: returns the stream's row id. `outboxId` when the step was committed before the post returned. */
  record(stream: { conversationId: number; turnMessageId: number; agentName: string; pieces: readonly string[]; outboxId?: number }): number {
    const at = this.now();
    const id = Number(
      this.insertStmt.run(stream.conversationId, stream.turnMessageId, stream.agentName, JSON.stringify(stream.pieces), stream.outboxId ?? null, at, at).lastInsertRowid,
    );
    if (stream.outboxId !== undefined && stream.pieces[0] !== undefined) this.firstPieceStmt.run(stream.pieces[0], stream.outboxId);
    return id;
  }

  /** More pieces were posted (or the step was committed meanwhile: `outboxId`). */
  update(id: number, pieces: readonly string[], outboxId?: number): void {
    this.updateStmt.run(JSON.stringify(pieces), outboxId ?? null, this.now(), id);
    if (outboxId !== undefined && pieces[0] !== undefined) this.firstPieceStmt.run(pieces[0], outboxId);
  }

  /** In the step's commit: the stream is this outbox row's reply. */
  link(id: number, outboxId: number, firstPiece: string | undefined): void {
    this.linkStmt.run(outboxId, id);
    if (firstPiece !== undefined) this.firstPieceStmt.run(firstPiece, outboxId);
  }

  /** Streams of `turnMessageId` never linked to a reply (an attempt at the turn died while writing them). */
  uncommitted(turnMessageId: number): UncommittedStream[] {
    return this.uncommittedStmt.all(turnMessageId).map((row) => ({ id: row.id, agentName: row.agent_name, pieces: parsePieces(row.pieces) }));
  }

  /** The posted pieces of an outbox row's reply, when it was streamed. */
  piecesOf(outboxId: number): readonly string[] | undefined {
    const pieces = this.piecesStmt.get(outboxId);
    return pieces === undefined ? undefined : parsePieces(pieces);
  }
}

function parsePieces(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === "string") : [];
}
