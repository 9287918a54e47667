// The Discord adapter's configuration: what src/config/ reads from the environment and hands in, typed and validated.

import { z } from "zod";

/** Everything the Discord adapter needs; read from the environment by src/config/, never here. */
export interface DiscordSettings {
  /** The bot token (DISCORD_TOKEN), without the "Bot " prefix. */
  readonly token: string;
  /** The application (client) id (DISCORD_APPLICATION_ID), used to register slash commands. */
  readonly applicationId: string;
  /** Register the commands to this guild only (instant) instead of globally, and answer only in it. */
  readonly guildId?: string;
  /** Allow-list of channel ids where questions may be asked; empty or absent means every text channel. */
  readonly channelIds?: readonly string[];
  /** DISCORD_ALERT_CHANNEL_ID: the moderators' channel, where safety alerts are posted; absent, none are. */
  readonly alertChannelId?: string;
  /** REST base without the version, e.g. "https://discord.com/api" (the default); for proxies and tests. */
  readonly apiUrl?: string;
}

const snowflake = z.string().regex(/^\d{1,20}$/, "must be a Discord id (digits only)");

/** Validates a DiscordSettings object, e.g. one built from DISCORD_* variables. */
export const discordSettingsSchema = z.object({
  token: z.string().trim().min(1, "DISCORD_TOKEN is empty"),
  applicationId: snowflake,
  guildId: snowflake.optional(),
  channelIds: z.array(snowflake).optional(),
  alertChannelId: snowflake.optional(),
  apiUrl: z.url().optional(),
}) satisfies z.ZodType<DiscordSettings>;
