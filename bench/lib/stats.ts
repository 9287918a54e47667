// Summary statistics of benchmark samples: medians across repetitions and percentiles within one.

/** The median of a list of numbers (the mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0 ≤ p ≤ 100) by the nearest-rank method: a value that was actually measured. */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Per-repetition figures combined into one: the median of each numeric field across repetitions, others from the first. */
export function medianOf<T extends object>(repetitions: readonly T[]): T {
  const first = repetitions[0];
  if (first === undefined) throw new Error("medianOf needs at least one repetition.");
  const out: Record<string, unknown> = { ...(first as Record<string, unknown>) };
  for (const [key, value] of Object.entries(first)) {
    if (typeof value === "number") out[key] = median(repetitions.map((r) => (r as Record<string, number>)[key]!));
  }
  return out as unknown as T;
}
