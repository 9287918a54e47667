// What both bot children (discord-service-child.ts, slack-service-child.ts) run on: the real service over the DB file,
// the fake model at MODEL_URL, and with MODERATION=1 the fake model server's /v1/moderations.

import OpenAI from "openai";
import type { Logger } from "pino";
import { createConversationApp, type ConversationApp } from "../../src/app/create-app.js";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { OpenAIModerationClient } from "../../src/llm/openai-moderation.js";
import { DEFAULT_TEST_LIMITS } from "./service-harness.js";

/** The child's setting `name`; a missing one ends the child with its name. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

/** The conversation app as `baton serve` builds it, its intake paused until recovery has queued the earlier work. */
export function childConversationApp(logger: Logger): ConversationApp {
  const model = (): OpenAI => new OpenAI({ apiKey: "sk-test", baseURL: requiredEnv("MODEL_URL"), maxRetries: 0 });
  const app = createConversationApp({
    databasePath: requiredEnv("DB"),
    agentsFile: new URL("../../agents.yaml", import.meta.url).pathname,
    llm: new OpenAIChatClient({ client: model(), model: "gpt-4o-mini" }),
    limits: DEFAULT_TEST_LIMITS,
    logger,
    ...(process.env.MODERATION === "1" ? { moderation: new OpenAIModerationClient({ client: model() }) } : {}),
  });
  // As main.ts's serve: new events wait until the work left from before a restart is queued.
  app.service.pauseIntake();
  return app;
}
