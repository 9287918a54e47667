// Streamed answers on Slack: the real adapter (Bolt, HTTP receiver) on its default reply path and the service against
// the fake Slack answering every Web API call after 50 ms; a student asks with /homework, the answer comes in its thread.

import pino from "pino";
import { startSlackBot } from "../../src/platforms/slack/index.js";
import { FakeSlack, SlackEventSender, slashCommandBody, type FakeSlackMessage, type RecordedCall } from "../../test/support/fake-slack/index.js";
import { startServiceHarness } from "../../test/support/service-harness.js";
import { PLATFORM_LATENCY_MS, quietPeriod, streamingResponder, summarize, type StreamedAnswersOptions, type StreamedPlatformResult } from "./streamed-answers.js";

const SIGNING_SECRET = "bench-signing-secret-0123456789ab";
const STUDENT = { id: "U0BENCH", name: "bench" };
const CHANNEL = "C0HOMEWORK";
/** The calls that write a reply's text: posts and edits, or a native stream's start, appends and stop. */
const WRITES = new Set(["chat.postMessage", "chat.update", "chat.startStream", "chat.appendStream", "chat.stopStream"]);

/** Words of the tutor are on screen: a posted text, or a stream that has received some. */
function showsWords(message: FakeSlackMessage, thread: string): boolean {
  if (message.threadTs !== thread || message.username !== "Math Tutor") return false;
  return message.text !== "" || (message.stream?.chunks.some((chunk) => chunk !== "") ?? false);
}

export async function runSlackStreams(options: StreamedAnswersOptions): Promise<StreamedPlatformResult> {
  const firstToken = new Map<string, number>();
  const fake = await FakeSlack.start({ users: [STUDENT], latencyMs: PLATFORM_LATENCY_MS });
  const service = await startServiceHarness({ responder: streamingResponder(options.tokenIntervalMs, firstToken) });
  // No streamReplies, no streamPace: the adapter's own default path and pace, whatever they are.
  const bot = await startSlackBot({
    settings: { botToken: fake.identity.botToken, signingSecret: SIGNING_SECRET, port: 0, host: "127.0.0.1", commandName: "homework", moderatorIds: [], apiUrl: fake.apiUrl },
    gateway: service.gateway,
    reads: service.gateway.moderatorReads,
    logger: pino({ level: "silent" }),
  });
  const sender = new SlackEventSender({ url: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret: SIGNING_SECRET });
  const visibleMs: number[] = [];
  const calls: number[] = [];
  const methods = new Set<string>();
  try {
    const sent = service.db.prepare("SELECT count(*) FROM outbox WHERE agent_name = 'math_tutor' AND status = 'sent'").pluck();
    for (let i = 0; i < options.answers; i++) {
      const text = `what is 2+2? question ${i}`;
      const body = slashCommandBody({
        command: "/homework",
        text,
        userId: STUDENT.id,
        userName: STUDENT.name,
        channelId: CHANNEL,
        teamId: fake.identity.teamId,
        teamDomain: fake.identity.teamDomain,
        responseUrl: fake.responseUrl({ channel: CHANNEL, user: STUDENT.id }),
      });
      const response = await sender.sendCommand(body);
      if (response.status !== 200) throw new Error(`/homework answered ${response.status}`);
      const [root] = await fake.waitForMessages(1, (m) => m.threadTs === undefined && m.text === `<@${STUDENT.id}> asked: ${text}`);
      const thread = root!.ts;
      await fake.waitForMessages(1, (m) => showsWords(m, thread));
      const seen = performance.now();
      visibleMs.push(seen - (firstToken.get(String(i)) ?? seen));
      while (sent.get() !== i + 1) await new Promise((resolve) => setTimeout(resolve, 20));
      const ids = new Set(fake.messages({ channel: CHANNEL, threadTs: thread }).filter((m) => m.username === "Math Tutor").map((m) => m.ts));
      const mine = (call: RecordedCall): boolean => {
        const ts = typeof call.params.ts === "string" ? call.params.ts : typeof call.answer.ts === "string" ? call.answer.ts : "";
        return WRITES.has(call.method) && ids.has(ts);
      };
      const tutorCalls = fake.calls.filter(mine);
      for (const call of tutorCalls) methods.add(call.method);
      calls.push(tutorCalls.length);
      if (i + 1 < options.answers) await quietPeriod();
    }
  } finally {
    await bot.stop();
    await service.close();
    await fake.close();
  }
  const refused = fake.calls.filter((call) => WRITES.has(call.method) && call.status === 429).length;
  const path = methods.has("chat.startStream")
    ? "native stream (chat.startStream, appendStream, stopStream)"
    : methods.has("chat.update")
      ? "chat.postMessage, then chat.update"
      : "chat.postMessage of the whole answer";
  return summarize("slack", { path, visibleMs, calls, refused, rateLimitEnforced: false });
}
