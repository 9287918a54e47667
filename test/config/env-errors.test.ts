// Environment errors name the variable, the bad value (never a secret's) and where it came from (.env or environment).

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadSettings } from "../../src/config/env.js";

const message = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the settings to be refused");
};

it("names the variable, quotes the value, and says it came from the environment", () => {
  expect(message(() => loadSettings({ PORT: "70000" }))).toBe('Invalid environment:\n  PORT="70000" (from the environment): must be a port number from 0 to 65535');
  expect(message(() => loadSettings({ BATON_MAX_INPUT_CHARS: "lots" }))).toContain('BATON_MAX_INPUT_CHARS="lots" (from the environment): must be a whole number');
});

it("a URL needs its scheme", () => {
  expect(message(() => loadSettings({ OPENAI_BASE_URL: "localhost:11434/v1" }))).toContain(
    'OPENAI_BASE_URL="localhost:11434/v1" (from the environment): must be a URL starting with http:// or https://',
  );
  expect(loadSettings({ OPENAI_BASE_URL: "http://localhost:11434/v1" }).llm).toMatchObject({ baseURL: "http://localhost:11434/v1" });
});

it("says a value came from .env, and the environment wins over the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-env-"));
  const dotenvPath = join(dir, ".env");
  writeFileSync(dotenvPath, "LOG_LEVEL=loud\nHEALTH_PORT=8080\n");
  expect(message(() => loadSettings({}, { dotenvPath }))).toBe(
    `Invalid environment:\n  LOG_LEVEL="loud" (from ${dotenvPath}): must be one of fatal, error, warn, info, debug, trace, silent`,
  );
  expect(loadSettings({ LOG_LEVEL: "warn" }, { dotenvPath }).health.port).toBe(8080);
});

it("never prints a secret's value, even a malformed one", () => {
  const text = message(() => loadSettings({ SLACK_MAX_BODY_BYTES: "x", OPENAI_BASE_URL: "nope", OPENAI_API_KEY: "sk-secret-123" }));
  expect(text).not.toContain("sk-secret-123");
});
