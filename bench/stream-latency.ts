// `npm run bench:stream`: streamed answers through the real Discord adapter (discord.js) and service against the fake
// Discord (50 ms per REST answer, Discord's per-webhook limit enforced) and a fake model writing a 1,000-token answer.
// Measures the time from the model's first token to the first words visible in the thread (p50, p99), platform calls
// per streamed answer, and calls refused by the rate limit. Writes bench/results/stream.json.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pino from "pino";
import { startDiscordBot } from "../src/platforms/discord/index.js";
import { startFakeDiscord } from "../test/support/fake-discord/index.js";
import type { RecordedRequest } from "../test/support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../test/support/seed-responder.js";
import { startServiceHarness } from "../test/support/service-harness.js";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string" } } });
const questions = values.quick ? 3 : 12;
const TOKENS = 1_000;
const TOKEN_INTERVAL_MS = values.quick ? 2 : 8;
const LATENCY_MS = 50;
const answer = Array.from({ length: TOKENS }, (_, i) => (i % 12 === 11 ? "done.\n\n" : `word${i % 97} `)).join("").trim();

/** When the tutor's request reached the model, by thread (the question's text carries its number). */
const firstToken = new Map<string, number>();
const responder = (request: RecordedRequest) => {
  if (requestAgent(request) !== "math_tutor") return seedResponder(request);
  const question = JSON.stringify(request.body.messages).match(/question (\d+)/)?.[1] ?? "?";
  // The first content chunk goes one interval after the role chunk, which leaves at once.
  firstToken.set(question, performance.now() + TOKEN_INTERVAL_MS);
  return { text: answer, chunkIntervalMs: TOKEN_INTERVAL_MS };
};

const fake = await startFakeDiscord({ latencyMs: LATENCY_MS, webhookRateLimit: { calls: 5, windowMs: 2_000 } });
const service = await startServiceHarness({ responder });
const bot = await startDiscordBot({
  settings: { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl },
  gateway: service.gateway,
  reads: service.gateway.moderatorReads,
  logger: pino({ level: "silent" }),
});
const homework = fake.channelId("homework");
const student = fake.addUser("bench");
const visible: number[] = [];
const callsPerAnswer: number[] = [];
// One at a time, so each figure is one answer's; the shared webhook budget is the same for all of them.
for (let i = 0; i < questions; i++) {
  const message = fake.userSays({ channelId: homework, author: student, content: `<@${fake.botUser.id}> what is 2+2? question ${i}` });
  const thread = message.id;
  const tutorPosts = () => fake.messagesIn(thread).filter((m) => m.author.username === "Math Tutor");
  await fake.waitUntil(() => tutorPosts().length > 0);
  const seen = performance.now();
  visible.push(seen - (firstToken.get(String(i)) ?? seen));
  // Answered once the tutor's reply is marked sent (its final edit done).
  const sent = service.db.prepare("SELECT count(*) FROM outbox WHERE agent_name = 'math_tutor' AND status = 'sent'").pluck();
  while (sent.get() !== i + 1) await new Promise((resolve) => setTimeout(resolve, 20));
  const ids = new Set(tutorPosts().map((m) => m.id));
  const webhookCalls = fake.calls.filter((call) => call.path.startsWith("/webhooks/") && call.query.get("thread_id") === thread);
  const tutorCalls = webhookCalls.filter((call) => (call.method === "POST" && (call.body as { username?: string }).username === "Math Tutor") || (call.method === "PATCH" && ids.has(call.path.split("/").at(-1)!)));
  callsPerAnswer.push(tutorCalls.length);
}
await bot.stop();
await service.close();
await fake.close();

const sorted = [...visible].sort((a, b) => a - b);
const quantile = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const result = {
  platform: "discord",
  mode: values.quick ? "quick" : "full",
  answers: questions,
  tokensPerAnswer: TOKENS,
  platformLatencyMs: LATENCY_MS,
  firstVisibleMs: { p50: Math.round(quantile(0.5)), p99: Math.round(quantile(0.99)) },
  callsPerAnswer: { median: [...callsPerAnswer].sort((a, b) => a - b)[Math.floor(callsPerAnswer.length / 2)]!, max: Math.max(...callsPerAnswer) },
  refusedByRateLimit: fake.rateLimitRefusals(),
};
process.stdout.write(
  [
    "Streamed answers (Discord, real adapter + fake Discord at 50 ms, 1,000-token answers)",
    `  first token → first visible words: p50 ${result.firstVisibleMs.p50} ms, p99 ${result.firstVisibleMs.p99} ms (target p50 ≤ 1,600 ms)`,
    `  platform calls per streamed answer: median ${result.callsPerAnswer.median}, max ${result.callsPerAnswer.max}`,
    `  calls refused by the rate limit (429): ${result.refusedByRateLimit} (target 0)`,
  ].join("\n") + "\n",
);
const out = values.out ?? fileURLToPath(new URL(`./results/stream${values.quick ? "-quick" : ""}.json`, import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
