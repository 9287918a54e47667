// Alerts to the moderators' channel: what one says, and the throttle (one per conversation and category an hour; urgent always).

import type { ThreadRef } from "./ports.js";

export const ALERT_EXCERPT_CHARS = 200;
const HOUR_MS = 3_600_000;

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

export class AlertThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Whether to post: urgent always; otherwise only if one of the categories had no alert in this conversation this hour. */
  allows(conversationId: number, categories: readonly string[], urgent: boolean): boolean {
    const at = this.now();
    const fresh = categories.filter((c) => at - (this.last.get(`${conversationId}:${c}`) ?? -Infinity) >= HOUR_MS);
    if (!urgent && fresh.length === 0) return false;
    for (const c of categories) this.last.set(`${conversationId}:${c}`, at);
    if (this.last.size > 10_000) this.prune(at);
    return true;
  }

  private prune(at: number): void {
    for (const [key, time] of this.last) if (at - time >= HOUR_MS) this.last.delete(key);
  }
}
