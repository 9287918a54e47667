// /handback: a moderator gives a thread that an agent handed to a person ("ask a teacher") back to the agents.

import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { NO_MENTIONS, type BotContext } from "./bot-context.js";
import { ownServer, threadAccess } from "./moderator-access.js";

export const HANDBACK_OUTSIDE_THREAD = "Run /handback inside the tutoring thread you want to give back to the tutors.";
export const HANDBACK_REFUSED = "Only moderators of this thread's channel (members who may manage messages there) can hand it back.";
export const HANDBACK_NOT_WAITING = "This thread is not waiting for a teacher: the tutors already answer here.";
export const HANDED_BACK = "Handed back: the tutors answer the student's next message in this thread.";

export async function onHandback(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const handBack = context.gateway.handBack;
  if (!ownServer(context, interaction) || handBack === undefined) return await answer(interaction, HANDBACK_REFUSED);
  const channel = interaction.channel ?? (await context.client.channels.fetch(interaction.channelId));
  if (channel === null || !channel.isThread()) return await answer(interaction, HANDBACK_OUTSIDE_THREAD);
  // Checked where the conversation lives (Manage Messages in the thread's parent), fetched fresh, not from the interaction.
  const access = await threadAccess(context, interaction, channel.id);
  if (!access.allowed) return await answer(interaction, HANDBACK_REFUSED);
  const result = await handBack.call(context.gateway, access.ref);
  context.logger.info({ moderatorId: interaction.user.id, threadId: channel.id, result }, "discord: /handback");
  await answer(interaction, result === "handed_back" ? HANDED_BACK : HANDBACK_NOT_WAITING);
}

async function answer(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}
