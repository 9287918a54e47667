// The soak's Slack rig: the real service on a SQLite file, the real openai client and Bolt app, against the test fakes.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { join } from "node:path";
import pino from "pino";
import { createConversationApp, type ConversationApp } from "../../src/app/create-app.js";
import type { ServiceLimits } from "../../src/bot/conversation-service.js";
import { createChatClient } from "../../src/llm/create-chat-client.js";
import { startSlackBot, type SlackBot } from "../../src/platforms/slack/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../test/support/fake-openai-server.js";
import { appMentionEvent, eventCallback, FakeSlack, nextEventId, SlackEventSender } from "../../test/support/fake-slack/index.js";
import type { ReceivedPost, SentQuestion } from "./ledger.js";
import { SoakModel } from "./soak-model.js";

export const SIGNING_SECRET = "soak-signing-secret-0123456789abcdef";
export const STUDENT = { id: "U0STUDENT", name: "ada", displayName: "Ada Lovelace" } as const;
export const MODERATOR = { id: "U0MOD", name: "mod" } as const;
export const CHANNEL = "C0HOMEWORK";
/** Slack retries an unacked event 3 times (at once, after 1 min, after 5 min); the soak keeps the count, not the minutes. */
const SLACK_RETRY_DELAYS_MS = [100, 1_000, 3_000];
const ROSTER = new URL("../../agents.yaml", import.meta.url).pathname;

/** The service's defaults (src/config/env.ts) with the rate limit off unless a scenario turns it on. */
export const SOAK_LIMITS: ServiceLimits = { maxInputChars: 4_000, historyMessages: 40, historyTokens: 6_000, rateLimitPerMinute: 0 };

export interface SlackRigOptions {
  readonly limits?: Partial<ServiceLimits>;
  /** The model client's timeout (headers, and silence mid-stream); the soak keeps it short so stalls cost little. */
  readonly modelTimeoutMs?: number;
  readonly slowSaveNoticeMs?: number;
}

export interface SlackRig {
  readonly fakeSlack: FakeSlack;
  readonly fakeModel: FakeOpenAI;
  readonly model: SoakModel;
  readonly app: ConversationApp;
  readonly bot: SlackBot;
  readonly sender: SlackEventSender;
  readonly databasePath: string;
  /** A student @mentions the bot in the channel: a new thread (its ts) with one question. */
  mention(tag: string, text: string): Promise<{ question: SentQuestion; status: number }>;
  /** A student replies in a thread the bot already answers in. */
  reply(thread: string, tag: string, text: string): Promise<{ question: SentQuestion; status: number }>;
  /** Deliveries that Slack would have retried (no 200 in time, or a dead connection), and retried here. */
  readonly redeliveries: () => number;
  /** What the bot posted in these threads, as the fake Slack holds it, in the order it was posted. */
  posts(threads?: ReadonlySet<string>): ReceivedPost[];
  close(): Promise<void>;
}

export async function startSlackRig(options: SlackRigOptions = {}): Promise<SlackRig> {
  const dir = mkdtempSync(join(tmpdir(), "baton-soak-"));
  const databasePath = join(dir, "baton.db");
  const fakeModel = await startFakeOpenAI();
  const model = new SoakModel();
  fakeModel.setResponder(model.respond);
  const fakeSlack = await FakeSlack.start({ users: [STUDENT, MODERATOR, { id: "U0OTHER", name: "other" }] });
  const logger = pino({ level: "silent" });
  const timeoutMs = options.modelTimeoutMs ?? 1_000;
  const app = createConversationApp({
    databasePath,
    agentsFile: ROSTER,
    // The production path: createChatClient with the openai package's own retries (LLM_MAX_RETRIES default 2).
    llm: createChatClient({ provider: "openai", apiKey: "sk-soak", baseURL: fakeModel.url, model: "gpt-4o-mini", maxRetries: 2, timeoutMs }),
    limits: { ...SOAK_LIMITS, ...options.limits },
    logger,
    deliveryRetry: { baseDelayMs: 5, maxDelayMs: 40 },
    ...(options.slowSaveNoticeMs === undefined ? {} : { slowSaveNoticeMs: options.slowSaveNoticeMs }),
  });
  const bot = await startSlackBot({
    settings: {
      botToken: fakeSlack.identity.botToken,
      signingSecret: SIGNING_SECRET,
      port: 0,
      host: "127.0.0.1",
      commandName: "homework",
      moderatorIds: [MODERATOR.id],
      apiUrl: fakeSlack.apiUrl,
    },
    gateway: app.service,
    reads: app.service.moderatorReads,
    logger,
    // Bolt's client retries as in production, only faster: the soak counts outcomes, not seconds.
    retryConfig: { retries: 2, factor: 2, minTimeout: 5, maxTimeout: 40 },
    // Streamed replies paced the production way (per message, and a budget shared per channel), only faster: at
    // Slack's pace (6 calls per 3 s per channel) a flood of 1,000 threads in one channel would take many minutes.
    streamPace: { perMessageMs: 20, shared: { calls: 50, windowMs: 100 } },
  });
  const sender = new SlackEventSender({ url: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret: SIGNING_SECRET });
  const teamId = fakeSlack.identity.teamId;
  const botUserId = fakeSlack.identity.botUserId;
  let redeliveries = 0;
  /** As Slack delivers an event: retried (same event_id, X-Slack-Retry-Num) when it is not acked with a 200. */
  const deliver = async (body: Record<string, unknown>): Promise<number> => {
    let status = 0;
    for (let attempt = 0; attempt <= SLACK_RETRY_DELAYS_MS.length; attempt++) {
      if (attempt > 0) {
        redeliveries++;
        await delay(SLACK_RETRY_DELAYS_MS[attempt - 1]!);
      }
      try {
        ({ status } = await sender.sendEvent(body, attempt === 0 ? {} : { retryNum: attempt, retryReason: status === 0 ? "http_error" : "http_timeout" }));
      } catch {
        status = 0; // refused or reset: the receiver never answered
      }
      if (status === 200) break;
    }
    return status;
  };
  return {
    fakeSlack,
    fakeModel,
    model,
    app,
    bot,
    sender,
    databasePath,
    redeliveries: () => redeliveries,
    async mention(tag, text) {
      // The student's message is in the channel, as on Slack (reading the thread back finds its root).
      const { ts } = fakeSlack.userWrites({ channel: CHANNEL, user: STUDENT.id, text: `<@${botUserId}> ${tag} ${text}` });
      const event = appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text: `<@${botUserId}> ${tag} ${text}`, ts });
      const status = await deliver(eventCallback({ teamId, event, eventId: nextEventId() }));
      return { question: { thread: ts, tag }, status };
    },
    async reply(thread, tag, text) {
      const { event } = fakeSlack.userWrites({ channel: CHANNEL, user: STUDENT.id, text: `${tag} ${text}`, threadTs: thread });
      const status = await deliver(eventCallback({ teamId, event, eventId: nextEventId() }));
      return { question: { thread, tag }, status };
    },
    posts(threads) {
      return fakeSlack
        .messages({ channel: CHANNEL })
        .filter((m) => m.botId !== undefined && m.threadTs !== undefined && (threads === undefined || threads.has(m.threadTs)))
        .map((m) => ({ thread: m.threadTs!, author: m.username ?? "bot", text: m.text }));
    },
    async close() {
      await bot.stop();
      await app.close();
      await fakeSlack.close();
      await fakeModel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
