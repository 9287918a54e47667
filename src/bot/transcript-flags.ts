// The one wording of a safety flag in every transcript (/history, /homework-history, the CLI): adapters only escape and style it.

import type { TranscriptFlag } from "./moderator-reads-port.js";

const ACTIONS: Record<TranscriptFlag["action"], string> = {
  block: "blocked: no agent saw it",
  withhold: "withheld: the student saw a notice instead",
  answer: "flagged: let through",
  unchecked: "unchecked: moderation was unavailable",
};

/** One line per flag, e.g. "⚑ urgent · blocked: no agent saw it · self-harm/intent 0.96 · flag #3". */
export function flagMark(flag: TranscriptFlag): string {
  const categories = Object.entries(flag.categories).map(([name, score]) => `${name} ${score.toFixed(2)}`);
  const severity = flag.severity === "urgent" || flag.severity === "alert" ? `${flag.severity} · ` : "";
  const parts = [`⚑ ${severity}${ACTIONS[flag.action]}`, ...(categories.length > 0 ? [categories.join(", ")] : []), `flag #${flag.id}`];
  return `${parts.join(" · ")}${flag.reviewed ? " · reviewed" : ""}`;
}

