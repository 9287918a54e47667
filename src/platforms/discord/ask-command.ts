// /ask question:<text> — answered at once (deferred), posts the question, opens a thread on it and runs it there.

import { channelMention, cleanContent, MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { cleanText } from "../../bot/input.js";
import { isQuestionChannel, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { ASK } from "./commands.js";
import { runTurn, startConversation, type Question } from "./conversation-turn.js";
import { DISCORD_MESSAGE_LIMIT } from "./split-message.js";
import { threadNameFor } from "./thread-name.js";

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
  const ref = channel.isThread() && channel.parentId !== null ? threadRef(interaction.guildId, channel.parentId, channel.id) : undefined;
  const continuing = ref !== undefined && gateway.hasConversation(ref);
  if (!continuing && !isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId: interaction.guildId })) {
    await refuse(interaction, whereToAsk(context));
    return;
  }
  // Discord drops an interaction not answered within 3 seconds; thread creation and the agents take longer.
  await interaction.deferReply();
  // The post shows mentions as Discord renders them (pinging no one); the agents and the thread name get them as @names.
  const posted = await interaction.editReply({ content: questionPost(text), allowedMentions: NO_MENTIONS });
  const readable = cleanContent(text, channel);
  const question: Question = { eventId: interaction.id, user: { id: interaction.user.id, name: memberName(interaction) }, text: readable };
  if (continuing && channel.isThread()) {
    await runTurn(context, channel, { ...ref, ...question });
    return;
  }
  const thread = await posted.startThread({ name: threadNameFor(readable), reason: `Question asked with /ask by ${interaction.user.id}` });
  await startConversation(context, thread, question);
}

function memberName(interaction: ChatInputCommandInteraction): string {
  const member = interaction.member;
  if (member !== null && "displayName" in member) return member.displayName;
  if (typeof member?.nick === "string" && member.nick !== "") return member.nick;
  return interaction.user.displayName;
}

/** The question as the thread's first message: at most one Discord message, whatever the option's limit says. */
function questionPost(text: string): string {
  return text.length <= DISCORD_MESSAGE_LIMIT ? text : `${text.slice(0, DISCORD_MESSAGE_LIMIT - 1)}…`;
}

function whereToAsk({ settings }: BotContext): string {
  const allowed = settings.channelIds ?? [];
  if (allowed.length === 0) return "Use /ask in a text channel, or in a thread I opened.";
  return `I answer questions in ${allowed.map((id) => channelMention(id)).join(", ")}.`;
}

async function refuse(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}
