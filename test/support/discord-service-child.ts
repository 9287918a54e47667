// The Discord bot as `baton serve` runs it, in its own process for crash tests: real service, real discord.js, fake
// Discord and model. Env: DB, STREAM (1: streamed replies), MODEL_URL, DISCORD_API_URL, DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_GUILD_ID.
// MODERATION=1: answers and messages are moderated by the fake model server's /v1/moderations. DISCORD_ALERT_CHANNEL_ID:
// the moderators' channel (safety alerts, teacher requests).
// Prints "connected" once logged in, then "recovered …"; closing stdin stops it.

import pino from "pino";
import { startDiscordBot } from "../../src/platforms/discord/index.js";
import { childConversationApp, requiredEnv } from "./child-app.js";

const env = requiredEnv;

const logger = pino({ level: "silent" });
const app = childConversationApp(logger);
const bot = await startDiscordBot({
  settings: {
    token: env("DISCORD_TOKEN"),
    applicationId: env("DISCORD_APPLICATION_ID"),
    guildId: env("DISCORD_GUILD_ID"),
    apiUrl: env("DISCORD_API_URL"),
    // STREAM=1: replies stream (the stream crash test); otherwise each is posted whole, as the other crash tests read them.
    streamReplies: process.env.STREAM === "1",
    streamPace: { perMessageMs: 40, shared: { calls: 5, windowMs: 200 } },
    ...(process.env.DISCORD_ALERT_CHANNEL_ID === undefined ? {} : { alertChannelId: process.env.DISCORD_ALERT_CHANNEL_ID }),
  },
  gateway: app.service,
  reads: app.service.moderatorReads,
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
