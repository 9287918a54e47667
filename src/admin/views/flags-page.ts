// The flags page: open flags first, most severe first, each with its conversation and a "mark reviewed" button.

import type { FlagRecord } from "../ports.js";
import { flagCard } from "./flag-card.js";
import { html, plural, type Html } from "./html.js";

export function flagsBody(options: {
  flags: readonly FlagRecord[];
  available: boolean;
  includeReviewed: boolean;
  csrf: string;
  timeZone: string;
}): Html {
  const { flags } = options;
  const open = flags.filter((f) => f.reviewedAt === undefined).length;
  return html`<section class="toolbar"><h1>Flags</h1>
  <p class="muted">${options.available ? plural(open, "open flag") : "Flags appear here once the safety checks are set up (migration 0007)."}
  · ${options.includeReviewed ? html`<a href="/flags">Hide reviewed</a>` : html`<a href="/flags?reviewed=1">Show reviewed too</a>`}</p></section>
  ${flags.length === 0
    ? html`<p class="empty card">No ${options.includeReviewed ? "" : "open "}flags. 🎉</p>`
    : html`<div class="flag-list">${flags.map((flag) =>
        flagCard(flag, { csrf: options.csrf, timeZone: options.timeZone, back: `/flags${options.includeReviewed ? "?reviewed=1" : ""}`, withLink: true }),
      )}</div>`}`;
}
