// The words both adapters use for a flag and for a usage report, so /flags and /homework-flags (and /usage and
// /homework-usage) say the same things; each adapter adds its own markup.

import type { AgentPresentation } from "../../bot/ports.js";
import type { UsagePeriod, UsageReport } from "../../bot/usage-meter.js";
import type { FlagAction, FlagRow, FlagSeverity } from "../../store/flag-types.js";

/** A flag id that no longer reads (deleted, or of another server/workspace). */
export const FLAG_GONE = "That flag is no longer stored (its student was forgotten, or it passed retention).";
/** How many flags one /flags answer lists (one "mark reviewed" button each). */
export const FLAGS_SHOWN = 5;
/** Characters of the flagged text shown in a listing (the alert's excerpt is 200). */
const EXCERPT_CHARS = 150;

const SEVERITY: Readonly<Record<FlagSeverity, string>> = { urgent: "🔴 urgent", alert: "🟠 alert", flag: "🟡 flag", none: "⚪ note" };
const ACTION: Readonly<Record<FlagAction, string>> = {
  block: "blocked (no agent ran)",
  answer: "answered",
  withhold: "answer withheld",
  unchecked: "unchecked (moderation failed)",
};

export const NO_OPEN_FLAGS = "No flags to review. ✓";
export const SAFETY_OFF = "Classroom safety is not configured here (BATON_MODERATION is off), so no flags or usage are recorded.";

/** "🔴 urgent · self-harm/intent 0.96, self-harm 0.90 · blocked (no agent ran) · student's message" */
export function flagHeadline(flag: FlagRow): string {
  const categories = Object.entries(flag.categories)
    .sort(([, a], [, b]) => b - a)
    .map(([category, score]) => `${category} ${score.toFixed(2)}`)
    .join(", ");
  const source = flag.source === "input" ? "student's message" : "agent's answer";
  return [SEVERITY[flag.severity], categories || "no category", ACTION[flag.action], source].join(" · ");
}

/** The flagged text on one line, cut to 150 characters. */
export function flagExcerpt(flag: FlagRow): string {
  const line = flag.text.replace(/\s+/g, " ").trim();
  const chars = [...line];
  return chars.length <= EXCERPT_CHARS ? line : `${chars.slice(0, EXCERPT_CHARS - 1).join("")}…`;
}

/** Unix seconds, for the platforms' own time formatting (Discord <t:…:R>, Slack <!date^…>). */
export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

export function formatTokens(tokens: number): string {
  return tokens.toLocaleString("en-US");
}

export function formatUsd(dollars: number | undefined): string {
  if (dollars === undefined) return "cost unknown";
  return dollars < 0.01 ? `~$${dollars.toFixed(4)}` : `~$${dollars.toFixed(2)}`;
}

function periodLine(label: string, period: UsagePeriod): string {
  const cost = period.estimatedCostUsd === undefined && period.totalTokens > 0 ? `no price for ${period.models.join(", ")} (BATON_MODEL_PRICES)` : formatUsd(period.estimatedCostUsd ?? 0);
  return `${label}: ${formatTokens(period.totalTokens)} tokens (${formatTokens(period.promptTokens)} in, ${formatTokens(period.completionTokens)} out) · ${cost}`;
}

/** The lines of a /usage answer after its title, in order: periods, per agent, caps, the note on estimates. */
export function usageLines(report: UsageReport, agents: ReadonlyMap<string, AgentPresentation>): string[] {
  const name = (agent: string) => agents.get(agent)?.displayName ?? agent;
  const perAgent = (label: string, rows: UsageReport["byAgent"]["today"]) =>
    rows.length === 0 ? `${label}: none` : `${label}: ${rows.map((r) => `${name(r.agent)} ${formatTokens(r.totalTokens)} (${formatUsd(r.estimatedCostUsd)})`).join(" · ")}`;
  const cap = (value: number | undefined, per: string) => (value === undefined ? `no cap per ${per}` : `${formatTokens(value)} a day per ${per}`);
  return [
    periodLine(`Today (${report.day}, UTC)`, report.today),
    periodLine(`This month (${report.month})`, report.thisMonth),
    perAgent("Per agent today", report.byAgent.today),
    perAgent("Per agent this month", report.byAgent.thisMonth),
    `Caps: ${cap(report.caps.dailyTokensPerUser, "student")}; ${cap(report.caps.dailyTokensPerWorkspace, "server/workspace")}.`,
    "Costs are estimates from the price table (BATON_MODEL_PRICES), not a bill.",
  ];
}
