// Flags (the safety migration's table) as the console lists and reviews them: open first, by severity, newest.

import type { Database, Statement } from "better-sqlite3";
import { scopeSql } from "./scope-sql.js";
import type { ConsoleScope, FlagRecord } from "../../admin/ports.js";
import { immediateTransaction } from "../transactions.js";

interface FlagRow {
  id: number;
  conversation_id: number;
  message_id: number | null;
  severity: string;
  categories: string;
  action: string;
  source: string;
  text: string;
  created_at: number;
  reviewed_by: string | null;
  reviewed_at: number | null;
  student: string | null;
}

const COLUMNS =
  "f.id, f.conversation_id, f.message_id, f.severity, f.categories, f.action, f.source, f.text, f.created_at, " +
  "f.reviewed_by, f.reviewed_at, coalesce(f.user_name, (SELECT m.user_name FROM messages m WHERE m.id = f.message_id), f.user_id) AS student";
/**
 * What belongs in the moderators' queue (the flags page, open-flag counts, the flagged filters): everything but an
 * outage's "unchecked" marks, which stay on their messages in the transcript (as FlagStore's listing does).
 */
export const QUEUED_FLAG = "f.action <> 'unchecked'";
const SEVERITY_ORDER = "CASE f.severity WHEN 'urgent' THEN 0 WHEN 'alert' THEN 1 WHEN 'flag' THEN 2 ELSE 3 END";

export class FlagQueries {
  private readonly byConversation: Statement<[number], FlagRow>;
  private readonly markOne: Statement<[string, number, number]>;

  constructor(private readonly db: Database) {
    this.byConversation = db.prepare(`SELECT ${COLUMNS} FROM flags f WHERE f.conversation_id = ? ORDER BY f.id`);
    this.markOne = db.prepare("UPDATE flags SET reviewed_by = ?, reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL");
  }

  ofConversation(conversationId: number): FlagRecord[] {
    return this.byConversation.all(conversationId).map(toFlag);
  }

  list(scope: ConsoleScope, options: { includeReviewed: boolean; limit: number }): FlagRecord[] {
    const { sql, params } = scopeSql(scope);
    const open = options.includeReviewed ? "" : "AND f.reviewed_at IS NULL";
    return this.db
      .prepare<(string | number)[], FlagRow>(
        `SELECT ${COLUMNS} FROM flags f JOIN conversations c ON c.id = f.conversation_id
         WHERE ${sql} AND ${QUEUED_FLAG} ${open}
         ORDER BY f.reviewed_at IS NOT NULL, ${SEVERITY_ORDER}, f.id DESC LIMIT ?`,
      )
      .all(...params, options.limit)
      .map(toFlag);
  }

  /** Undefined if the flag does not exist or is outside the scope; `changed` is false if it was already reviewed. */
  markReviewed(scope: ConsoleScope, flagId: number, reviewer: string, now: number): { conversationId: number; changed: boolean } | undefined {
    const { sql, params } = scopeSql(scope);
    return immediateTransaction(this.db, () => {
      const conversationId = this.db
        .prepare<(string | number)[], number>(
          `SELECT f.conversation_id FROM flags f JOIN conversations c ON c.id = f.conversation_id WHERE f.id = ? AND ${sql}`,
        )
        .pluck()
        .get(flagId, ...params);
      if (conversationId === undefined) return undefined;
      const changed = this.markOne.run(reviewer, now, flagId).changes === 1;
      return { conversationId, changed };
    });
  }
}

function toFlag(row: FlagRow): FlagRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id ?? undefined,
    severity: row.severity,
    categories: categoryLabels(row.categories),
    action: row.action,
    source: row.source,
    excerpt: row.text,
    createdAt: row.created_at,
    reviewedBy: row.reviewed_by ?? undefined,
    reviewedAt: row.reviewed_at ?? undefined,
    student: row.student ?? undefined,
  };
}

/** `{"self-harm": 0.91}` → ["self-harm 0.91"]; an array of names is accepted too. */
function categoryLabels(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value)) return value.map(String);
    if (typeof value === "object" && value !== null) {
      return Object.entries(value).map(([name, score]) => (typeof score === "number" ? `${name} ${score.toFixed(2)}` : name));
    }
  } catch {
    // Not JSON: shown as it is.
  }
  return [json];
}
