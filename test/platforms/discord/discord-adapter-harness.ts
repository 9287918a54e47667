// The adapter contract's harness for Discord: the real discord.js bot (streaming, as by default) and service over the
// fake Discord; a student mentions the bot in #homework and reads the thread it opened; crashes run the bot as a child.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIUser } from "discord.js";
import { DISCORD_MESSAGE_LIMIT } from "../../../src/platforms/common/chunker.js";
import { startLineChild, waitForLine, type LineChild } from "../../support/child-lines.js";
import { startFakeDiscord, stringOption, type FakeDiscord, type StoredMessage } from "../../support/fake-discord/index.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { discordChildEnv } from "../../support/service-child-env.js";
import { pollUntil, type AdapterApp, type AdapterHarness, type CrashableApp, type SeenMessage, type StudentThread } from "../adapter-harness.js";
import { bodyOf, startDiscordTestBed } from "./discord-test-bed.js";

const CHILD = new URL("../../support/discord-service-child.ts", import.meta.url).pathname;
const FAST_PACE = { perMessageMs: 40, shared: { calls: 5, windowMs: 200 } };
const DISPLAY_NAMES: Readonly<Record<string, string>> = { triage_agent: "Triage", math_tutor: "Math Tutor" };
/** Edit Webhook Message (the streamed replies' edits). */
const WEBHOOK_EDIT = /^\/webhooks\/\d+\/[^/]+\/messages\/\d+$/;

/** Every content a message showed, read from the calls that posted and edited it. */
function shownTexts(fake: FakeDiscord, id: string): string[] {
  return fake.calls.flatMap((call) => {
    if (call.status < 200 || call.status >= 300) return [];
    const content = bodyOf(call).content;
    if (typeof content !== "string") return [];
    const posted = call.method === "POST" && (call.response as { id?: unknown } | undefined)?.id === id;
    const edited = call.method === "PATCH" && call.path.endsWith(`/messages/${id}`);
    return posted || edited ? [content] : [];
  });
}

/** The bot's messages in a thread (its webhooks' and its own), as the student sees them. */
function repliesIn(fake: FakeDiscord, thread: StudentThread): SeenMessage[] {
  return fake
    .messagesIn(thread.id)
    // The bot's own messages, but not a question it posted for /ask (the interaction's answer).
    .filter((message) => (message.webhook_id !== undefined || message.author.id === fake.botUser.id) && message.interaction_metadata === undefined)
    .map((message) => ({ id: message.id, author: message.author.username, text: message.content, shown: shownTexts(fake, message.id) }));
}

/** A student mentions the bot with a question in #homework: the thread Discord opens on it has the message's id. */
function mentionBot(fake: FakeDiscord, text: string): { student: APIUser; message: StoredMessage } {
  const student = fake.addUser(`student${fake.calls.length}`);
  const message = fake.userSays({ channelId: fake.channelId("homework"), author: student, content: `<@${fake.botUser.id}> ${text}` });
  return { student, message };
}

async function startApp(): Promise<AdapterApp> {
  const bed = await startDiscordTestBed({ settings: () => ({ streamReplies: true, streamPace: FAST_PACE }) });
  const { fake } = bed;
  const students = new Map<string, APIUser>();
  const threads: StudentThread[] = [];
  const turns = new Map<string, number>();
  /** Resolves once the thread's turns so far are handled (counted by thread, so a duplicate's own turn would count too). */
  const answered = (thread: StudentThread): Promise<void> => {
    const count = (turns.get(thread.id) ?? 0) + 1;
    turns.set(thread.id, count);
    const handledHere = (): number => bed.logs.filter((line) => line.msg === "discord: message handled" && line.threadId === thread.id).length;
    return bed.waitForLog(() => handledHere() >= count).then(() => undefined);
  };
  return {
    model: bed.service.fakeOpenAI,
    databasePath: bed.service.databasePath,
    async ask(text) {
      const { student, message } = mentionBot(fake, text);
      const thread = { id: message.id };
      students.set(thread.id, student);
      threads.push(thread);
      return { thread, answered: answered(thread) };
    },
    async followUp(thread, text, options) {
      // /ask in the thread: a replayed interaction reaches the bot (discord.js drops a MESSAGE_CREATE of a message it has cached).
      const interaction = fake.slashCommand({ name: "ask", user: students.get(thread.id)!, channelId: thread.id, options: [stringOption("question", text)] });
      for (let delivery = 1; delivery < (options?.deliveries ?? 1); delivery++) fake.replayInteraction(interaction);
      return { thread, answered: answered(thread) };
    },
    replies: (thread) => repliesIn(fake, thread),
    waitUntil: (condition) => fake.waitUntil(condition),
    pings: () =>
      threads.flatMap((thread) =>
        fake
          .messagesIn(thread.id)
          .filter((message) => message.author.id !== students.get(thread.id)?.id)
          .flatMap((message) => [...(message.mention_everyone ? ["@everyone"] : []), ...message.mentions.map((user) => `<@${user.id}>`), ...message.mention_roles.map((role) => `<@&${role}>`)]),
      ),
    limitEdits(retryAfterSeconds) {
      fake.rateLimit({ method: "PATCH", path: WEBHOOK_EDIT, times: 1, retryAfterSeconds, lasting: true });
      const refused = (): number => fake.callsTo("PATCH", WEBHOOK_EDIT).filter((call) => call.status === 429).length;
      return { refusals: () => (refused() === 0 ? [] : [refused()]) };
    },
    close: () => bed.close(),
  };
}

async function startCrashableApp(): Promise<CrashableApp> {
  const model = await startFakeOpenAI();
  const fake = await startFakeDiscord();
  const dir = mkdtempSync(join(tmpdir(), "baton-contract-discord-"));
  const env = discordChildEnv(dir, model, fake, { STREAM: "1" });
  const run = async (): Promise<LineChild> => {
    const child = startLineChild(CHILD, env);
    await waitForLine(child.lines, "recovered");
    return child;
  };
  let child = await run();
  return {
    model,
    databasePath: env.DB,
    async ask(text) {
      return { id: mentionBot(fake, text).message.id };
    },
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

export const discordHarness: AdapterHarness = {
  platform: "Discord",
  capabilities: { messageLimit: DISCORD_MESSAGE_LIMIT, editsInPlace: true, broadcastMentions: true, redelivery: true, editRateLimits: true },
  // Discord shows markdown as the model wrote it.
  rendered: (text) => text,
  authorOf: (agentName) => DISPLAY_NAMES[agentName] ?? agentName,
  start: startApp,
  startCrashable: startCrashableApp,
};
