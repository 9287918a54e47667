// `npm run doctor` as a teacher runs it: green (exit 0) against fakes that are set up right, 1 with a sentence when not.

import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { FakeSlack } from "../support/fake-slack/index.js";
import { GOOD_KEY } from "./doctor-support.js";

const root = resolve(import.meta.dirname, "../..");
let openai: FakeOpenAI;
let discord: FakeDiscord;
let slack: FakeSlack;
let env: Record<string, string>;

beforeAll(async () => {
  [openai, discord, slack] = await Promise.all([
    startFakeOpenAI({ catalog: { apiKeys: [GOOD_KEY], models: [{ id: "gpt-4o-mini", vision: true }] } }),
    startFakeDiscord(),
    FakeSlack.start(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "baton-doctor-cli-"));
  openDatabase(join(dir, "baton.db")).close();
  env = {
    BATON_DB: join(dir, "baton.db"),
    OPENAI_API_KEY: GOOD_KEY,
    OPENAI_BASE_URL: openai.url,
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    DISCORD_API_URL: discord.apiUrl,
    SLACK_BOT_TOKEN: slack.identity.botToken,
    SLACK_APP_TOKEN: slack.identity.appToken,
    SLACK_API_URL: slack.apiUrl,
    // A deployment set up right has somewhere to send safety alerts.
    DISCORD_ALERT_CHANNEL_ID: discord.channelId("general"),
    SLACK_ALERT_CHANNEL: "C0MODERATORS",
  };
});
afterAll(async () => {
  await Promise.all([openai.close(), discord.close(), slack.close()]);
});

function runDoctorCommand(extra: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "src/main.ts"), "doctor"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env, ...extra },
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((done) => child.on("close", (code) => done({ code, stdout })));
}

it("exits 0 with every needed check passed when the model, Discord, Slack and the database are right", async () => {
  const { code, stdout } = await runDoctorCommand({});
  expect(stdout).toContain("All needed checks passed.");
  expect(stdout).not.toMatch(/FAIL|warn/);
  expect(code).toBe(0);
});

it("exits 1 and names the problem when one thing is wrong", async () => {
  const { code, stdout } = await runDoctorCommand({ SLACK_BOT_TOKEN: "xoxb-revoked" });
  expect(stdout).toContain("FAIL Slack refused SLACK_BOT_TOKEN (invalid_auth)");
  expect(stdout).toContain("1 problem: Baton will not work until it is fixed.");
  expect(code).toBe(1);
});
