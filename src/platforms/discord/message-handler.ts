// Handles MESSAGE_CREATE: a mention with a question opens a thread; a message in the bot's thread continues it.

import { cleanContent, RESTJSONErrorCodes, type AnyThreadChannel, type Message } from "discord.js";
import { isQuestionChannel, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { runTurn, startConversation, type Question } from "./conversation-turn.js";
import { discordErrorCode } from "./errors.js";
import { decideInbound, ignoredSender, withoutBotMention, type IgnoreReason } from "./inbound-message.js";
import { threadNameFor } from "./thread-name.js";

export const TEXT_ONLY_NOTICE = "I can only read text for now — please type your question as a message.";
export const NO_THREAD_NOTICE = "I can't open a thread in this channel: I need the Create Public Threads permission here.";

const QUIET_REPLY = { ...NO_MENTIONS, repliedUser: false };

export async function onMessage(context: BotContext, received: Message): Promise<void> {
  const { client, gateway, settings } = context;
  const guildId = received.guildId;
  const senderFacts = { authorIsBot: received.author.bot, webhookId: received.webhookId, system: received.system, inGuild: guildId !== null };
  const sender = ignoredSender(senderFacts);
  if (sender !== undefined || guildId === null) return ignored(context, received, sender ?? "direct_message");
  // A message in a thread the client has not cached (e.g. unarchived after a restart) has a partial channel: learn its parent.
  const channel = received.channel.isThread() && received.channel.parentId === null ? await received.channel.fetch() : received.channel;
  const ref = channel.isThread() && channel.parentId !== null ? threadRef(guildId, channel.parentId, channel.id) : undefined;
  const text = withoutBotMention(received.content, client.user.id);
  const decision = decideInbound({
    ...senderFacts,
    text,
    attachmentCount: received.attachments.size,
    mentionsBot: received.mentions.users.has(client.user.id),
    inConversationThread: () => ref !== undefined && gateway.hasConversation(ref),
    inQuestionChannel: isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId }),
  });
  if (decision.kind === "ignore") return ignored(context, received, decision.reason);
  if (decision.kind === "text_only_notice") {
    await received.reply({ content: TEXT_ONLY_NOTICE, allowedMentions: QUIET_REPLY });
    return;
  }
  const question: Question = {
    eventId: received.id,
    user: { id: received.author.id, name: received.member?.displayName ?? received.author.displayName },
    text: cleanContent(text, channel),
    platformMessageId: received.id,
  };
  if (decision.kind === "follow_up" && ref !== undefined && channel.isThread()) {
    await runTurn(context, channel, { ...ref, ...question });
    return;
  }
  const thread = await openThread(context, received, question.text);
  if (thread !== undefined) await startConversation(context, thread, question);
}

/** The thread on the student's message (the one already there if this event is a replay), or undefined if refused. */
async function openThread(context: BotContext, received: Message, text: string): Promise<AnyThreadChannel | undefined> {
  if (received.hasThread && received.thread !== null) return received.thread;
  try {
    return await received.startThread({ name: threadNameFor(text) });
  } catch (error) {
    if (discordErrorCode(error) !== RESTJSONErrorCodes.MissingPermissions) throw error;
    context.logger.warn({ channelId: received.channelId, code: RESTJSONErrorCodes.MissingPermissions }, "discord: may not create threads here");
    await received.reply({ content: NO_THREAD_NOTICE, allowedMentions: QUIET_REPLY });
    return undefined;
  }
}

function ignored(context: BotContext, received: Message, reason: IgnoreReason): void {
  context.logger.trace({ messageId: received.id, reason }, "discord: message ignored");
}
