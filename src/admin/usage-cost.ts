// Estimated cost of tokens: the composition root passes a price function (per model, from settings); none → no cost.

export type CostEstimator = (tokens: { readonly promptTokens: number; readonly completionTokens: number }) => number | undefined;

export const noCost: CostEstimator = () => undefined;

/** A price table in US dollars per million tokens. */
export function costPerMillion(prices: { readonly input: number; readonly output: number }): CostEstimator {
  return (tokens) => (tokens.promptTokens * prices.input + tokens.completionTokens * prices.output) / 1_000_000;
}

export function totals(messages: ReadonlyArray<{ promptTokens: number | undefined; completionTokens: number | undefined }>): {
  promptTokens: number;
  completionTokens: number;
} {
  let promptTokens = 0;
  let completionTokens = 0;
  for (const m of messages) {
    promptTokens += m.promptTokens ?? 0;
    completionTokens += m.completionTokens ?? 0;
  }
  return { promptTokens, completionTokens };
}

export function formatCost(dollars: number): string {
  return dollars < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}

/** USD per million tokens, by model (BATON_MODEL_PRICES and the built-in table). */
export type ModelPrices = ReadonlyMap<string, { readonly input: number; readonly output: number }>;

/** Each model at its own price; undefined if any of them has none (a partial sum would read as the whole cost). */
export function modelsCost(
  models: ReadonlyArray<{ readonly model: string; readonly promptTokens: number; readonly completionTokens: number }>,
  prices: ModelPrices,
): number | undefined {
  let sum = 0;
  for (const m of models) {
    const price = prices.get(m.model);
    if (price === undefined) return undefined;
    sum += (m.promptTokens * price.input + m.completionTokens * price.output) / 1_000_000;
  }
  return sum;
}
