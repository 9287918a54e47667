// Streamed answers on Discord: the real adapter (discord.js) and service against the fake Discord, Discord's
// per-webhook limit enforced (5 calls per 2 s, 429 beyond), every REST call answered after 50 ms.

import pino from "pino";
import { startDiscordBot } from "../../src/platforms/discord/index.js";
import { startFakeDiscord } from "../../test/support/fake-discord/index.js";
import { startServiceHarness } from "../../test/support/service-harness.js";
import { PLATFORM_LATENCY_MS, quietPeriod, streamingResponder, summarize, type StreamedAnswersOptions, type StreamedPlatformResult } from "./streamed-answers.js";

export async function runDiscordStreams(options: StreamedAnswersOptions): Promise<StreamedPlatformResult> {
  const firstToken = new Map<string, number>();
  const fake = await startFakeDiscord({ latencyMs: PLATFORM_LATENCY_MS, webhookRateLimit: { calls: 5, windowMs: 2_000 } });
  const service = await startServiceHarness({ responder: streamingResponder(options.tokenIntervalMs, firstToken) });
  const bot = await startDiscordBot({
    settings: { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl },
    gateway: service.gateway,
    reads: service.gateway.moderatorReads,
    logger: pino({ level: "silent" }),
  });
  const visibleMs: number[] = [];
  const calls: number[] = [];
  let edits = 0;
  try {
    const homework = fake.channelId("homework");
    const student = fake.addUser("bench");
    const sent = service.db.prepare("SELECT count(*) FROM outbox WHERE agent_name = 'math_tutor' AND status = 'sent'").pluck();
    // One at a time, so each figure is one answer's; the shared webhook budget is the same for all of them.
    for (let i = 0; i < options.answers; i++) {
      const message = fake.userSays({ channelId: homework, author: student, content: `<@${fake.botUser.id}> what is 2+2? question ${i}` });
      const thread = message.id;
      const tutorPosts = () => fake.messagesIn(thread).filter((m) => m.author.username === "Math Tutor");
      await fake.waitUntil(() => tutorPosts().length > 0);
      const seen = performance.now();
      visibleMs.push(seen - (firstToken.get(String(i)) ?? seen));
      // Answered once the tutor's reply is marked sent (its final edit done).
      while (sent.get() !== i + 1) await new Promise((resolve) => setTimeout(resolve, 20));
      const ids = new Set(tutorPosts().map((m) => m.id));
      const webhookCalls = fake.calls.filter((call) => call.path.startsWith("/webhooks/") && call.query.get("thread_id") === thread);
      const tutorCalls = webhookCalls.filter(
        (call) => (call.method === "POST" && (call.body as { username?: string }).username === "Math Tutor") || (call.method === "PATCH" && ids.has(call.path.split("/").at(-1)!)),
      );
      edits += tutorCalls.filter((call) => call.method === "PATCH").length;
      calls.push(tutorCalls.length);
      if (i + 1 < options.answers) await quietPeriod();
    }
  } finally {
    await bot.stop();
    await service.close();
    await fake.close();
  }
  const path = edits > 0 ? "webhook message, then edits" : "webhook message posted whole";
  return summarize("discord", { path, visibleMs, calls, refused: fake.rateLimitRefusals(), rateLimitEnforced: true });
}
