// /history and /forget: moderator-only (Manage Messages where the data lives, checked here), answered ephemerally.

import { channelMention, MessageFlags, userMention, type ChatInputCommandInteraction, type PermissionsBitField } from "discord.js";
import type { ThreadRef } from "../../bot/ports.js";
import { DISCORD_PLATFORM, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { FORGET, HISTORY, MODERATOR_PERMISSION } from "./commands.js";
import { consoleButtonRow } from "./console-button.js";
import { ownServer, serverModerator, threadAccess, THREAD_REFUSED } from "./moderator-access.js";
import { transcriptPages } from "./transcript-pages.js";

export const MODERATORS_ONLY = "Only moderators (members who may manage messages) can use this command.";
export const SERVER_MODERATORS_ONLY = "Only server-wide moderators (a role that may manage messages) can delete a member's stored messages.";

export async function onHistory(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if (!ownServer(context, interaction) || interaction.guildId === null) return await answer(interaction, MODERATORS_ONLY);
  const scope = { platform: DISCORD_PLATFORM, workspace: interaction.guildId };
  const named = interaction.options.getChannel(HISTORY.thread);
  let ref: ThreadRef | undefined;
  if (named !== null && named.id !== interaction.channelId) {
    // Authorised where the data lives: the rights in the channel the command was typed in say nothing about that thread.
    const access = await threadAccess(context, interaction, named.id);
    if (!access.allowed) return await answer(interaction, THREAD_REFUSED);
    ref = access.ref;
  } else {
    // Inside the thread itself, Discord computed the member's permissions there (its parent's) onto the interaction.
    if (!hasModeratorPermission(interaction)) return await answer(interaction, MODERATORS_ONLY);
    ref = await currentThread(context, interaction);
  }
  if (ref === undefined) {
    const button = (await serverModerator(context, interaction)) ? consoleButtonRow(context, interaction) : [];
    const hint = button.length === 0 ? "" : " Or open all of this server's conversations in the console:";
    await answer(interaction, `Run /history inside a thread, or pick one with the \`thread:\` option.${hint}`, button);
    return;
  }
  // Scoped to the command's server: a thread of another server reads as unknown, whatever the lookup above found.
  const transcript = await context.reads.transcript(scope, ref);
  if (transcript === undefined) {
    await answer(interaction, `I have no conversation in ${channelMention(ref.thread)}.`);
    return;
  }
  const pages = transcriptPages(transcript);
  const wanted = interaction.options.getInteger(HISTORY.page) ?? 1;
  const page = Math.min(Math.max(wanted, 1), pages.length);
  const more = pages.length > 1 && page < pages.length ? `\n-# More: \`/history page:${page + 1}\`` : "";
  await answer(interaction, pages[page - 1]! + more, consoleButtonRow(context, interaction, { conversationId: transcript.conversationId }));
}

export async function onForget(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if (!ownServer(context, interaction) || !hasModeratorPermission(interaction)) return await answer(interaction, MODERATORS_ONLY);
  // It deletes the user's messages in every channel of the server, so it takes the right to manage messages in all.
  if (!(await serverModerator(context, interaction)) || interaction.guildId === null) return await answer(interaction, SERVER_MODERATORS_ONLY);
  const user = interaction.options.getUser(FORGET.user, true);
  // A moderator's reach is their server: another server's data about the same user is not theirs to delete.
  const deleted = await context.reads.forgetUser({ platform: DISCORD_PLATFORM, workspace: interaction.guildId }, user.id);
  context.logger.info({ moderatorId: interaction.user.id, userId: user.id, deleted }, "discord: forgot a user's messages");
  await answer(interaction, `Deleted ${deleted} stored message${deleted === 1 ? "" : "s"} of ${userMention(user.id)}.`);
}

/**
 * Discord hides these commands from members without Manage Messages, but a server admin can override that per role or
 * channel; the permissions the interaction carries (for the channel it was run in) are the ones that count there.
 */
export function hasModeratorPermission(interaction: { readonly memberPermissions: Readonly<PermissionsBitField> | null }): boolean {
  return interaction.memberPermissions?.has(MODERATOR_PERMISSION) === true;
}

/** The thread the command was run in, if it was run in one (fetched when a restarted bot has not cached it). */
async function currentThread(context: BotContext, interaction: ChatInputCommandInteraction): Promise<ThreadRef | undefined> {
  const channel = interaction.channel ?? (await context.client.channels.fetch(interaction.channelId));
  if (interaction.guildId === null || channel === null || !channel.isThread() || channel.parentId === null) return undefined;
  return threadRef(interaction.guildId, channel.parentId, channel.id);
}

async function answer(
  interaction: ChatInputCommandInteraction,
  content: string,
  components: ReturnType<typeof consoleButtonRow> = [],
): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS, ...(components.length > 0 && { components }) });
}
