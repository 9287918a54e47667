// Token usage for the console: per day and server/workspace from usage_daily (per model, as the caps count it), per
// agent from the stored replies' tokens.

import type { Database } from "better-sqlite3";
import { scopeSql } from "./scope-sql.js";
import type { ConsoleScope, ModelTokens, UsageBreakdown, UsageBreakdownRow } from "../../admin/ports.js";

interface ReplyRow {
  key: string;
  count: number;
  prompt_tokens: number;
  completion_tokens: number;
}

interface DailyRow {
  key: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
}

const REPLY_GROUPINGS = {
  byDay: "strftime('%Y-%m-%d', m.created_at / 1000, 'unixepoch')",
  byWorkspace: "c.platform || ' ' || c.workspace",
  byAgent: "coalesce(m.author_agent, '(unknown)')",
} as const;

const DAILY_GROUPINGS = { byDay: "u.day", byWorkspace: "u.platform || ' ' || u.workspace" } as const;

const byTotalDesc = (a: UsageBreakdownRow, b: UsageBreakdownRow): number =>
  b.promptTokens + b.completionTokens - (a.promptTokens + a.completionTokens) || a.key.localeCompare(b.key);

export class UsageQueries {
  constructor(private readonly db: Database) {}

  report(scope: ConsoleScope, range: { from: number; to: number }): UsageBreakdown {
    const byAgent = this.replies(scope, range, REPLY_GROUPINGS.byAgent).sort(byTotalDesc);
    if (scope.kind === "conversation") {
      return {
        source: "replies",
        byDay: this.replies(scope, range, REPLY_GROUPINGS.byDay).sort((a, b) => b.key.localeCompare(a.key)),
        byWorkspace: this.replies(scope, range, REPLY_GROUPINGS.byWorkspace).sort(byTotalDesc),
        byAgent,
      };
    }
    return {
      source: "usage_daily",
      byDay: this.daily(scope, range, DAILY_GROUPINGS.byDay).sort((a, b) => b.key.localeCompare(a.key)),
      byWorkspace: this.daily(scope, range, DAILY_GROUPINGS.byWorkspace).sort(byTotalDesc),
      byAgent,
    };
  }

  private replies(scope: ConsoleScope, range: { from: number; to: number }, key: string): UsageBreakdownRow[] {
    const { sql, params } = scopeSql(scope);
    return this.db
      .prepare<(string | number)[], ReplyRow>(
        `SELECT ${key} AS key, count(*) AS count, sum(m.prompt_tokens) AS prompt_tokens, sum(coalesce(m.completion_tokens, 0)) AS completion_tokens
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE ${sql} AND m.role = 'assistant' AND m.prompt_tokens IS NOT NULL AND m.created_at >= ? AND m.created_at < ?
         GROUP BY key`,
      )
      .all(...params, range.from, range.to)
      .map((r) => ({ key: r.key, count: r.count, promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens, models: [] }));
  }

  /** usage_daily's days are UTC dates: the range covers every day it touches. */
  private daily(scope: Exclude<ConsoleScope, { kind: "conversation" }>, range: { from: number; to: number }, key: string): UsageBreakdownRow[] {
    const where = scope.kind === "all" ? "1" : "u.platform = ? AND u.workspace = ?";
    const params = scope.kind === "all" ? [] : [scope.platform, scope.workspace];
    const day = "strftime('%Y-%m-%d', ? / 1000, 'unixepoch')";
    const rows = this.db
      .prepare<(string | number)[], DailyRow>(
        `SELECT ${key} AS key, u.model, sum(u.prompt_tokens) AS prompt_tokens, sum(u.completion_tokens) AS completion_tokens
         FROM usage_daily u WHERE ${where} AND u.day >= ${day} AND u.day <= ${day}
         GROUP BY key, u.model ORDER BY key, u.model`,
      )
      .all(...params, range.from, range.to - 1);
    // A student who used two models that day counts once: counted per key, across models.
    const students = new Map(
      this.db
        .prepare<(string | number)[], { key: string; students: number }>(
          `SELECT ${key} AS key, count(DISTINCT u.platform || ' ' || u.user_id) AS students
           FROM usage_daily u WHERE ${where} AND u.day >= ${day} AND u.day <= ${day} GROUP BY key`,
        )
        .all(...params, range.from, range.to - 1)
        .map((r) => [r.key, r.students]),
    );
    const out = new Map<string, { promptTokens: number; completionTokens: number; models: ModelTokens[] }>();
    for (const row of rows) {
      const entry = out.get(row.key) ?? { promptTokens: 0, completionTokens: 0, models: [] };
      entry.promptTokens += row.prompt_tokens;
      entry.completionTokens += row.completion_tokens;
      entry.models.push({ model: row.model, promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens });
      out.set(row.key, entry);
    }
    return [...out].map(([k, v]) => ({ key: k, count: students.get(k) ?? 0, ...v }));
  }
}
