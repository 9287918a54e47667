// The doctor's Discord checks against the fake Discord: token, application id, intent, servers, channel permissions.

import { PermissionFlagsBits } from "discord.js";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../support/fake-discord/index.js";
import { closedPort, doctor, sentences } from "./doctor-support.js";

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await startFakeDiscord();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.setCanManageWebhooks(true);
  fake.setCanCreateThreads(true);
  fake.world.inGuild = true;
});

const env = (extra: Record<string, string> = {}) => ({
  DISCORD_TOKEN: fake.token,
  DISCORD_APPLICATION_ID: fake.applicationId,
  DISCORD_API_URL: fake.apiUrl,
  ...extra,
});

it("a ready bot passes: token, application, intent, server, and every channel's permissions", async () => {
  const result = await doctor(env());
  expect(sentences(result, "Discord", "fail")).toEqual([]);
  expect(sentences(result, "Discord", "warn")).toEqual([]);
  expect(sentences(result, "Discord", "ok")).toEqual([
    `DISCORD_TOKEN is valid: the bot is Baton (${fake.botUser.id})`,
    "DISCORD_APPLICATION_ID matches the token (Baton)",
    "the Message Content intent is on",
    "the bot is in 1 server: Homework Help",
    "Homework Help #homework: threads, webhooks and history work",
    "Homework Help #general: threads, webhooks and history work",
  ]);
});

it("a refused token", async () => {
  const result = await doctor(env({ DISCORD_TOKEN: "not-the-token" }));
  expect(sentences(result, "Discord", "fail")).toEqual(["Discord refused DISCORD_TOKEN (401): it is wrong or was reset"]);
  expect(result.text).not.toContain("not-the-token");
});

it("an application id that is not the token's", async () => {
  const result = await doctor(env({ DISCORD_APPLICATION_ID: "123456789012345678" }));
  expect(sentences(result, "Discord", "fail")).toEqual([
    `DISCORD_APPLICATION_ID=123456789012345678, but the token belongs to application ${fake.applicationId}`,
  ]);
});

it("a bot in no server gets the invite link with the exact permissions", async () => {
  fake.world.inGuild = false;
  const result = await doctor(env());
  const finding = result.findings.find((f) => f.area === "Discord" && f.status === "fail");
  expect(finding?.message).toBe("the bot is in no Discord server yet");
  expect(finding?.fix).toBe(
    `invite it with https://discord.com/oauth2/authorize?client_id=${fake.applicationId}&scope=bot+applications.commands&permissions=309774633984`,
  );
});

it("DISCORD_GUILD_ID naming a server the bot is not in", async () => {
  const result = await doctor(env({ DISCORD_GUILD_ID: "223456789012345678" }));
  expect(sentences(result, "Discord", "fail")).toEqual(["DISCORD_GUILD_ID=223456789012345678: the bot is not in that server"]);
});

it("no Manage Webhooks: a warning that replies come under the bot's name", async () => {
  fake.setCanManageWebhooks(false);
  const result = await doctor(env({ DISCORD_CHANNEL_IDS: fake.channelId("homework") }));
  expect(sentences(result, "Discord", "warn")).toEqual([
    "Homework Help #homework: threads and history work, but without Manage Webhooks replies come under the bot's name with the agent's name in bold",
  ]);
  expect(sentences(result, "Discord", "fail")).toEqual([]);
});

it("no Create Public Threads in a listed channel: a failure naming the permission", async () => {
  fake.setCanCreateThreads(false);
  const result = await doctor(env({ DISCORD_CHANNEL_IDS: fake.channelId("homework") }));
  expect(sentences(result, "Discord", "fail")).toEqual([
    "Homework Help #homework: the bot lacks Create Public Threads, so questions there cannot be answered",
    "no channel where the bot can answer",
  ]);
});

it("a listed channel that does not exist", async () => {
  const result = await doctor(env({ DISCORD_CHANNEL_IDS: `${fake.channelId("homework")},323456789012345678` }));
  expect(sentences(result, "Discord", "fail")).toEqual(["DISCORD_CHANNEL_IDS: channel 323456789012345678 is not a text channel in a server the bot is in"]);
});

it("the Message Content intent switched off is a warning", async () => {
  const other = await startFakeDiscord({ messageContentIntent: false });
  try {
    const result = await doctor({ DISCORD_TOKEN: other.token, DISCORD_APPLICATION_ID: other.applicationId, DISCORD_API_URL: other.apiUrl });
    expect(sentences(result, "Discord", "warn")).toEqual([
      "the Message Content intent is off: the bot only sees messages that mention it, so follow-ups need @Baton",
    ]);
  } finally {
    await other.close();
  }
});

it("an unreachable Discord is a network failure, never a refused token", async () => {
  const port = await closedPort();
  const result = await doctor(env({ DISCORD_API_URL: `http://127.0.0.1:${port}/api` }));
  expect(sentences(result, "Discord", "fail")).toEqual([
    `cannot reach 127.0.0.1:${port}: ECONNREFUSED — nothing is listening there: a wrong URL, or a firewall or proxy refusing the connection`,
  ]);
});

it("DISCORD_ALERT_CHANNEL_ID: posting works, the bot lacks Embed Links there, or the channel does not exist", async () => {
  const alerts = fake.world.addTextChannel("baton-alerts");
  try {
    const ok = await doctor(env({ DISCORD_ALERT_CHANNEL_ID: alerts.id }));
    expect(sentences(ok, "Discord", "ok")).toContain("alert channel #baton-alerts: safety alerts can be posted");
    expect(sentences(ok, "Discord", "fail")).toEqual([]);

    fake.setOverwrite(alerts.id, { id: fake.world.botRoleId, type: 0, allow: "0", deny: String(PermissionFlagsBits.EmbedLinks) });
    const denied = await doctor(env({ DISCORD_ALERT_CHANNEL_ID: alerts.id }));
    expect(denied.findings.find((f) => f.area === "Discord" && f.status === "fail")).toMatchObject({
      message: "alert channel #baton-alerts: the bot lacks Embed Links, so safety alerts cannot be posted",
      fix: "give the Baton role Embed Links in #baton-alerts (Edit Channel → Permissions)",
    });

    const missing = await doctor(env({ DISCORD_ALERT_CHANNEL_ID: "123456789012345678" }));
    expect(sentences(missing, "Discord", "fail")).toEqual([
      "DISCORD_ALERT_CHANNEL_ID=123456789012345678: the bot cannot see that channel, so safety alerts cannot be posted",
    ]);
  } finally {
    fake.world.channels.delete(alerts.id);
  }
});
