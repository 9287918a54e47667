// Environment settings: defaults, the choice of model provider, and clear errors for bad values.

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { describeLlm, loadSettings } from "../../src/config/env.js";
import { createLogger } from "../../src/logger.js";

describe("environment settings", () => {
  it("defaults to the demo model, ./data/baton.db and the documented limits", () => {
    const settings = loadSettings({});
    expect(settings.llm).toEqual({ provider: "demo" });
    expect(settings.databasePath).toBe("./data/baton.db");
    expect(settings.agentsFile).toBe("./agents.yaml");
    expect(settings.limits).toEqual({ maxInputChars: 4000, historyMessages: 40, historyTokens: 6000, rateLimitPerMinute: 10 });
  });

  it("chooses OpenAI with a key or a base URL, Azure with an endpoint (key or Entra ID)", () => {
    expect(loadSettings({ OPENAI_API_KEY: "sk-1" }).llm).toMatchObject({ provider: "openai", model: "gpt-4o-mini", apiKey: "sk-1", maxRetries: 2, timeoutMs: 60000 });
    expect(loadSettings({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_MODEL: "llama3" }).llm).toMatchObject({ provider: "openai", model: "llama3", baseURL: "http://127.0.0.1:11434/v1" });
    const azure = loadSettings({ AZURE_OPENAI_ENDPOINT: "https://x.openai.azure.com", OPENAI_API_KEY: "sk-ignored" }).llm;
    expect(azure).toMatchObject({ provider: "azure", deployment: "gpt-4o-mini", apiVersion: "2024-10-21" });
    expect(azure).not.toHaveProperty("apiKey");
    expect(describeLlm(azure)).toContain("Microsoft Entra ID");
    expect(describeLlm(loadSettings({ OPENAI_API_KEY: "sk-secret" }).llm)).not.toContain("sk-secret");
  });

  it("reads limits, retention and platform lists", () => {
    const s = loadSettings({ BATON_MAX_INPUT_CHARS: "100", RETENTION_DAYS: "30", BATON_RATE_LIMIT_PER_MINUTE: "0", DISCORD_CHANNEL_IDS: "1, 2,,3" });
    expect(s.limits).toMatchObject({ maxInputChars: 100, retentionDays: 30, rateLimitPerMinute: 0 });
    expect(s.env.DISCORD_CHANNEL_IDS).toEqual(["1", "2", "3"]);
    expect(loadSettings({ RETENTION_DAYS: "" }).limits.retentionDays).toBeUndefined();
  });

  it("rejects bad values naming the variable", () => {
    expect(() => loadSettings({ BATON_MAX_INPUT_CHARS: "lots" })).toThrow(/BATON_MAX_INPUT_CHARS/);
    expect(() => loadSettings({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadSettings({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });
});

describe("logger", () => {
  it("redacts tokens, keys and secrets", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger("info", sink);
    logger.info({ token: "xoxb-1", settings: { botToken: "xoxb-2", apiKey: "sk-3", signingSecret: "s4" }, req: { headers: { authorization: "Bot 5" } } }, "hello");
    expect(lines.join("")).not.toMatch(/xoxb-1|xoxb-2|sk-3|s4"|Bot 5/);
    expect(lines.join("")).toContain("[redacted]");
  });
});
