// A real ConversationService for tests: a temp SQLite file, the default roster, the real openai client on a fake server.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import pino from "pino";
import { createConversationApp, type ConversationApp } from "../../src/app/create-app.js";
import type { ServiceLimits } from "../../src/bot/conversation-service.js";
import type { UsageCaps } from "../../src/bot/usage-meter.js";
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from "../../src/bot/attachments/types.js";
import { DEFAULT_MODEL_PRICES, type SafetySettings } from "../../src/config/safety-settings.js";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { startFakeOpenAI, type FakeOpenAI, type FakeResponder } from "./fake-openai-server.js";
import { seedResponder } from "./seed-responder.js";

export const DEFAULT_TEST_LIMITS: ServiceLimits = {
  maxInputChars: 4_000,
  historyMessages: 40,
  historyTokens: 6_000,
  rateLimitPerMinute: 0,
};

export interface ServiceHarnessOptions {
  /** Computes the fake model's replies; the default plays the seed (triage hands off, tutors answer). */
  responder?: FakeResponder;
  limits?: Partial<ServiceLimits>;
  /** Reuse a database file (e.g. to test a restart); default: a new file in a new temp dir. */
  databasePath?: string;
  agentsFile?: string;
  now?: () => number;
  /** Where the service logs (default: nowhere). */
  logger?: pino.Logger;
  /** See ConversationAppOptions.slowSaveNoticeMs. */
  slowSaveNoticeMs?: number;
  /** Moderation through the fake's /v1/moderations (default off), and usage caps. */
  safety?: { moderation?: boolean; caps?: UsageCaps };
  /** Overrides of the default attachment limits (4 files, 10 MB, vision on). */
  attachments?: Partial<AttachmentLimits>;
}

export interface ServiceHarness extends ConversationApp {
  /** The service, under the name platform adapters know it by. */
  readonly gateway: ConversationApp["service"];
  readonly fakeOpenAI: FakeOpenAI;
  readonly databasePath: string;
  /** Closes the service, the database and the fake model, and removes the temp dir it made. */
  close(): Promise<void>;
}

export async function startServiceHarness(options: ServiceHarnessOptions = {}): Promise<ServiceHarness> {
  const fakeOpenAI = await startFakeOpenAI();
  fakeOpenAI.setResponder(options.responder ?? seedResponder);
  const dir = options.databasePath === undefined ? mkdtempSync(join(tmpdir(), "baton-test-")) : undefined;
  const databasePath = options.databasePath ?? join(dir!, "baton.db");
  const client = new OpenAIChatClient({
    client: new OpenAI({ apiKey: "sk-test", baseURL: fakeOpenAI.url, maxRetries: 0, timeout: 10_000 }),
    model: "gpt-4o-mini",
  });
  const app = createConversationApp({
    databasePath,
    agentsFile: options.agentsFile ?? new URL("../../agents.yaml", import.meta.url).pathname,
    llm: client,
    limits: { ...DEFAULT_TEST_LIMITS, ...options.limits },
    logger: options.logger ?? pino({ level: "silent" }),
    safety: harnessSafety(options.safety, fakeOpenAI.url),
    attachments: { ...DEFAULT_ATTACHMENT_LIMITS, ...options.attachments },
    ...(options.now ? { now: options.now } : {}),
    ...(options.slowSaveNoticeMs === undefined ? {} : { slowSaveNoticeMs: options.slowSaveNoticeMs }),
    // Retries of a failed post, a few milliseconds apart: the behaviour is the same, the test is quick.
    deliveryRetry: { baseDelayMs: 2, maxDelayMs: 10 },
  });
  return {
    ...app,
    gateway: app.service,
    fakeOpenAI,
    databasePath,
    async close() {
      await app.close();
      await fakeOpenAI.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function harnessSafety(options: ServiceHarnessOptions["safety"], url: string): SafetySettings {
  return {
    moderation:
      options?.moderation === true
        ? { provider: "openai", apiKey: "sk-test-moderation", baseURL: url, maxRetries: 0, timeoutMs: 5_000 }
        : { provider: "off", reason: "setting" },
    caps: options?.caps ?? {},
    prices: DEFAULT_MODEL_PRICES,
  };
}
