// At start, moderation that is off says so: a warning naming the settings when there is no key, a line when chosen.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { createConversationApp, type ConversationApp } from "../../src/app/create-app.js";
import { safetySettings, type SafetyEnv } from "../../src/config/safety-settings.js";
import { DEFAULT_TEST_LIMITS } from "../support/service-harness.js";

let app: ConversationApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  app = undefined;
  dir = undefined;
});

function startWith(env: Partial<SafetyEnv>): Array<{ level: number; msg: string }> {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: "info" }, new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk)) as { level: number; msg: string }), done()) }));
  dir = mkdtempSync(join(tmpdir(), "baton-moderation-"));
  app = createConversationApp({
    databasePath: join(dir, "baton.db"),
    agentsFile: new URL("../../agents.yaml", import.meta.url).pathname,
    llm: { provider: "demo" },
    limits: DEFAULT_TEST_LIMITS,
    logger,
    safety: safetySettings({ LLM_MAX_RETRIES: 0, LLM_TIMEOUT_MS: 1_000, ...env }),
  });
  return lines;
}

it("warns once at start, naming BATON_MODERATION and the key to set, when no key is there to moderate with", () => {
  const lines = startWith({});
  const warnings = lines.filter((l) => l.level === 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.msg).toContain("BATON_MODERATION_API_KEY");
  expect(warnings[0]!.msg).toContain("BATON_MODERATION=off");
  expect(app!.service.classroomSafety()).toBeDefined();
});

it("says moderation is off (naming BATON_MODERATION=off) without a warning when the operator chose it", () => {
  const lines = startWith({ BATON_MODERATION: "off", OPENAI_API_KEY: "sk-test" });
  expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  expect(lines.filter((l) => l.msg.includes("BATON_MODERATION=off"))).toHaveLength(1);
});

it("is quiet when moderation is on (a key is set): the default for OpenAI users", () => {
  const lines = startWith({ OPENAI_API_KEY: "sk-test" });
  expect(lines.filter((l) => l.msg.includes("Moderation is off"))).toEqual([]);
});
