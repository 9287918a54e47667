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
  /**
   * Whether replies grow as the model writes them (webhook message edits, about one per 1.5 s). Default true; false
   * posts each reply whole once it is written (as Baton did before streaming).
   */
  readonly streamReplies?: boolean;
  /** The pace of the streamed replies' edits (tests and the bench shorten it). */
  readonly streamPace?: { readonly perMessageMs: number; readonly shared: { readonly calls: number; readonly windowMs: number } };
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
  streamReplies: z.boolean().optional(),
  streamPace: z
    .object({ perMessageMs: z.number().int().min(0), shared: z.object({ calls: z.number().int().min(1), windowMs: z.number().int().min(1) }) })
    .optional(),
}) satisfies z.ZodType<DiscordSettings>;
