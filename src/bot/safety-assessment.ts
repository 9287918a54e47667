// Applies the safety policy to a moderation verdict: which categories count, and the strictest action and alert of them.

import { lookup, type SafetyPolicy } from "../config/safety-policy.js";
import type { ModerationVerdict } from "./moderation-port.js";

export type AlertLevel = "urgent" | "normal" | "none";

/** What the policy makes of a verdict that counted at least one category. */
export interface SafetyFinding {
  /** Category → score, for the categories that counted (over their threshold, or flagged by the service). */
  readonly categories: Readonly<Record<string, number>>;
  readonly action: "block" | "answer";
  readonly alert: AlertLevel;
  /** The reply to a blocked student (help resources filled in); undefined when the message goes on. */
  readonly reply: string | undefined;
}

const ALERT_RANK: Record<AlertLevel, number> = { none: 0, normal: 1, urgent: 2 };

/** Category → score of the categories that count under the policy's thresholds. */
export function countedCategories(verdict: ModerationVerdict, policy: SafetyPolicy): Record<string, number> {
  const counted: Record<string, number> = {};
  for (const [name, { flagged, score }] of Object.entries(verdict.categories)) {
    const threshold = lookup(policy.thresholds, name);
    if (threshold === undefined ? flagged : score >= threshold) counted[name] = score;
  }
  return counted;
}

/** The finding for these counted categories, or undefined when none counted. */
export function assess(categories: Readonly<Record<string, number>>, policy: SafetyPolicy): SafetyFinding | undefined {
  const names = Object.keys(categories).sort((a, b) => categories[b]! - categories[a]!);
  if (names.length === 0) return undefined;
  let action: SafetyFinding["action"] = "answer";
  let alert: AlertLevel = "none";
  let reply: string | undefined;
  for (const name of names) {
    const rule = lookup(policy.rules, name) ?? { action: "answer" as const, alert: "none" as const };
    if (ALERT_RANK[rule.alert] > ALERT_RANK[alert]) alert = rule.alert;
    if (rule.action === "block" && action !== "block") {
      action = "block";
      // The highest-scoring blocking category chooses what the student is told.
      reply = (rule.reply ?? policy.blockedReply).replaceAll("{helpResources}", policy.helpResources);
    }
  }
  return { categories, action, alert, reply };
}

/** The flag's severity column for a finding. */
export function severityOf(finding: SafetyFinding): "urgent" | "alert" | "flag" {
  return finding.alert === "urgent" ? "urgent" : finding.alert === "normal" ? "alert" : "flag";
}
