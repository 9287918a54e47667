// Token usage for the console: assistant messages' stored prompt and completion tokens, by day, workspace and agent.

import type { Database } from "better-sqlite3";
import { scopeSql } from "./scope-sql.js";
import type { ConsoleScope, UsageReport, UsageRow } from "./types.js";

interface Row {
  key: string;
  messages: number;
  prompt_tokens: number;
  completion_tokens: number;
}

const GROUPINGS = {
  byDay: "strftime('%Y-%m-%d', m.created_at / 1000, 'unixepoch')",
  byWorkspace: "c.platform || ' ' || c.workspace",
  byAgent: "coalesce(m.author_agent, '(unknown)')",
} as const;

export class UsageQueries {
  constructor(private readonly db: Database) {}

  report(scope: ConsoleScope, range: { from: number; to: number }): UsageReport {
    const { sql, params } = scopeSql(scope);
    const group = (expression: string, order: string): UsageRow[] =>
      this.db
        .prepare<(string | number)[], Row>(
          `SELECT ${expression} AS key, count(*) AS messages, sum(m.prompt_tokens) AS prompt_tokens,
             sum(m.completion_tokens) AS completion_tokens
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE ${sql} AND m.role = 'assistant' AND m.prompt_tokens IS NOT NULL AND m.created_at >= ? AND m.created_at < ?
           GROUP BY key ORDER BY ${order}`,
        )
        .all(...params, range.from, range.to)
        .map((r) => ({ key: r.key, messages: r.messages, promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens }));
    return {
      byDay: group(GROUPINGS.byDay, "key DESC"),
      byWorkspace: group(GROUPINGS.byWorkspace, "prompt_tokens + completion_tokens DESC"),
      byAgent: group(GROUPINGS.byAgent, "prompt_tokens + completion_tokens DESC"),
    };
  }
}
