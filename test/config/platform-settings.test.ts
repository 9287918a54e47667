// DISCORD_* and SLACK_* into adapter settings: off without a token, a clear error when a token lacks its companion.

import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/env.js";
import { whenConfigured } from "../../src/config/configured.js";

const env = (vars: Record<string, string>) => loadSettings(vars);
const discordSettings = (settings: ReturnType<typeof env>) => whenConfigured(settings.discord);
const slackSettings = (settings: ReturnType<typeof env>) => whenConfigured(settings.slack);

describe("platform settings", () => {
  it("turns a platform on only when its token is set", () => {
    expect(discordSettings(env({}))).toBeUndefined();
    expect(slackSettings(env({}))).toBeUndefined();
    expect(discordSettings(env({ DISCORD_TOKEN: "t", DISCORD_APPLICATION_ID: "1", DISCORD_CHANNEL_IDS: "2,3" }))).toEqual({
      token: "t",
      applicationId: "1",
      channelIds: ["2", "3"],
    });
    expect(slackSettings(env({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", HOST: "127.0.0.1" }))).toEqual({
      botToken: "xoxb-1",
      appToken: "xapp-1",
      port: 3000,
      host: "127.0.0.1",
      commandName: "homework",
      moderatorIds: [],
      maxBodyBytes: 1_048_576,
      streamReplies: true,
    });
    // Streaming is on unless SLACK_STREAM_REPLIES=off.
    expect(slackSettings(env({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", SLACK_STREAM_REPLIES: "off" }))?.streamReplies).toBe(false);
    expect(slackSettings(env({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", SLACK_STREAM_REPLIES: "on" }))?.streamReplies).toBe(true);
  });

  it("names what is missing when a token comes without its companion setting, when the platform is started", () => {
    // Loading succeeds: the doctor reports the problem among its findings, and `history` does not need the platform.
    expect(env({ DISCORD_TOKEN: "t" }).discord).toMatchObject({ state: "incomplete" });
    expect(() => discordSettings(env({ DISCORD_TOKEN: "t" }))).toThrow(/DISCORD_APPLICATION_ID/);
    expect(() => slackSettings(env({ SLACK_BOT_TOKEN: "xoxb-1" }))).toThrow(/SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
  });
});
