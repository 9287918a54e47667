// The safety settings read from the environment: the moderation service, alert channels, usage caps and model prices.

import { UserError } from "../workflow/errors.js";

export type ModerationSettings =
  | {
      readonly provider: "openai";
      readonly apiKey?: string;
      readonly baseURL: string;
      readonly maxRetries: number;
      readonly timeoutMs: number;
    }
  | {
      readonly provider: "off";
      /** Why it is off: the operator said so, or there is no key to call the endpoint with (worth a warning at start). */
      readonly reason: "setting" | "no_key";
    };

/** US dollars per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

export interface SafetySettings {
  readonly moderation: ModerationSettings;
  readonly caps: { readonly dailyTokensPerUser?: number; readonly dailyTokensPerWorkspace?: number };
  readonly prices: ReadonlyMap<string, ModelPrice>;
}

/** What the safety settings read; a subset of Env so this file stays independent of the schema's other entries. */
export interface SafetyEnv {
  readonly BATON_MODERATION?: "openai" | "off" | undefined;
  readonly BATON_MODERATION_API_KEY?: string | undefined;
  readonly BATON_MODERATION_BASE_URL?: string | undefined;
  readonly OPENAI_API_KEY?: string | undefined;
  readonly OPENAI_BASE_URL?: string | undefined;
  readonly LLM_MAX_RETRIES: number;
  readonly LLM_TIMEOUT_MS: number;
  readonly BATON_DAILY_TOKENS_PER_USER?: number | undefined;
  readonly BATON_DAILY_TOKENS_PER_WORKSPACE?: number | undefined;
  readonly BATON_MODEL_PRICES?: string | undefined;
}

const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Prices of common models (USD per 1M input/output tokens); BATON_MODEL_PRICES adds to or overrides them. */
export const DEFAULT_MODEL_PRICES: ReadonlyMap<string, ModelPrice> = new Map([
  ["gpt-4o-mini", { input: 0.15, output: 0.6 }],
  ["gpt-4o", { input: 2.5, output: 10 }],
  ["gpt-4.1-mini", { input: 0.4, output: 1.6 }],
  ["gpt-4.1", { input: 2, output: 8 }],
]);

export const MODERATION_OFF_WARNING =
  "Moderation is off: no OPENAI_API_KEY or BATON_MODERATION_API_KEY is set, so students' messages are not checked. " +
  "Set BATON_MODERATION_API_KEY (or BATON_MODERATION=off to silence this warning).";

/** The start-up line when the operator turned moderation off: not a warning (they chose it), but never silent. */
export const MODERATION_DISABLED_NOTICE = "Moderation is off (BATON_MODERATION=off): students' messages are not checked and no safety alerts are raised.";

export function safetySettings(env: SafetyEnv): SafetySettings {
  return {
    moderation: moderationSettings(env),
    caps: {
      ...(env.BATON_DAILY_TOKENS_PER_USER !== undefined ? { dailyTokensPerUser: env.BATON_DAILY_TOKENS_PER_USER } : {}),
      ...(env.BATON_DAILY_TOKENS_PER_WORKSPACE !== undefined ? { dailyTokensPerWorkspace: env.BATON_DAILY_TOKENS_PER_WORKSPACE } : {}),
    },
    prices: parsePrices(env.BATON_MODEL_PRICES),
  };
}

function moderationSettings(env: SafetyEnv): ModerationSettings {
  const apiKey = env.BATON_MODERATION_API_KEY ?? env.OPENAI_API_KEY;
  const baseURL = env.BATON_MODERATION_BASE_URL ?? env.OPENAI_BASE_URL ?? OPENAI_BASE_URL;
  if (env.BATON_MODERATION === "off") return { provider: "off", reason: "setting" };
  if (apiKey === undefined) {
    // Asked for explicitly: a local compatible server may take no key, but OpenAI's own endpoint always needs one.
    if (env.BATON_MODERATION === "openai" && env.BATON_MODERATION_BASE_URL === undefined) {
      throw new UserError(
        "BATON_MODERATION=openai needs a key: set BATON_MODERATION_API_KEY (or OPENAI_API_KEY), or BATON_MODERATION_BASE_URL for a server that takes none.",
        { code: "configuration" },
      );
    }
    if (env.BATON_MODERATION !== "openai") return { provider: "off", reason: "no_key" };
  }
  return {
    provider: "openai",
    ...(apiKey !== undefined ? { apiKey } : {}),
    baseURL,
    maxRetries: env.LLM_MAX_RETRIES,
    timeoutMs: env.LLM_TIMEOUT_MS,
  };
}

/** "model=input/output,…" in USD per 1M tokens, e.g. "gpt-4o-mini=0.15/0.60,llama3=0/0". */
function parsePrices(text: string | undefined): ReadonlyMap<string, ModelPrice> {
  const prices = new Map(DEFAULT_MODEL_PRICES);
  if (text === undefined) return prices;
  for (const entry of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const match = /^([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(entry);
    if (match === null) {
      throw new UserError(`Invalid environment: BATON_MODEL_PRICES: '${entry}' is not model=input/output (USD per 1M tokens).`, {
        code: "configuration",
      });
    }
    prices.set(match[1]!, { input: Number(match[2]), output: Number(match[3]) });
  }
  return prices;
}
