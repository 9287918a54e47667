// The doctor's check of SLACK_ALERT_CHANNEL against the fake Slack's conversations.info: each failure its sentence.

import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { FakeSlack, FULL_SCOPES } from "../support/fake-slack/index.js";
import { doctor, sentences } from "./doctor-support.js";

let fake: FakeSlack;
beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.setChannel("C0ALERTS", { name: "moderators" });
  fake.setChannel("C0OUTSIDE", { name: "staff-room", member: false });
  fake.setChannel("C0SECRET", { name: "counsellors", member: false, private: true });
  fake.setChannel("C0OLD", { name: "old-alerts", archived: true });
  fake.setChannel("C0GONE", { exists: false });
});
afterAll(() => fake.close());
afterEach(() => fake.setScopes(FULL_SCOPES));

const env = (channel?: string) => ({
  SLACK_BOT_TOKEN: fake.identity.botToken,
  SLACK_APP_TOKEN: fake.identity.appToken,
  SLACK_API_URL: fake.apiUrl,
  ...(channel === undefined ? {} : { SLACK_ALERT_CHANNEL: channel }),
});

it("a channel the bot is in passes", async () => {
  const result = await doctor(env("C0ALERTS"));
  expect(sentences(result, "Slack", "ok")).toContain("#moderators: safety alerts can be posted there (SLACK_ALERT_CHANNEL; the bot is a member)");
  expect(sentences(result, "Slack", "fail")).toEqual([]);
});

it("a public channel the bot is not in fails with the /invite fix", async () => {
  const result = await doctor(env("C0OUTSIDE"));
  const finding = result.findings.find((f) => f.area === "Slack" && f.status === "fail");
  expect(finding?.message).toBe("SLACK_ALERT_CHANNEL=C0OUTSIDE: the bot is not a member of #staff-room, so safety alerts cannot be posted there");
  expect(finding?.fix).toBe("invite the bot there: /invite @Baton in that channel");
});

it("a private channel the bot is not in, and an id that does not exist, read alike as not found", async () => {
  for (const channel of ["C0SECRET", "C0GONE"]) {
    const result = await doctor(env(channel));
    expect(sentences(result, "Slack", "fail")).toEqual([
      `SLACK_ALERT_CHANNEL=${channel}: the bot sees no channel of that id (a private channel it is not in looks the same), so safety alerts cannot be posted`,
    ]);
  }
});

it("an archived channel", async () => {
  const result = await doctor(env("C0OLD"));
  expect(sentences(result, "Slack", "fail")).toEqual(["SLACK_ALERT_CHANNEL=C0OLD: #old-alerts is archived, so safety alerts cannot be posted there"]);
});

it("an app installed before the read scopes: two warnings, not a failure", async () => {
  fake.setScopes(FULL_SCOPES.filter((scope) => scope !== "channels:read" && scope !== "groups:read"));
  const result = await doctor(env("C0ALERTS"));
  expect(sentences(result, "Slack", "fail")).toEqual([]);
  expect(sentences(result, "Slack", "warn")).toEqual([
    "the token lacks channels:read: the doctor cannot check a public SLACK_ALERT_CHANNEL",
    "the token lacks groups:read: the doctor cannot check a private SLACK_ALERT_CHANNEL",
    "SLACK_ALERT_CHANNEL=C0ALERTS could not be checked: the token lacks channels:read",
  ]);
});

it("no alert channel is a warning that alerts go nowhere", async () => {
  const result = await doctor(env());
  expect(sentences(result, "Slack", "warn")).toEqual([
    "SLACK_ALERT_CHANNEL is not set: safety alerts are posted nowhere (flags are still kept for the moderators' console)",
  ]);
});
