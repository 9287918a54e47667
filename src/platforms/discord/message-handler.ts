// Handles MESSAGE_CREATE: a mention with a question opens a thread; a message in the bot's thread continues it.

import { cleanContent, type AnyThreadChannel, type Message } from "discord.js";
import { isQuestionChannel, threadRef, type BotContext } from "./bot-context.js";
import { runTurn, startConversation, type Question } from "./conversation-turn.js";
import { decideInbound, withoutBotMention } from "./inbound-message.js";
import { NO_MENTIONS } from "./reply-port.js";
import { threadNameFor } from "./thread-name.js";

export const TEXT_ONLY_NOTICE = "I can only read text for now — please type your question as a message.";

export async function onMessage(context: BotContext, received: Message): Promise<void> {
  const { client, gateway, settings, logger } = context;
  // A message in a thread the client has not cached yet comes with a partial channel: learn its parent first.
  const channel = received.channel.isThread() && received.channel.parentId === null ? await received.channel.fetch() : received.channel;
  const guildId = received.guildId;
  const text = withoutBotMention(received.content, client.user.id);
  const decision = decideInbound({
    authorIsBot: received.author.bot,
    webhookId: received.webhookId,
    system: received.system,
    inGuild: guildId !== null,
    text,
    attachmentCount: received.attachments.size,
    mentionsBot: received.mentions.users.has(client.user.id),
    inConversationThread: () =>
      guildId !== null && channel.isThread() && channel.parentId !== null && gateway.hasConversation(threadRef(guildId, channel.parentId, channel.id)),
    inQuestionChannel: guildId !== null && isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId }),
  });
  if (decision.kind === "ignore") {
    logger.trace({ messageId: received.id, reason: decision.reason }, "discord: message ignored");
    return;
  }
  if (decision.kind === "text_only_notice") {
    await received.reply({ content: TEXT_ONLY_NOTICE, allowedMentions: { ...NO_MENTIONS, repliedUser: false } });
    return;
  }
  const question: Question = {
    eventId: received.id,
    user: { id: received.author.id, name: received.member?.displayName ?? received.author.displayName },
    text: cleanContent(text, channel),
    platformMessageId: received.id,
  };
  if (decision.kind === "follow_up" && channel.isThread() && channel.parentId !== null && guildId !== null) {
    await runTurn(context, channel, { ...threadRef(guildId, channel.parentId, channel.id), ...question });
    return;
  }
  const thread: AnyThreadChannel =
    received.hasThread && received.thread !== null ? received.thread : await received.startThread({ name: threadNameFor(question.text) });
  await startConversation(context, thread, question);
}
