// `npm start` with Discord and Slack credentials: both bots in one process, against the fake Discord and fake Slack.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, expect, it } from "vitest";
import { startFakeDiscord, stringOption, type FakeDiscord } from "./support/fake-discord/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai-server.js";
import { FakeSlack, SlackEventSender, slashCommandBody } from "./support/fake-slack/index.js";
import { seedResponder } from "./support/seed-responder.js";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
const SIGNING_SECRET = "serve-test-signing-secret";

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

interface LogLine {
  readonly msg?: string;
  readonly port?: number;
  readonly [key: string]: unknown;
}

function logLines(child: ChildProcess): { lines: LogLine[]; raw: string[]; waitFor(msg: string): Promise<LogLine> } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const reader = createInterface({ input: child.stderr! });
  reader.on("line", (line) => {
    raw.push(line);
    if (line.startsWith("{")) lines.push(JSON.parse(line) as LogLine);
  });
  return {
    lines,
    raw,
    async waitFor(msg) {
      for (;;) {
        const found = lines.find((line) => line.msg === msg);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`baton exited: ${raw.join("\n")}`);
        await once(reader, "line");
      }
    },
  };
}

it("runs the Discord and Slack bots in one process and answers on both", async () => {
  const model: FakeOpenAI = await startFakeOpenAI();
  model.setResponder(seedResponder);
  const discord: FakeDiscord = await startFakeDiscord();
  const slack = await FakeSlack.start();
  const dir = mkdtempSync(join(tmpdir(), "baton-serve-"));
  cleanup.push(() => model.close(), () => discord.close(), () => slack.close(), () => rmSync(dir, { recursive: true, force: true }));

  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      OPENAI_BASE_URL: model.url,
      BATON_DB: join(dir, "baton.db"),
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_API_URL: discord.apiUrl,
      SLACK_BOT_TOKEN: slack.identity.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: "0",
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  cleanup.push(() => void child.kill("SIGKILL"));
  const logs = logLines(child);
  await logs.waitFor("bots running");
  const { port } = await logs.waitFor("slack: listening");
  await discord.waitForReady();

  // Discord: /ask opens a thread with the agents' replies under their names.
  const student = discord.addUser("alice");
  discord.slashCommand({ name: "ask", user: student, channelId: discord.channelId("homework"), options: [stringOption("question", "What is the derivative of x^2?")] });
  await discord.waitUntil(() => discord.callsTo("POST", /^\/webhooks\/\d+\/[^/]+$/).length >= 2);
  const usernames = discord.callsTo("POST", /^\/webhooks\/\d+\/[^/]+$/).map((call) => (call.body as { username?: string }).username);
  expect(usernames).toEqual(["Triage", "Math Tutor"]);

  // Slack: /homework posts the question and the replies in its thread.
  const sender = new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
  const ack = await sender.sendCommand(
    slashCommandBody({
      command: "/homework",
      text: "Tell me about World War 2",
      userId: "U0STUDENT",
      channelId: "C0HOMEWORK",
      teamId: slack.identity.teamId,
      teamDomain: slack.identity.teamDomain,
      responseUrl: slack.responseUrl(),
    }),
  );
  expect(ack.status).toBe(200);
  const messages = await slack.waitForMessages(3);
  expect(messages.map((m) => m.username ?? "(bot)")).toEqual(["(bot)", "Triage", "History Tutor"]);

  child.kill("SIGTERM");
  const [code] = (await once(child, "exit")) as [number | null];
  expect(code).toBe(0);
  expect(logs.raw.join("\n")).not.toContain(discord.token);
  expect(logs.raw.join("\n")).not.toContain(slack.identity.botToken);
});
