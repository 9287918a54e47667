// Environment settings: defaults, the choice of model provider, and clear errors for bad values.

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { whenConfigured } from "../../src/config/configured.js";
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
    const discord = { DISCORD_TOKEN: "t", DISCORD_APPLICATION_ID: "1" };
    const s = loadSettings({ BATON_MAX_INPUT_CHARS: "100", RETENTION_DAYS: "30", BATON_RATE_LIMIT_PER_MINUTE: "0", DISCORD_CHANNEL_IDS: "1, 2,,3", ...discord });
    expect(s.limits).toMatchObject({ maxInputChars: 100, retentionDays: 30, rateLimitPerMinute: 0 });
    expect(whenConfigured(s.discord)?.channelIds).toEqual(["1", "2", "3"]);
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

describe("logged errors", () => {
  it("never carry the tokens, URLs, bodies or headers that HTTP clients hang on them", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger("info", sink);
    const discord = Object.assign(new Error("Unknown Webhook"), {
      code: 10015,
      status: 404,
      url: "https://discord.com/api/v10/webhooks/123/wh-secret-token?thread_id=9",
      requestBody: { json: { content: "a student's question" } },
    });
    const slack = Object.assign(new Error("A request error occurred: connect ECONNREFUSED"), {
      code: "slack_webapi_request_error",
      original: { config: { headers: { Authorization: "Bearer xoxb-1111-secret" } }, request: { _header: "Authorization: Bearer xoxb-1111-secret" } },
    });
    const wrapped = new Error("delivery failed for https://discord.com/api/v10/interactions/77/int-secret/callback", { cause: slack });
    logger.error({ err: discord }, "a");
    logger.error({ err: wrapped }, "b");
    const out = lines.join("");
    expect(out).not.toMatch(/wh-secret-token|xoxb-1111-secret|int-secret|a student's question/);
    expect(out).toContain("Unknown Webhook");
    expect(out).toContain('"code":10015');
    expect(out).toContain("ECONNREFUSED");
  });
});

