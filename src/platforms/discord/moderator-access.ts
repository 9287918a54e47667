// Moderator rights checked where the data lives: Manage Messages in the thread being read, or server-wide for the server.

import { PermissionFlagsBits, RESTJSONErrorCodes, type Guild, type GuildMember } from "discord.js";
import { threadRef, type BotContext } from "./bot-context.js";
import { MODERATOR_PERMISSION } from "./commands.js";
import { discordErrorCode } from "./errors.js";
import type { ThreadRef } from "../../bot/ports.js";

/** The answer to a refused read; the same whether the thread is elsewhere, unknown or not the moderator's. */
export const THREAD_REFUSED = "You can only read threads of this server in channels where you may manage messages.";

/** Discord answers these when the thread is gone or the bot cannot see it: to the moderator, all the same refusal. */
const UNREADABLE = new Set<number>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.UnknownGuild, RESTJSONErrorCodes.UnknownMember]);

/** Who acts, from a slash command or a button click: the server it happened in and the member. */
export interface ModeratorAction {
  readonly guildId: string | null;
  readonly user: { readonly id: string };
}

/** With DISCORD_GUILD_ID, only that server's moderators are moderators here. */
export function ownServer(context: BotContext, interaction: ModeratorAction): boolean {
  return interaction.guildId !== null && (context.settings.guildId === undefined || interaction.guildId === context.settings.guildId);
}

export type ThreadAccess = { readonly allowed: true; readonly ref: ThreadRef } | { readonly allowed: false };

/**
 * Whether the member who ran the command may read thread `threadId`: it must be a thread of the interaction's server,
 * and the member must have View Channel and Manage Messages in its parent channel, computed as Discord does (owner,
 * roles with @everyone, Administrator, then the parent's overwrites for @everyone, the member's roles and the member).
 * The permissions Discord put on the interaction are for the channel the command was typed in, so they do not count.
 * Roles, the member and the channels are fetched, not taken from the cache: the member cache is not kept fresh without
 * the privileged members intent, and a restarted bot's cache may not have the thread at all.
 */
export async function threadAccess(context: BotContext, interaction: ModeratorAction, threadId: string): Promise<ThreadAccess> {
  const guildId = interaction.guildId;
  if (guildId === null) return { allowed: false };
  return await unlessUnreadable(async (): Promise<ThreadAccess> => {
    const thread = await context.client.channels.fetch(threadId, { force: true });
    if (thread === null || !thread.isThread() || thread.guildId !== guildId || thread.parentId === null) return { allowed: false };
    const [parent, member] = await Promise.all([context.client.channels.fetch(thread.parentId, { force: true }), freshMember(context, guildId, interaction.user.id)]);
    if (parent === null || parent.isDMBased() || parent.isThread() || parent.guildId !== guildId) return { allowed: false };
    const permissions = parent.permissionsFor(member);
    const may = permissions.has(PermissionFlagsBits.ViewChannel) && permissions.has(MODERATOR_PERMISSION);
    return may ? { allowed: true, ref: threadRef(guildId, parent.id, thread.id) } : { allowed: false };
  }, { allowed: false });
}

/**
 * Whether the member may manage messages server-wide (their roles, or ownership), which is what reading or deleting
 * the whole server's data takes: a member made a moderator of one channel by an overwrite is not a moderator of all.
 */
export async function serverModerator(context: BotContext, interaction: ModeratorAction): Promise<boolean> {
  const guildId = interaction.guildId;
  if (guildId === null) return false;
  return await unlessUnreadable(async () => (await freshMember(context, guildId, interaction.user.id)).permissions.has(MODERATOR_PERMISSION), false);
}

async function freshMember(context: BotContext, guildId: string, userId: string): Promise<GuildMember> {
  const guild: Guild = await context.client.guilds.fetch(guildId);
  await guild.roles.fetch(undefined, { force: true });
  return await guild.members.fetch({ user: userId, force: true });
}

async function unlessUnreadable<T>(read: () => Promise<T>, refused: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = discordErrorCode(error);
    if (code !== undefined && UNREADABLE.has(code)) return refused;
    throw error;
  }
}
