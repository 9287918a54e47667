// The Discord bot as `baton serve` runs it, in its own process for crash tests: real service, real discord.js, fake
// Discord and model. Env: DB, STREAM (1: streamed replies), MODEL_URL, DISCORD_API_URL, DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_GUILD_ID.
// MODERATION=1: answers and messages are moderated by the fake model server's /v1/moderations.
// Prints "connected" once logged in, then "recovered …"; closing stdin stops it.

import OpenAI from "openai";
import pino from "pino";
import { createConversationApp } from "../../src/app.js";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { OpenAIModerationClient } from "../../src/llm/openai-moderation.js";
import { startDiscordBot } from "../../src/platforms/discord/index.js";
import { DEFAULT_TEST_LIMITS } from "./service-harness.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const logger = pino({ level: "silent" });
const app = createConversationApp({
  databasePath: env("DB"),
  agentsFile: new URL("../../agents.yaml", import.meta.url).pathname,
  llm: new OpenAIChatClient({ client: new OpenAI({ apiKey: "sk-test", baseURL: env("MODEL_URL"), maxRetries: 0 }), model: "gpt-4o-mini" }),
  limits: DEFAULT_TEST_LIMITS,
  logger,
  ...(process.env.MODERATION === "1"
    ? { moderation: new OpenAIModerationClient({ client: new OpenAI({ apiKey: "sk-test", baseURL: env("MODEL_URL"), maxRetries: 0 }) }) }
    : {}),
});
// As main.ts's serve: new events wait until the work left from before a restart is queued.
app.service.pauseIntake();
const bot = await startDiscordBot({
  settings: {
    token: env("DISCORD_TOKEN"),
    applicationId: env("DISCORD_APPLICATION_ID"),
    guildId: env("DISCORD_GUILD_ID"),
    apiUrl: env("DISCORD_API_URL"),
    // STREAM=1: replies stream (the stream crash test); otherwise each is posted whole, as the other crash tests read them.
    streamReplies: process.env.STREAM === "1",
    streamPace: { perMessageMs: 40, shared: { calls: 5, windowMs: 200 } },
  },
  gateway: app.service,
  logger,
});
process.stdout.write("connected\n");
const recovered = await app.service.recover();
process.stdout.write(`recovered ${JSON.stringify(recovered)}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void (async () => {
    await bot.stop();
    await app.close();
    process.stdout.write("done\n");
    process.exit(0);
  })();
});
