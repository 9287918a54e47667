// What the web console and the history export charge per token: the configured model's price, if it has one.

import { costPerMillion, type CostEstimator } from "../admin/usage-cost.js";
import type { Settings } from "../config/env.js";

/** Costs at the configured model's price (BATON_MODEL_PRICES); unknown model or demo: no cost. */
export function consoleCost(settings: Settings): { cost?: CostEstimator } {
  const model = settings.llm.provider === "openai" ? settings.llm.model : settings.llm.provider === "azure" ? settings.llm.deployment : undefined;
  const price = model === undefined ? undefined : settings.safety.prices.get(model);
  return price === undefined ? {} : { cost: costPerMillion(price) };
}
