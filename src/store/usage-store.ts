// Daily token usage per student, workspace and model: what the usage caps count and /usage reports.

import type { Database, Statement } from "better-sqlite3";
import type { AgentUsageTotal, UsageDelta, UsageTotal } from "../bot/store-records.js";

export type { AgentUsageTotal };

interface TotalRecord {
  model: string;
  prompt: number;
  completion: number;
}

export class UsageStore {
  private readonly upsert: Statement<[string, string, string, string, string, number, number]>;
  private readonly ofUser: Statement<[string, string, string, string, string], TotalRecord>;
  private readonly ofWorkspace: Statement<[string, string, string, string], TotalRecord>;
  private readonly forget: Statement<[string, string, string | null, string | null]>;
  private readonly ofAgents: Statement<[string, string, number, number], { agent: string; prompt: number; completion: number }>;

  constructor(db: Database) {
    this.upsert = db.prepare(
      "INSERT INTO usage_daily (platform, workspace, day, user_id, model, prompt_tokens, completion_tokens) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, workspace, day, user_id, model) DO UPDATE SET " +
        "prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens",
    );
    const sums = "SELECT model, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion FROM usage_daily";
    this.ofUser = db.prepare(
      `${sums} WHERE platform = ? AND workspace = ? AND user_id = ? AND day >= ? AND day <= ? GROUP BY model ORDER BY model`,
    );
    this.ofWorkspace = db.prepare(`${sums} WHERE platform = ? AND workspace = ? AND day >= ? AND day <= ? GROUP BY model ORDER BY model`);
    this.ofAgents = db.prepare(
      "SELECT m.author_agent AS agent, sum(m.prompt_tokens) AS prompt, sum(coalesce(m.completion_tokens, 0)) AS completion " +
        "FROM messages m JOIN conversations c ON c.id = m.conversation_id " +
        "WHERE c.platform = ? AND c.workspace = ? AND m.created_at >= ? AND m.created_at < ? " +
        "AND m.role = 'assistant' AND m.author_agent IS NOT NULL AND m.prompt_tokens IS NOT NULL " +
        "GROUP BY m.author_agent ORDER BY prompt + completion DESC, agent",
    );
    this.forget = db.prepare("DELETE FROM usage_daily WHERE platform = ? AND user_id = ? AND (? IS NULL OR workspace = ?)");
  }

  add(delta: UsageDelta): void {
    if (delta.promptTokens === 0 && delta.completionTokens === 0) return;
    this.upsert.run(delta.platform, delta.workspace, delta.day, delta.userId, delta.model, delta.promptTokens, delta.completionTokens);
  }

  /** Per model, between two UTC days inclusive; with `userId`, one student's only. */
  totals(filter: { platform: string; workspace: string; userId?: string; fromDay: string; toDay: string }): UsageTotal[] {
    const rows =
      filter.userId === undefined
        ? this.ofWorkspace.all(filter.platform, filter.workspace, filter.fromDay, filter.toDay)
        : this.ofUser.all(filter.platform, filter.workspace, filter.userId, filter.fromDay, filter.toDay);
    return rows.map((r) => ({ model: r.model, promptTokens: r.prompt, completionTokens: r.completion }));
  }

  /**
   * Per agent, from the tokens stored on the agents' messages between two times (ms, end exclusive). A forgotten
   * student's messages are gone, so this can be less than the daily totals, which keep counting.
   */
  agentTotals(filter: { platform: string; workspace: string; from: number; to: number }): AgentUsageTotal[] {
    return this.ofAgents
      .all(filter.platform, filter.workspace, filter.from, filter.to)
      .map((r) => ({ agent: r.agent, promptTokens: r.prompt, completionTokens: r.completion }));
  }

  forgetUser(platform: string, userId: string, workspace?: string): number {
    return this.forget.run(platform, userId, workspace ?? null, workspace ?? null).changes;
  }
}
