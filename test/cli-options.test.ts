// The command line as `npm start -- …` runs it: `chat --thread NAME`, and `history NAME` for console, Discord and Slack threads.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createConversationApp } from "../src/app/create-app.js";
import { formatHistory } from "../src/history-command.js";
import type { ThreadRef } from "../src/bot/ports.js";
import { DEFAULT_TEST_LIMITS } from "./support/service-harness.js";
import { RecordingPort } from "./support/recording-port.js";
import { runBaton } from "./support/run-baton.js";
import { conversationsOf } from "./support/moderator-reads.js";
import { envelopeOf } from "./support/envelope-of.js";

const AGENTS = new URL("../agents.yaml", import.meta.url).pathname;

const baton = (args: string[], env: Record<string, string>, input = "") => runBaton(args, input, env);

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Stores one answered question in a platform thread, through the service as an adapter would hand it in. */
async function seedConversation(databasePath: string, ref: ThreadRef, text: string): Promise<void> {
  const app = createConversationApp({ databasePath, agentsFile: AGENTS, llm: { provider: "demo" }, limits: DEFAULT_TEST_LIMITS, logger: pino({ level: "silent" }) });
  app.service.registerPort(new RecordingPort(ref.platform));
  const outcome = await app.service.accept(envelopeOf({ ...ref, eventId: `seed-${ref.workspace}-${ref.channel}-${ref.thread}`, user: { id: "U1", name: "Ada" }, text }));
  expect(outcome.status).toBe("completed");
  await app.close();
}

// Child processes are slow on a loaded machine: a generous bound, no timing asserted.
const CHILD_TIMEOUT_MS = 120_000;

describe("npm start -- chat --thread NAME", () => {
  it("continues the named conversation", { timeout: CHILD_TIMEOUT_MS }, async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-cli-"));
    const env = { BATON_DB: join(dir, "b.db") };
    const chat = await baton(["chat", "--thread", "algebra"], env, "What is the derivative of x^2?\n");
    expect(chat.code).toBe(0);
    expect(chat.stderr).toContain('Conversation "algebra"');
    const history = await baton(["history", "algebra"], env);
    expect(history.stdout).toContain("What is the derivative of x^2?");
  });
});

describe("npm start -- history NAME --platform …", () => {
  it("finds a Discord thread by its id", { timeout: CHILD_TIMEOUT_MS }, async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-cli-"));
    const databasePath = join(dir, "b.db");
    await seedConversation(databasePath, { platform: "discord", workspace: "111", channel: "222", thread: "333" }, "What is 2+2?");
    const discord = await baton(["history", "333", "--platform", "discord"], { BATON_DB: databasePath });
    expect(discord.code).toBe(0);
    expect(discord.stdout).toMatch(/^Conversation #\d+ — trail: /);
    expect(discord.stdout).toContain("Ada: What is 2+2?");
  });

  it("reads NAME as each platform names a thread: id, channel/thread, a Slack link, #number", async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-cli-"));
    const databasePath = join(dir, "b.db");
    await seedConversation(databasePath, { platform: "discord", workspace: "111", channel: "222", thread: "333" }, "What is 2+2?");
    await seedConversation(databasePath, { platform: "slack", workspace: "T0SCHOOL", channel: "C0HOMEWORK", thread: "1700000000.000100" }, "Who was Napoleon?");
    // The same ts in another channel of another workspace: a bare ts is ambiguous there, channel/ts is not.
    await seedConversation(databasePath, { platform: "slack", workspace: "T0OTHER", channel: "C0ELSEWHERE", thread: "1700000000.000100" }, "What is a verb?");
    const app = createConversationApp({ databasePath, agentsFile: AGENTS, llm: { provider: "demo" }, limits: DEFAULT_TEST_LIMITS, logger: pino({ level: "silent" }) });
    try {
      expect(await formatHistory(app, "discord", "333")).toContain("Ada: What is 2+2?");
      expect(await formatHistory(app, "discord", "222/333")).toContain("Ada: What is 2+2?");
      expect(await formatHistory(app, "discord", "999")).toBe('No discord conversation "999".\n');
      expect(await formatHistory(app, "slack", "C0HOMEWORK/1700000000.000100")).toContain("Ada: Who was Napoleon?");
      expect(await formatHistory(app, "slack", "https://school.slack.com/archives/C0HOMEWORK/p1700000000000100")).toContain("Ada: Who was Napoleon?");
      expect(await formatHistory(app, "slack", "1700000000.000100")).toContain('2 slack conversations match "1700000000.000100"');
      const id = (await conversationsOf(app.service, { platform: "slack", channel: "C0ELSEWHERE" }))[0]!.conversationId;
      expect(await formatHistory(app, "slack", `#${id}`)).toContain("Ada: What is a verb?");
      expect(await formatHistory(app, "discord", `#${id}`)).toBe(`No discord conversation "#${id}".\n`);
    } finally {
      await app.close();
    }
  });
});
