// /ask question:<text> — stored, then answered at once (deferred), posts the question, opens a thread on it and runs it there.

import { channelMention, cleanContent, MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { cleanText } from "../../bot/input.js";
import type { Inbound } from "../../bot/inbound-envelope.js";
import { DISCORD_PLATFORM, isQuestionChannel, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { ASK } from "./commands.js";
import type { DiscordAskDetail } from "./inbound-detail.js";
import { acceptDiscordEvent, discordEnvelope } from "./inbound-envelopes.js";
import { attachmentRef } from "./message-handler.js";

export async function onAsk(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const { settings } = context;
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
  // Run in a thread, /ask continues its conversation if it is one (the service checks before it stores anything).
  const ref = channel.isThread() && channel.parentId !== null ? threadRef(interaction.guildId, channel.parentId, channel.id) : undefined;
  if (ref === undefined && !isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId: interaction.guildId })) {
    await refuse(interaction, whereToAsk(context));
    return;
  }
  const detail: DiscordAskDetail = {
    kind: "ask",
    channelId: channel.id,
    question: text,
    ...(ref === undefined ? {} : { continuing: true }),
    ...(image === null ? {} : { attachments: [attachmentRef(image)] }),
  };
  const inbound: Inbound = {
    platform: DISCORD_PLATFORM,
    workspace: interaction.guildId,
    eventId: interaction.id,
    user: { id: interaction.user.id, name: memberName(interaction) },
    text: cleanContent(text, channel),
    ...(ref === undefined ? {} : { thread: ref, onlyInConversation: true }),
    detail,
  };
  // Stored by the service before the first network wait (the deferral, the post, the thread): a crash from then on loses nothing.
  const envelope = discordEnvelope(context, inbound, { interaction });
  const outcome = envelope === undefined ? undefined : await acceptDiscordEvent(context, envelope);
  if (outcome?.status === "ignored" && outcome.reason === "not_a_conversation") await refuse(interaction, whereToAsk(context));
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
