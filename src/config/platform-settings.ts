// Turns the environment's DISCORD_* and SLACK_* variables into the typed settings each adapter takes.

import type { DiscordSettings } from "../platforms/discord/settings.js";
import type { SlackSettings } from "../platforms/slack/settings.js";
import { UserError } from "../workflow/errors.js";
import type { Env } from "./env.js";

/** Undefined when DISCORD_TOKEN is not set (Discord is off); an error when it is set but incomplete. */
export function discordSettings(env: Env): DiscordSettings | undefined {
  if (env.DISCORD_TOKEN === undefined) return undefined;
  if (env.DISCORD_APPLICATION_ID === undefined) {
    throw new UserError("DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not: both are needed (the Developer Portal shows the application id).", {
      code: "configuration",
    });
  }
  return {
    token: env.DISCORD_TOKEN,
    applicationId: env.DISCORD_APPLICATION_ID,
    ...(env.DISCORD_GUILD_ID !== undefined ? { guildId: env.DISCORD_GUILD_ID } : {}),
    ...(env.DISCORD_CHANNEL_IDS.length > 0 ? { channelIds: env.DISCORD_CHANNEL_IDS } : {}),
    ...(env.DISCORD_ALERT_CHANNEL_ID !== undefined ? { alertChannelId: env.DISCORD_ALERT_CHANNEL_ID } : {}),
    ...(env.DISCORD_API_URL !== undefined ? { apiUrl: env.DISCORD_API_URL } : {}),
  };
}

/** Undefined when SLACK_BOT_TOKEN is not set (Slack is off); an error when it has neither Socket Mode nor a signing secret. */
export function slackSettings(env: Env): SlackSettings | undefined {
  if (env.SLACK_BOT_TOKEN === undefined) return undefined;
  if (env.SLACK_APP_TOKEN === undefined && env.SLACK_SIGNING_SECRET === undefined) {
    throw new UserError(
      "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP events) is: set one of them.",
      { code: "configuration" },
    );
  }
  return {
    botToken: env.SLACK_BOT_TOKEN,
    port: env.PORT,
    commandName: env.SLACK_COMMAND,
    moderatorIds: env.SLACK_MODERATOR_IDS,
    maxBodyBytes: env.SLACK_MAX_BODY_BYTES,
    // Streaming is on unless switched off (SLACK_STREAM_REPLIES=off: each reply posted whole).
    streamReplies: env.SLACK_STREAM_REPLIES !== "off",
    ...(env.SLACK_APP_TOKEN !== undefined ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_SIGNING_SECRET !== undefined ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
    ...(env.SLACK_ALERT_CHANNEL !== undefined ? { alertChannel: env.SLACK_ALERT_CHANNEL } : {}),
    ...(env.SLACK_API_URL !== undefined ? { apiUrl: env.SLACK_API_URL } : {}),
    ...(env.HOST !== undefined ? { host: env.HOST } : {}),
  };
}
