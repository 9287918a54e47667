// What an image costs in prompt tokens, by OpenAI's tile formula for GPT-4o-class models.

export type ImageDetailSetting = "auto" | "low" | "high";

/**
 * low: 85 tokens. high: fit inside 2048×2048, then scale so the shortest side is at most 768, then 170 per 512-px tile
 * plus 85. auto lets the model choose; the window counts it as high, so the budget is never exceeded.
 */
export function imageTokens(width: number, height: number, detail: ImageDetailSetting): number {
  if (detail === "low") return 85;
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shortest = Math.min(1, 768 / Math.min(w, h));
  w *= shortest;
  h *= shortest;
  return 170 * Math.ceil(w / 512) * Math.ceil(h / 512) + 85;
}
