// What every Discord event handler works with: the client, the service gateway and moderator reads, the settings, and
// where threads live.

import { ChannelType, type Client, type MessageMentionOptions } from "discord.js";
import type { Logger } from "pino";
import type { ConsoleLinks } from "../../bot/console-links.js";
import type { ModeratorReads } from "../../bot/moderator-reads-port.js";
import type { ConversationGateway, ThreadRef } from "../../bot/ports.js";
import type { BusyIndicator } from "../common/busy-indicator.js";
import type { DiscordSettings } from "./settings.js";

export const DISCORD_PLATFORM = "discord";

/** Nothing the bot posts may ping: a model (or a student's question) writing "@everyone" or "<@id>" notifies no one. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [] };

export interface BotContext {
  readonly client: Client<true>;
  readonly gateway: ConversationGateway;
  /** Transcripts, /forget, flags and usage: every read names this server (the rights are checked before it). */
  readonly reads: ModeratorReads;
  readonly settings: DiscordSettings;
  readonly logger: Logger;
  /** "<bot> is typing…" in a thread while the agents work there (the envelopes' busy observer drives it). */
  readonly typing: BusyIndicator<ThreadRef>;
  /** The web console's signed links, when it runs: moderator answers then carry an "Open in the console" button. */
  readonly consoleLinks?: ConsoleLinks;
}

/** The service's key of a Discord thread: guild, the thread's parent channel, the thread. */
export function threadRef(guildId: string, parentId: string, threadId: string): ThreadRef {
  return { platform: DISCORD_PLATFORM, workspace: guildId, channel: parentId, thread: threadId };
}

/** Whether a new question may be asked in this channel: a text channel of the configured guild, on the allow-list if any. */
export function isQuestionChannel(settings: DiscordSettings, channel: { readonly id: string; readonly type: ChannelType; readonly guildId: string | null }): boolean {
  if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) return false;
  if (channel.guildId === null || (settings.guildId !== undefined && channel.guildId !== settings.guildId)) return false;
  const allowed = settings.channelIds ?? [];
  return allowed.length === 0 || allowed.includes(channel.id);
}
