// Alerts to the moderators' channel: what one says, built from its stored flag, and the excerpt it quotes.

import type { ThreadRef } from "./ports.js";
import type { FlagRow } from "./store-records.js";

export const ALERT_EXCERPT_CHARS = 200;
/** One alert per conversation and category within this window; urgent ones always. */
export const ALERT_WINDOW_MS = 3_600_000;

/** One alert for the moderators' channel; the adapter renders it (an embed, a message) with a link to the message. */
export interface SafetyAlert {
  readonly flagId: number;
  readonly severity: "urgent" | "alert";
  readonly source: "input" | "output";
  /** Category → score, highest first. */
  readonly categories: Readonly<Record<string, number>>;
  readonly action: "block" | "answer" | "withhold";
  readonly student: { readonly id: string; readonly name: string };
  /** At most ALERT_EXCERPT_CHARS characters of the flagged text. */
  readonly excerpt: string;
  readonly thread: ThreadRef;
  /** The flagged message on the platform (the student's, or the answer that was withheld), when known. */
  readonly platformMessageId: string | undefined;
}

/** The flagged text cut to ALERT_EXCERPT_CHARS characters (by code point, with an ellipsis when cut), on one line. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const points = [...flat];
  return points.length <= ALERT_EXCERPT_CHARS ? flat : `${points.slice(0, ALERT_EXCERPT_CHARS - 1).join("")}…`;
}

/** The alert a stored flag raises: everything it says is in the row, so a restart posts the same alert. */
export function alertOf(flag: FlagRow): SafetyAlert {
  const categories = Object.fromEntries(Object.entries(flag.categories).sort(([, a], [, b]) => b - a));
  return {
    flagId: flag.id,
    severity: flag.severity === "urgent" ? "urgent" : "alert",
    source: flag.source,
    categories,
    action: flag.action === "unchecked" ? "answer" : flag.action,
    student: { id: flag.userId ?? "", name: flag.userName ?? flag.userId ?? "student" },
    excerpt: excerpt(flag.text),
    thread: flag.key,
    platformMessageId: flag.platformMessageId,
  };
}
