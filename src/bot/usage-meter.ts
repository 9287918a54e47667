// Daily token caps per student and per server/workspace, the usage they count, and the /usage report with its cost.

import type { ModelPrice } from "../config/safety-settings.js";
import type { UsageRepository } from "./store-port.js";
import type { TokenUsage } from "../workflow/messages.js";
import type { Conversation, UsageDelta, UsageTotal } from "./store-records.js";

export const USAGE_CAP_NOTICE =
  "You've reached today's limit of questions for the tutors. Please try again tomorrow — and if it's urgent, ask your teacher.";

export interface UsageCaps {
  readonly dailyTokensPerUser?: number;
  readonly dailyTokensPerWorkspace?: number;
}

export interface UsageMeterOptions {
  readonly usage: UsageRepository;
  readonly caps: UsageCaps;
  /** The model the turns are billed under (the chat model or Azure deployment). */
  readonly model: string;
  readonly prices: ReadonlyMap<string, ModelPrice>;
  readonly now: () => number;
}

export interface UsagePeriod {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** US dollars; undefined when a model used has no price in the table. */
  readonly estimatedCostUsd: number | undefined;
  readonly models: readonly string[];
}

/** One agent's share, from the tokens stored on its messages, priced at the current model's price. */
export interface AgentUsage {
  readonly agent: string;
  readonly totalTokens: number;
  readonly estimatedCostUsd: number | undefined;
}

export interface UsageReport {
  readonly day: string;
  readonly month: string;
  readonly today: UsagePeriod;
  readonly thisMonth: UsagePeriod;
  readonly caps: UsageCaps;
  /** The same periods per agent, most tokens first. */
  readonly byAgent: { readonly today: readonly AgentUsage[]; readonly thisMonth: readonly AgentUsage[] };
}

export class UsageMeter {
  constructor(private readonly options: UsageMeterOptions) {}

  /** Which cap this student's message is over, if any (no model call then). */
  async overCap(conversation: Pick<Conversation, "key">, userId: string | undefined): Promise<"user" | "workspace" | undefined> {
    const { caps, usage } = this.options;
    const { platform, workspace } = conversation.key;
    const day = this.today();
    const sum = (totals: UsageTotal[]) => totals.reduce((n, t) => n + t.promptTokens + t.completionTokens, 0);
    if (caps.dailyTokensPerUser !== undefined && userId !== undefined) {
      if (sum(await usage.totals({ platform, workspace, userId, fromDay: day, toDay: day })) >= caps.dailyTokensPerUser) return "user";
    }
    if (caps.dailyTokensPerWorkspace !== undefined) {
      if (sum(await usage.totals({ platform, workspace, fromDay: day, toDay: day })) >= caps.dailyTokensPerWorkspace) return "workspace";
    }
    return undefined;
  }

  /**
   * What one agent step's model calls used, as today's row for the student who asked: the step commit adds it in the
   * step's own transaction (undefined when there is nothing to count: no student, or no tokens).
   */
  stepUsage(conversation: Pick<Conversation, "key">, userId: string | undefined, messages: readonly { readonly usage?: TokenUsage | undefined }[]): UsageDelta | undefined {
    if (userId === undefined) return undefined;
    let promptTokens = 0;
    let completionTokens = 0;
    for (const message of messages) {
      promptTokens += message.usage?.promptTokens ?? 0;
      completionTokens += message.usage?.completionTokens ?? 0;
    }
    if (promptTokens === 0 && completionTokens === 0) return undefined;
    const { platform, workspace } = conversation.key;
    return { platform, workspace, userId, day: this.today(), model: this.options.model, promptTokens, completionTokens };
  }

  async report(scope: { platform: string; workspace: string }): Promise<UsageReport> {
    const day = this.today();
    const month = day.slice(0, 7);
    const { usage } = this.options;
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const [today, thisMonth, agentsToday, agentsThisMonth] = await Promise.all([
      usage.totals({ ...scope, fromDay: day, toDay: day }),
      usage.totals({ ...scope, fromDay: `${month}-01`, toDay: `${month}-31` }),
      this.agents(scope, dayStart, dayStart + 86_400_000),
      this.agents(scope, Date.parse(`${month}-01T00:00:00Z`), nextMonth(month)),
    ]);
    return {
      day,
      month,
      today: this.period(today),
      thisMonth: this.period(thisMonth),
      caps: this.options.caps,
      byAgent: { today: agentsToday, thisMonth: agentsThisMonth },
    };
  }

  private async agents(scope: { platform: string; workspace: string }, from: number, to: number): Promise<AgentUsage[]> {
    const price = this.options.prices.get(this.options.model);
    return (await this.options.usage.agentTotals({ ...scope, from, to })).map((t) => ({
      agent: t.agent,
      totalTokens: t.promptTokens + t.completionTokens,
      estimatedCostUsd: price === undefined ? undefined : (t.promptTokens * price.input + t.completionTokens * price.output) / 1_000_000,
    }));
  }

  private period(totals: UsageTotal[]): UsagePeriod {
    let cost: number | undefined = 0;
    for (const t of totals) {
      const price = this.options.prices.get(t.model);
      cost = price === undefined || cost === undefined ? undefined : cost + (t.promptTokens * price.input + t.completionTokens * price.output) / 1_000_000;
    }
    const promptTokens = totals.reduce((n, t) => n + t.promptTokens, 0);
    const completionTokens = totals.reduce((n, t) => n + t.completionTokens, 0);
    return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimatedCostUsd: cost, models: totals.map((t) => t.model) };
  }

  private today(): string {
    return new Date(this.options.now()).toISOString().slice(0, 10);
  }
}

/** The first millisecond of the month after `month` (YYYY-MM), UTC. */
function nextMonth(month: string): number {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return Date.UTC(year, monthNumber, 1);
}
