// Reads Azure OpenAI's content-filter results (a 400 with code content_filter, or a choice stopped by the filter) into
// the moderation endpoint's category names, so both feed the same flags and the same safety policy.

import { ContentFilterError } from "../workflow/errors.js";

/** Azure's category names → the moderation endpoint's. Categories with no counterpart keep Azure's name. */
const CATEGORY_NAMES: Readonly<Record<string, string>> = {
  hate: "hate",
  sexual: "sexual",
  violence: "violence",
  self_harm: "self-harm",
  jailbreak: "jailbreak",
  profanity: "profanity",
  protected_material_text: "protected-material",
  protected_material_code: "protected-material",
};

/** Azure grades severity, not probability: each level is given a score inside its band. */
const SEVERITY_SCORES: Readonly<Record<string, number>> = { safe: 0, low: 0.3, medium: 0.6, high: 0.9 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The filtered categories of one `content_filter_result(s)` object, scored; empty when nothing was filtered. */
export function filteredCategories(results: unknown): Record<string, number> {
  const categories: Record<string, number> = {};
  if (!isRecord(results)) return categories;
  for (const [azureName, result] of Object.entries(results)) {
    if (!isRecord(result) || result.filtered !== true) continue;
    const name = CATEGORY_NAMES[azureName] ?? azureName;
    const score = typeof result.severity === "string" ? (SEVERITY_SCORES[result.severity] ?? 1) : 1;
    categories[name] = Math.max(categories[name] ?? 0, score);
  }
  return categories;
}

/** The ContentFilterError for an API error body that is Azure's content-filter refusal of the prompt, if it is one. */
export function promptFilterError(body: unknown, cause: unknown): ContentFilterError | undefined {
  if (!isRecord(body) || body.code !== "content_filter") return undefined;
  const inner = isRecord(body.innererror) ? body.innererror.content_filter_result : undefined;
  return new ContentFilterError("input", filteredCategories(inner), { cause });
}

/** The ContentFilterError for a choice that the filter stopped (finish_reason content_filter), if it was. */
export function answerFilterError(finishReason: string | null | undefined, results: unknown): ContentFilterError | undefined {
  if (finishReason !== "content_filter") return undefined;
  return new ContentFilterError("output", filteredCategories(results));
}
