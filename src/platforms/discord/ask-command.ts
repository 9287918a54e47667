// /ask question:<text> — stored, then answered at once (deferred), posts the question, opens a thread on it and runs it there.

import { channelMention, cleanContent, MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { cleanText } from "../../bot/input.js";
import { isQuestionChannel, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { ASK } from "./commands.js";
import { attachmentRef } from "./message-handler.js";
import { finishAsk, receiveDiscordEvent } from "./received-entry.js";
import type { ReceivedDiscordAsk } from "./received-payload.js";

export async function onAsk(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const { gateway, settings } = context;
  // Zero-width characters alone are no question: cleaned the way the service will clean it.
  const text = cleanText(interaction.options.getString(ASK.question, true));
  const channel = interaction.channel;
  if (!interaction.inGuild() || channel === null) {
    await refuse(interaction, "Use /ask in a channel of the server.");
    return;
  }
  if (text === "") {
    await refuse(interaction, "Please write your question after /ask.");
    return;
  }
  const image = interaction.options.getAttachment(ASK.image);
  const ref = channel.isThread() && channel.parentId !== null ? threadRef(interaction.guildId, channel.parentId, channel.id) : undefined;
  const continuing = ref !== undefined && gateway.hasConversation(ref);
  if (!continuing && !isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId: interaction.guildId })) {
    await refuse(interaction, whereToAsk(context));
    return;
  }
  const payload: ReceivedDiscordAsk = {
    kind: "ask",
    guildId: interaction.guildId,
    channelId: channel.id,
    userId: interaction.user.id,
    userName: memberName(interaction),
    question: text,
    text: cleanContent(text, channel),
    ...(continuing && ref !== undefined && { continuingParentId: ref.channel }),
    ...(image === null ? {} : { attachments: [attachmentRef(image)] }),
  };
  // Stored before the first network wait (the deferral, the post, the thread): a crash from here on loses nothing.
  const receipt = await receiveDiscordEvent(context, { eventId: interaction.id, payload }, (notice) =>
    interaction.deferred || interaction.replied
      ? interaction.followUp({ content: notice, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
      : interaction.reply({ content: notice, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }),
  );
  if (receipt !== undefined) await finishAsk(context, receipt, payload, interaction);
}

function memberName(interaction: ChatInputCommandInteraction): string {
  const member = interaction.member;
  if (member !== null && "displayName" in member) return member.displayName;
  if (typeof member?.nick === "string" && member.nick !== "") return member.nick;
  return interaction.user.displayName;
}

function whereToAsk({ settings }: BotContext): string {
  const allowed = settings.channelIds ?? [];
  if (allowed.length === 0) return "Use /ask in a text channel, or in a thread I opened.";
  return `I answer questions in ${allowed.map((id) => channelMention(id)).join(", ")}.`;
}

async function refuse(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}
