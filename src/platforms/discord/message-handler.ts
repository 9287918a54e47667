// Handles MESSAGE_CREATE: a mention with a question opens a thread; a message in the bot's thread continues it.

import { cleanContent, type Attachment, type Message } from "discord.js";
import { isQuestionChannel, threadRef, type BotContext } from "./bot-context.js";
import { decideInbound, ignoredSender, withoutBotMention, type IgnoreReason } from "./inbound-message.js";
import { finishMessage, QUIET_REPLY, receiveDiscordEvent } from "./received-entry.js";
import type { ReceivedDiscordAttachment, ReceivedDiscordMessage } from "./received-payload.js";

export { NO_THREAD_NOTICE } from "./received-entry.js";
export const TEXT_ONLY_NOTICE = "I can only read text for now — please type your question as a message.";

export async function onMessage(context: BotContext, received: Message): Promise<void> {
  const { client, gateway, settings } = context;
  const guildId = received.guildId;
  const senderFacts = { authorIsBot: received.author.bot, webhookId: received.webhookId, system: received.system, inGuild: guildId !== null };
  const sender = ignoredSender(senderFacts);
  if (sender !== undefined || guildId === null) return ignored(context, received, sender ?? "direct_message");
  const channel = received.channel;
  // A thread the client has not cached (e.g. unarchived after a restart) has a partial channel without its parent: a
  // message with text there is taken as a follow-up, and checked once the thread is fetched (after it is stored).
  const parentUnknown = channel.isThread() && channel.parentId === null;
  const ref = channel.isThread() && channel.parentId !== null ? threadRef(guildId, channel.parentId, channel.id) : undefined;
  const text = withoutBotMention(received.content, client.user.id);
  const decision = decideInbound({
    ...senderFacts,
    text,
    attachmentCount: received.attachments.size,
    readsAttachments: gateway.attachmentLimits?.() !== undefined,
    mentionsBot: received.mentions.users.has(client.user.id),
    inConversationThread: () => (ref === undefined ? parentUnknown && (text !== "" || received.attachments.size > 0) : gateway.hasConversation(ref)),
    inQuestionChannel: isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId }),
  });
  if (decision.kind === "ignore") return ignored(context, received, decision.reason);
  if (decision.kind === "text_only_notice") {
    await received.reply({ content: TEXT_ONLY_NOTICE, allowedMentions: QUIET_REPLY });
    return;
  }
  const payload: ReceivedDiscordMessage = {
    kind: "message",
    decision: decision.kind,
    guildId,
    channelId: channel.id,
    parentId: ref?.channel ?? null,
    messageId: received.id,
    userId: received.author.id,
    userName: received.member?.displayName ?? received.author.displayName,
    text: cleanContent(text, channel),
    ...(received.attachments.size === 0 ? {} : { attachments: received.attachments.map(attachmentRef) }),
  };
  // Stored before the first network wait (the thread, the typing indicator): a crash from here on loses nothing.
  const receipt = await receiveDiscordEvent(context, { eventId: received.id, payload }, (notice) =>
    received.reply({ content: notice, allowedMentions: QUIET_REPLY }),
  );
  if (receipt !== undefined) await finishMessage(context, receipt, payload);
}

/** What is kept on arrival: the link and the declared size; the bytes are fetched when the event is finished. */
export function attachmentRef(attachment: Attachment): ReceivedDiscordAttachment {
  return {
    id: attachment.id,
    name: attachment.name,
    url: attachment.url,
    size: attachment.size,
    ...(attachment.contentType === null ? {} : { mediaType: attachment.contentType }),
  };
}

function ignored(context: BotContext, received: Message, reason: IgnoreReason): void {
  context.logger.trace({ messageId: received.id, reason }, "discord: message ignored");
}
