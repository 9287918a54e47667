// /history and /forget: moderator-only (Manage Messages, checked again here), answered ephemerally.

import { channelMention, MessageFlags, userMention, type ChatInputCommandInteraction } from "discord.js";
import type { ThreadRef } from "../../bot/ports.js";
import { DISCORD_PLATFORM, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { FORGET, HISTORY, MODERATOR_PERMISSION } from "./commands.js";
import { consoleButtonRow } from "./console-button.js";
import { transcriptPages } from "./transcript-pages.js";

export const MODERATORS_ONLY = "Only moderators (members who may manage messages) can use this command.";

export async function onHistory(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if (!(await isModerator(context, interaction))) return;
  const ref = targetThread(interaction);
  if (ref === undefined) {
    const button = consoleButtonRow(context, interaction);
    const hint = button.length === 0 ? "" : " Or open all of this server's conversations in the console:";
    await answer(interaction, `Run /history inside a thread, or pick one with the \`thread:\` option.${hint}`, button);
    return;
  }
  const transcript = context.gateway.transcript(ref);
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
  if (!(await isModerator(context, interaction)) || interaction.guildId === null) return;
  const user = interaction.options.getUser(FORGET.user, true);
  // A moderator's reach is their server: another server's data about the same user is not theirs to delete.
  const deleted = context.gateway.forgetUser(DISCORD_PLATFORM, user.id, interaction.guildId);
  context.logger.info({ moderatorId: interaction.user.id, userId: user.id, deleted }, "discord: forgot a user's messages");
  await answer(interaction, `Deleted ${deleted} stored message${deleted === 1 ? "" : "s"} of ${userMention(user.id)}.`);
}

/**
 * Discord hides these commands from members without Manage Messages, but a server admin can override that per role or
 * channel; the permissions the interaction carries are the ones that count. With DISCORD_GUILD_ID, only that server's
 * moderators are moderators here.
 */
async function isModerator(context: BotContext, interaction: ChatInputCommandInteraction): Promise<boolean> {
  const ownServer = interaction.guildId !== null && (context.settings.guildId === undefined || interaction.guildId === context.settings.guildId);
  if (ownServer && interaction.memberPermissions?.has(MODERATOR_PERMISSION) === true) return true;
  await answer(interaction, MODERATORS_ONLY);
  return false;
}

/** The thread named by the `thread:` option, else the thread the command was run in. */
function targetThread(interaction: ChatInputCommandInteraction): ThreadRef | undefined {
  const guildId = interaction.guildId;
  if (guildId === null) return undefined;
  const option = interaction.options.getChannel(HISTORY.thread);
  const channel = option ?? interaction.channel;
  if (channel === null) return undefined;
  const parentId = "parentId" in channel ? channel.parentId : "parent_id" in channel ? channel.parent_id : null;
  const isThread = "isThread" in channel ? channel.isThread() : parentId !== null && parentId !== undefined;
  if (!isThread || parentId === null || parentId === undefined) return undefined;
  return threadRef(guildId, parentId, channel.id);
}

async function answer(
  interaction: ChatInputCommandInteraction,
  content: string,
  components: ReturnType<typeof consoleButtonRow> = [],
): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS, ...(components.length > 0 && { components }) });
}
