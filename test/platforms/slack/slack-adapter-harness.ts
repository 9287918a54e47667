// The adapter contract's harness for Slack: the real Bolt app (HTTP receiver, streamed replies) and service over the
// fake Slack; a student asks with /homework and reads the thread under the bot's root message; crashes run the bot as a child.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SLACK_MESSAGE_LIMIT } from "../../../src/platforms/common/chunker.js";
import { neutralizeMarkdownPings } from "../../../src/platforms/slack/stream-markdown.js";
import { startLineChild, waitForLine, type LineChild } from "../../support/child-lines.js";
import { eventCallback, FakeSlack, SlackEventSender, slashCommandBody } from "../../support/fake-slack/index.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { startServiceHarness } from "../../support/service-harness.js";
import { slackChildEnv } from "../../support/service-child-env.js";
import { pollUntil, type AdapterApp, type AdapterHarness, type CrashableApp, type SeenMessage, type StudentThread } from "../adapter-harness.js";
import { CHANNEL, SIGNING_SECRET, STUDENT, startSlackTestBot } from "./slack-test-bot.js";

const CHILD = new URL("../../support/slack-service-child.ts", import.meta.url).pathname;
/** The shape of the real pace (per message, and a budget shared per channel), fast enough for tests. */
const FAST_PACE = { perMessageMs: 20, shared: { calls: 5, windowMs: 100 } };
const DISPLAY_NAMES: Readonly<Record<string, string>> = { triage_agent: "Triage", math_tutor: "Math Tutor" };
/** How a streamed reply grows and ends (chat.update only writes the fallback's messages and a dropped stream's end). */
const STREAM_EDITS = ["chat.appendStream", "chat.stopStream"] as const;
/** Slack's broadcast mentions, as markup or as plain words a client may still turn into a ping. */
const PINGS = /<!(?:channel|here|everyone)[^>]*>|(?<![\w\u200B])@(?:channel|here|everyone)\b/g;

/** Every text a message showed: each state of its stream (its appends one by one), then each edit, then its text. */
function shownTexts(fake: FakeSlack, message: ReturnType<FakeSlack["messages"]>[number]): string[] {
  const opened = fake.callsTo("chat.startStream").find((call) => call.answer.ts === message.ts);
  const openedEmpty = opened !== undefined && (typeof opened.params.markdown_text !== "string" || opened.params.markdown_text === "");
  const chunks = message.stream?.chunks ?? [];
  const states = [...(openedEmpty ? [""] : []), ...chunks.map((_, index) => chunks.slice(0, index + 1).join("")), ...message.edits, message.text];
  return states.filter((text, index) => index === 0 || states[index - 1] !== text);
}

function repliesIn(fake: FakeSlack, thread: StudentThread): SeenMessage[] {
  return fake
    .messages({ channel: CHANNEL, threadTs: thread.id })
    .filter((message) => message.botId !== undefined)
    .map((message) => ({ id: message.ts, author: message.username ?? "", text: message.text, shown: shownTexts(fake, message) }));
}

/** /homework with the question: the bot posts "<@student> asked: …" in the channel, and the answer goes in its thread. */
async function askWithCommand(fake: FakeSlack, sender: SlackEventSender, text: string): Promise<StudentThread> {
  const body = slashCommandBody({
    command: "/homework",
    text,
    userId: STUDENT.id,
    userName: STUDENT.name,
    channelId: CHANNEL,
    teamId: fake.identity.teamId,
    teamDomain: fake.identity.teamDomain,
    responseUrl: fake.responseUrl(),
  });
  const response = await sender.sendCommand(body);
  if (response.status !== 200) throw new Error(`/homework answered ${response.status}`);
  const question = `<@${STUDENT.id}> asked: ${text}`;
  const [root] = await fake.waitForMessages(1, (message) => message.threadTs === undefined && message.text === question);
  return { id: root!.ts };
}

async function startApp(): Promise<AdapterApp> {
  const service = await startServiceHarness();
  const bot = await startSlackTestBot({ gateway: service.gateway, settings: { streamReplies: true }, streamPace: FAST_PACE });
  const { fake, sender } = bot;
  const threads: StudentThread[] = [];
  return {
    model: service.fakeOpenAI,
    databasePath: service.databasePath,
    async ask(text) {
      const thread = await askWithCommand(fake, sender, text);
      threads.push(thread);
      return { thread, answered: bot.bot.idle() };
    },
    async followUp(thread, text, options) {
      const { event } = fake.userWrites({ channel: CHANNEL, user: STUDENT.id, text, threadTs: thread.id });
      const body = eventCallback({ teamId: fake.identity.teamId, event });
      // Slack sends an event again (same event_id, with its retry number) when it doubts the first delivery.
      for (let delivery = 0; delivery < (options?.deliveries ?? 1); delivery++) {
        const response = await sender.sendEvent(body, delivery === 0 ? {} : { retryNum: delivery, retryReason: "http_timeout" });
        if (response.status !== 200) throw new Error(`the event was answered ${response.status}`);
      }
      return { thread, answered: bot.bot.idle() };
    },
    replies: (thread) => repliesIn(fake, thread),
    waitUntil: (condition) => pollUntil(condition),
    pings: () => threads.flatMap((thread) => repliesIn(fake, thread).flatMap((message) => message.shown.flatMap((text) => text.match(PINGS) ?? []))),
    limitEdits(retryAfterSeconds) {
      // Slack's Retry-After is whole seconds.
      for (const method of STREAM_EDITS) fake.rateLimit(method, { times: 1, retryAfterSeconds: Math.ceil(retryAfterSeconds), lasting: true });
      const refused = (method: string): number => fake.callsTo(method).filter((call) => call.status === 429).length;
      return { refusals: () => STREAM_EDITS.map(refused).filter((count) => count > 0) };
    },
    async close() {
      await bot.close();
      await service.close();
    },
  };
}

async function startCrashableApp(): Promise<CrashableApp> {
  const model = await startFakeOpenAI();
  const fake = await FakeSlack.start({ users: [STUDENT] });
  const dir = mkdtempSync(join(tmpdir(), "baton-contract-slack-"));
  const env = slackChildEnv(dir, model, fake, { SLACK_SIGNING_SECRET: SIGNING_SECRET, STREAM: "1" });
  let sender: SlackEventSender | undefined;
  const run = async (): Promise<LineChild> => {
    const child = startLineChild(CHILD, env);
    const port = (await waitForLine(child.lines, "listening")).split(" ")[1];
    sender = new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
    await waitForLine(child.lines, "recovered");
    return child;
  };
  let child = await run();
  return {
    model,
    databasePath: env.DB,
    ask: (text) => askWithCommand(fake, sender!, text),
    replies: (thread) => repliesIn(fake, thread),
    waitUntil: (condition) => pollUntil(condition),
    async crash() {
      child.child.kill("SIGKILL");
      await child.exited;
    },
    async restart() {
      child = await run();
    },
    async close() {
      if (child.child.exitCode === null && child.child.signalCode === null) {
        child.child.kill("SIGKILL");
        await child.exited;
      }
      await fake.close();
      await model.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const slackHarness: AdapterHarness = {
  platform: "Slack",
  capabilities: { messageLimit: SLACK_MESSAGE_LIMIT, editsInPlace: true, broadcastMentions: true, redelivery: true, editRateLimits: true },
  // Streams carry Markdown (markdown_text), only made unable to ping.
  rendered: (text) => neutralizeMarkdownPings(text),
  authorOf: (agentName) => DISPLAY_NAMES[agentName] ?? agentName,
  start: startApp,
  startCrashable: startCrashableApp,
};
