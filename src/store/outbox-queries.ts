// The reply outbox: rows written with the agent's message, posted by the platform adapter, then marked sent exactly once.

import type { Database, Statement } from "better-sqlite3";
import { toOutboxRow } from "./row-mapping.js";
import type { OutboxRecord } from "./row-mapping.js";
import type { NewReply, OutboxRow } from "./types.js";

const PENDING_SELECT = `
  SELECT o.id, o.conversation_id, o.message_id, c.platform, c.workspace, c.channel, c.thread, o.agent_name, o.text,
         o.kind, o.status, o.attempts, o.platform_message_id, o.last_error, o.created_at, o.sent_at
  FROM outbox o JOIN conversations c ON c.id = o.conversation_id
  WHERE o.status = 'pending'`;

/** Statements prepared once; ConversationStore exposes them and composes `insert` into its own transactions. */
export class OutboxQueries {
  private readonly insertStmt: Statement<[number, number | null, string, string, string, number]>;
  private readonly pendingAll: Statement<[], OutboxRecord>;
  private readonly pendingOnPlatform: Statement<[string], OutboxRecord>;
  private readonly markSentStmt: Statement<[string, number, number]>;
  private readonly markFailedStmt: Statement<[string, number, number]>;
  private readonly textStmt: Statement<[number], string>;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insertStmt = db.prepare(
      "INSERT INTO outbox (conversation_id, message_id, agent_name, text, kind, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.pendingAll = db.prepare(`${PENDING_SELECT} ORDER BY o.id`);
    this.pendingOnPlatform = db.prepare(`${PENDING_SELECT} AND c.platform = ? ORDER BY o.id`);
    // The status guard makes "sent" idempotent and lets two workers race for a row: only one UPDATE changes it.
    this.markSentStmt = db.prepare(
      "UPDATE outbox SET status = 'sent', platform_message_id = ?, sent_at = ?, last_error = NULL " +
        "WHERE id = ? AND status = 'pending'",
    );
    this.markFailedStmt = db.prepare(
      "UPDATE outbox SET attempts = attempts + 1, last_error = ?, " +
        "status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END WHERE id = ? AND status = 'pending'",
    );
    this.textStmt = db.prepare<[number], string>("SELECT text FROM outbox WHERE id = ?").pluck();
  }

  /** The row's text as it is now (a withheld answer's row holds the notice once flagged). */
  textOf(outboxId: number): string | undefined {
    return this.textStmt.get(outboxId);
  }

  insert(conversationId: number, messageId: number | undefined, reply: NewReply): number {
    const result = this.insertStmt.run(
      conversationId,
      messageId ?? null,
      reply.agentName,
      reply.text,
      reply.kind ?? "agent",
      this.now(),
    );
    return Number(result.lastInsertRowid);
  }

  pending(platform?: string): OutboxRow[] {
    const records = platform === undefined ? this.pendingAll.all() : this.pendingOnPlatform.all(platform);
    return records.map(toOutboxRow);
  }

  markSent(outboxId: number, platformMessageId: string): boolean {
    return this.markSentStmt.run(platformMessageId, this.now(), outboxId).changes === 1;
  }

  markFailed(outboxId: number, error: string, maxAttempts: number): void {
    this.markFailedStmt.run(error, maxAttempts, outboxId);
  }
}
