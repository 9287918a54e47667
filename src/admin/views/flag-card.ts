// One flag: severity, categories, what Baton did, and the "mark reviewed" form (or who reviewed it, when).

import type { FlagRecord } from "../ports.js";
import { formatTime } from "../time-zone.js";
import { html, type Html } from "./html.js";

const ACTIONS: Record<string, string> = {
  block: "blocked: no agent ran",
  answer: "answered, moderators alerted",
  withhold: "answer withheld",
  unchecked: "not checked (moderation unavailable)",
};

export function flagCard(flag: FlagRecord, options: { csrf: string; timeZone: string; back: string; withLink?: boolean }): Html {
  const reviewed = flag.reviewedAt !== undefined;
  return html`<div class="flag-card severity-${flag.severity}${reviewed ? " reviewed" : ""}" id="flag-${flag.id}">
  <div class="flag-head"><span class="badge sev-${flag.severity}">${flag.severity}</span> <span>${flag.categories.join(", ")}</span> <span class="muted">· ${flag.source === "output" ? "agent answer" : "student message"}${flag.student === undefined ? "" : html` (${flag.student})`} · ${ACTIONS[flag.action] ?? flag.action} · ${formatTime(flag.createdAt, options.timeZone)}</span>
  ${options.withLink === true ? html` · <a href="/conversations/${flag.conversationId}#flag-${flag.id}">conversation #${flag.conversationId}</a>` : ""}</div>
  ${flag.messageId === undefined || options.withLink === true ? html`<p class="flag-text">${flag.excerpt}</p>` : ""}
  ${reviewed
    ? html`<p class="reviewed-by">✓ Reviewed by ${flag.reviewedBy ?? "someone"} · ${formatTime(flag.reviewedAt!, options.timeZone)}</p>`
    : html`<form method="post" action="/flags/${flag.id}/review"><input type="hidden" name="csrf" value="${options.csrf}"><input type="hidden" name="back" value="${options.back}"><button class="primary small">Mark reviewed</button></form>`}
</div>`;
}
