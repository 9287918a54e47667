// The ModerationClient adapter for OpenAI's moderation endpoint (omni-moderation-latest, free), through the openai client.

import type OpenAI from "openai";
import type { Moderation, ModerationMultiModalInput } from "openai/resources/moderations";
import type { ModerationClient, ModerationInput, ModerationVerdict } from "../bot/moderation-port.js";
import { ModelBehaviorError } from "../workflow/errors.js";
import { batonErrorFromOpenAI } from "./openai-errors.js";

export const DEFAULT_MODERATION_MODEL = "omni-moderation-latest";

export interface OpenAIModerationClientOptions {
  readonly client: OpenAI;
  /** Defaults to omni-moderation-latest (text and images). */
  readonly model?: string;
}

export class OpenAIModerationClient implements ModerationClient {
  readonly model: string;
  readonly #client: OpenAI;

  constructor(options: OpenAIModerationClientOptions) {
    this.#client = options.client;
    this.model = options.model ?? DEFAULT_MODERATION_MODEL;
  }

  async moderate(inputs: readonly ModerationInput[], signal?: AbortSignal): Promise<ModerationVerdict[]> {
    if (inputs.length === 0) return [];
    // Texts alone go in one request (one result per string); a message with images is one multi-modal input, which
    // the endpoint answers with a single result, so each of those is its own request.
    if (inputs.every((input) => (input.imageUrls ?? []).length === 0)) {
      return this.#request(inputs.map((input) => input.text), inputs.length, signal);
    }
    const verdicts: ModerationVerdict[] = [];
    for (const input of inputs) {
      const parts: ModerationMultiModalInput[] = [];
      if (input.text !== "") parts.push({ type: "text", text: input.text });
      for (const url of input.imageUrls ?? []) parts.push({ type: "image_url", image_url: { url } });
      verdicts.push(...(await this.#request(parts, 1, signal)));
    }
    return verdicts;
  }

  async #request(input: string[] | ModerationMultiModalInput[], expected: number, signal?: AbortSignal): Promise<ModerationVerdict[]> {
    let results: Moderation[];
    try {
      const response = await this.#client.moderations.create({ model: this.model, input }, signal === undefined ? {} : { signal });
      results = response.results;
    } catch (error) {
      throw batonErrorFromOpenAI(error, signal);
    }
    if (results.length !== expected) {
      throw new ModelBehaviorError(`The moderation service returned ${results.length} results for ${expected} inputs.`);
    }
    return results.map(toVerdict);
  }
}

function toVerdict(result: Moderation): ModerationVerdict {
  const categories: Record<string, { flagged: boolean; score: number }> = {};
  const flags = result.categories as unknown as Record<string, boolean | null>;
  const scores = result.category_scores as unknown as Record<string, number>;
  for (const [name, score] of Object.entries(scores)) categories[name] = { flagged: flags[name] === true, score };
  return { categories };
}
