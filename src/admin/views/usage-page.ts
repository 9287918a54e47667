// The usage page: tokens and estimated cost per day, per server/workspace and per agent, over a chosen period.

import type { UsageReport, UsageRow } from "../ports.js";
import { formatCost, type CostEstimator } from "../usage-cost.js";
import { html, type Html } from "./html.js";

function table(title: string, keyLabel: string, rows: readonly UsageRow[], cost: CostEstimator): Html {
  const max = Math.max(1, ...rows.map((r) => r.promptTokens + r.completionTokens));
  return html`<section class="card"><h2>${title}</h2>${rows.length === 0
    ? html`<p class="muted">No token usage recorded in this period.</p>`
    : html`<table class="usage-table"><thead><tr><th>${keyLabel}</th><th class="num">Replies</th><th class="num">Prompt</th><th class="num">Completion</th><th class="num">Total</th><th class="num">Cost</th><th class="bar-col"></th></tr></thead><tbody>${rows.map((r) => {
        const total = r.promptTokens + r.completionTokens;
        const price = cost(r);
        return html`<tr><td>${r.key}</td><td class="num">${r.messages.toLocaleString("en-US")}</td><td class="num">${r.promptTokens.toLocaleString("en-US")}</td><td class="num">${r.completionTokens.toLocaleString("en-US")}</td><td class="num"><strong>${total.toLocaleString("en-US")}</strong></td><td class="num">${price === undefined ? "—" : formatCost(price)}</td><td class="bar-col"><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect width="${((100 * total) / max).toFixed(1)}" height="8" rx="2"></rect></svg></td></tr>`;
      })}</tbody></table>`}</section>`;
}

export function usageBody(options: { report: UsageReport; days: number; cost: CostEstimator; costKnown: boolean }): Html {
  const { report, days, cost } = options;
  const periods = [7, 30, 90];
  return html`<section class="toolbar"><h1>Usage</h1>
  <p class="muted">Tokens the agents used in the last ${days} days (UTC days)${options.costKnown ? ", with the estimated cost" : " — set a model price to see costs"}.
  ${periods.map((d) => (d === days ? html` <strong>${d} days</strong>` : html` <a href="/usage?days=${d}">${d} days</a>`))}</p></section>
  <div class="usage-grid">
  ${table("Per day", "Day", report.byDay, cost)}
  ${table("Per server / workspace", "Where", report.byWorkspace, cost)}
  ${table("Per agent", "Agent", report.byAgent, cost)}
  </div>`;
}
