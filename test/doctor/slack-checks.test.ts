// The doctor's Slack checks against the fake Slack: bot token, scopes against the manifest, app token, signing secret.

import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { FakeSlack, FULL_SCOPES } from "../support/fake-slack/index.js";
import { closedPort, doctor, sentences } from "./doctor-support.js";

let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.setChannel("C0ALERTS", { name: "moderators" });
});
afterAll(() => fake.close());
afterEach(() => fake.setScopes(FULL_SCOPES));

const env = (extra: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN: fake.identity.botToken,
  SLACK_APP_TOKEN: fake.identity.appToken,
  SLACK_API_URL: fake.apiUrl,
  SLACK_ALERT_CHANNEL: "C0ALERTS",
  ...extra,
});

it("a ready app passes: the bot token, every manifest scope, the alert channel, Socket Mode", async () => {
  const result = await doctor(env());
  expect(sentences(result, "Slack", "fail")).toEqual([]);
  expect(sentences(result, "Slack", "warn")).toEqual([]);
  expect(sentences(result, "Slack", "ok")).toEqual([
    "SLACK_BOT_TOKEN is valid: @baton in Baton School",
    "the token has every scope slack/manifest.yml asks for (14)",
    "#moderators: safety alerts can be posted there (SLACK_ALERT_CHANNEL; the bot is a member)",
    "SLACK_APP_TOKEN opens a Socket Mode connection",
  ]);
});

it("a refused bot token, named by Slack's error", async () => {
  const result = await doctor(env({ SLACK_BOT_TOKEN: "xoxb-wrong-token" }));
  expect(sentences(result, "Slack", "fail")).toEqual(["Slack refused SLACK_BOT_TOKEN (invalid_auth): it is wrong, or belongs to another app"]);
  expect(result.text).not.toContain("xoxb-wrong-token");
});

it("a user token instead of a bot token", async () => {
  const result = await doctor(env({ SLACK_BOT_TOKEN: "xoxp-1234-user" }));
  expect(sentences(result, "Slack", "fail")[0]).toBe('SLACK_BOT_TOKEN starts with "xoxp-", not "xoxb-": it is not a bot token');
});

it("scopes missing from the installed app, against slack/manifest.yml", async () => {
  fake.setScopes(FULL_SCOPES.filter((s) => s !== "users:read" && s !== "chat:write.customize"));
  const result = await doctor(env());
  expect(sentences(result, "Slack", "fail")).toEqual(["the token lacks the scopes users:read that slack/manifest.yml asks for"]);
  expect(sentences(result, "Slack", "warn")).toEqual([
    "the token lacks chat:write.customize: replies come under the app's name with the agent's name in bold",
  ]);
});

it("without files:write only a warning: formulas come as TeX", async () => {
  fake.setScopes(FULL_SCOPES.filter((s) => s !== "files:write"));
  const result = await doctor(env());
  expect(sentences(result, "Slack", "fail")).toEqual([]);
  expect(sentences(result, "Slack", "warn")).toEqual(["the token lacks files:write: display math comes as its TeX in code, without the rendered image"]);
});

it("a refused app token", async () => {
  const result = await doctor(env({ SLACK_APP_TOKEN: "xapp-wrong" }));
  expect(sentences(result, "Slack", "fail")).toEqual(["Slack refused SLACK_APP_TOKEN (invalid_auth): it is wrong, or belongs to another app"]);
});

it("HTTP events: the signing secret's shape is checked, its value never shown", async () => {
  const bad = await doctor({ SLACK_BOT_TOKEN: fake.identity.botToken, SLACK_API_URL: fake.apiUrl, SLACK_SIGNING_SECRET: "xoxb-not-a-secret" });
  expect(sentences(bad, "Slack", "fail")).toEqual(["SLACK_SIGNING_SECRET does not look like a signing secret (32 lower-case hexadecimal characters)"]);
  expect(bad.text).not.toContain("not-a-secret");
  const good = await doctor({ SLACK_BOT_TOKEN: fake.identity.botToken, SLACK_API_URL: fake.apiUrl, SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef" });
  expect(sentences(good, "Slack", "fail")).toEqual([]);
});

it("an unreachable Slack is a network failure, never a refused token", async () => {
  const port = await closedPort();
  const result = await doctor(env({ SLACK_API_URL: `http://127.0.0.1:${port}/api/` }));
  const network = `cannot reach 127.0.0.1:${port}: ECONNREFUSED — nothing is listening there: a wrong URL, or a firewall or proxy refusing the connection`;
  expect(sentences(result, "Slack", "fail")).toEqual([network, network]);
});
