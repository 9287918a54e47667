// Safety settings: moderation on by default for OpenAI users, off (with a reason) otherwise; caps and prices.

import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/env.js";

describe("safety settings", () => {
  it("moderates with OpenAI's endpoint out of the box when OPENAI_API_KEY is set", () => {
    expect(loadSettings({ OPENAI_API_KEY: "sk-1" }).safety.moderation).toEqual({
      provider: "openai",
      apiKey: "sk-1",
      baseURL: "https://api.openai.com/v1",
      maxRetries: 2,
      timeoutMs: 60_000,
    });
  });

  it("is off without a key (a warning at start), or when BATON_MODERATION=off", () => {
    expect(loadSettings({}).safety.moderation).toEqual({ provider: "off", reason: "no_key" });
    expect(loadSettings({ OPENAI_API_KEY: "sk-1", BATON_MODERATION: "off" }).safety.moderation).toEqual({ provider: "off", reason: "setting" });
  });

  it("uses its own key and base URL while chat runs on Azure or a local server", () => {
    const s = loadSettings({
      AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com",
      BATON_MODERATION_API_KEY: "sk-mod",
      BATON_MODERATION_BASE_URL: "http://127.0.0.1:9/v1",
    });
    expect(s.llm.provider).toBe("azure");
    expect(s.safety.moderation).toMatchObject({ provider: "openai", apiKey: "sk-mod", baseURL: "http://127.0.0.1:9/v1" });
  });

  it("refuses BATON_MODERATION=openai with no key and no server to use, naming the setting", () => {
    expect(() => loadSettings({ BATON_MODERATION: "openai" })).toThrow(/BATON_MODERATION_API_KEY/);
    expect(() => loadSettings({ BATON_MODERATION: "sometimes" })).toThrow(/BATON_MODERATION/);
  });

  it("reads the caps (off by default) and the price table", () => {
    expect(loadSettings({}).safety.caps).toEqual({});
    const s = loadSettings({ BATON_DAILY_TOKENS_PER_USER: "20000", BATON_DAILY_TOKENS_PER_WORKSPACE: "500000", BATON_MODEL_PRICES: "llama3=0/0, gpt-4o-mini=1/2" });
    expect(s.safety.caps).toEqual({ dailyTokensPerUser: 20_000, dailyTokensPerWorkspace: 500_000 });
    expect(s.safety.prices.get("llama3")).toEqual({ input: 0, output: 0 });
    expect(s.safety.prices.get("gpt-4o-mini")).toEqual({ input: 1, output: 2 });
    expect(s.safety.prices.get("gpt-4o")).toEqual({ input: 2.5, output: 10 });
    expect(() => loadSettings({ BATON_MODEL_PRICES: "gpt-4o=cheap" })).toThrow(/BATON_MODEL_PRICES/);
    expect(() => loadSettings({ BATON_DAILY_TOKENS_PER_USER: "0" })).toThrow(/BATON_DAILY_TOKENS_PER_USER/);
  });
});
