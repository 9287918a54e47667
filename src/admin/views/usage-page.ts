// The usage page: tokens and estimated cost per day, per server/workspace and per agent, over a chosen period.

import type { UsageBreakdown, UsageBreakdownRow } from "../ports.js";
import { formatCost, modelsCost, type CostEstimator, type ModelPrices } from "../usage-cost.js";
import { html, type Html } from "./html.js";

export interface UsagePricing {
  /** The configured model's price: for rows summed from replies, which record no model. */
  readonly cost: CostEstimator;
  /** Every model's price: for usage_daily's rows, each model at its own. */
  readonly prices: ModelPrices;
}

function rowCost(row: UsageBreakdownRow, pricing: UsagePricing): number | undefined {
  return row.models.length > 0 ? modelsCost(row.models, pricing.prices) : pricing.cost(row);
}

function table(title: string, keyLabel: string, countLabel: string, rows: readonly UsageBreakdownRow[], pricing: UsagePricing): Html {
  const max = Math.max(1, ...rows.map((r) => r.promptTokens + r.completionTokens));
  const n = (value: number): string => value.toLocaleString("en-US");
  return html`<section class="card"><h2>${title}</h2>${rows.length === 0
    ? html`<p class="muted">No token usage recorded in this period.</p>`
    : html`<table class="usage-table"><thead><tr><th>${keyLabel}</th><th class="num">${countLabel}</th><th class="num">Prompt</th><th class="num">Completion</th><th class="num">Total</th><th class="num">Cost</th><th class="bar-col"></th></tr></thead><tbody>${rows.map((r) => {
        const total = r.promptTokens + r.completionTokens;
        const price = rowCost(r, pricing);
        const models = r.models.map((m) => m.model).join(", ");
        return html`<tr><td>${r.key}${models === "" ? "" : html` <span class="muted small">${models}</span>`}</td><td class="num">${n(r.count)}</td><td class="num">${n(r.promptTokens)}</td><td class="num">${n(r.completionTokens)}</td><td class="num"><strong>${n(total)}</strong></td><td class="num">${price === undefined ? "—" : formatCost(price)}</td><td class="bar-col"><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect width="${((100 * total) / max).toFixed(1)}" height="8" rx="2"></rect></svg></td></tr>`;
      })}</tbody></table>`}</section>`;
}

export function usageBody(options: { report: UsageBreakdown; days: number; pricing: UsagePricing }): Html {
  const { report, days, pricing } = options;
  const periods = [7, 30, 90];
  const daily = report.source === "usage_daily";
  const counted = daily ? "Students" : "Replies";
  return html`<section class="toolbar"><h1>Usage</h1>
  <p class="muted">Tokens the agents used in the last ${days} days (UTC days), with the estimated cost at each model's price (<code>BATON_MODEL_PRICES</code>; “—” where a model has none).
  ${periods.map((d) => (d === days ? html` <strong>${d} days</strong>` : html` <a href="/usage?days=${d}">${d} days</a>`))}</p>
  <p class="muted small">${daily
    ? "Per day and per server/workspace: the daily totals the usage caps count (kept after retention deletes old conversations). Per agent: the stored replies."
    : "This session reads one conversation: every table sums its stored replies."}</p></section>
  <div class="usage-grid">
  ${table("Per day", "Day", counted, report.byDay, pricing)}
  ${table("Per server / workspace", "Where", counted, report.byWorkspace, pricing)}
  ${table("Per agent", "Agent", "Replies", report.byAgent, pricing)}
  </div>`;
}
