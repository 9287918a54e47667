// Handles MESSAGE_CREATE: a mention with a question opens a thread; a message in the bot's thread continues it.

import { cleanContent, type Attachment, type Message } from "discord.js";
import type { Inbound } from "../../bot/inbound-envelope.js";
import { DISCORD_PLATFORM, isQuestionChannel, threadRef, type BotContext } from "./bot-context.js";
import type { DiscordAttachmentRef, DiscordMessageDetail } from "./inbound-detail.js";
import { acceptDiscordEvent, discordEnvelope, TEXT_ONLY_NOTICE } from "./inbound-envelopes.js";
import { decideInbound, ignoredSender, withoutBotMention, type IgnoreReason } from "./inbound-message.js";
import { QUIET_REPLY } from "./thread-opening.js";

export { NO_THREAD_NOTICE } from "./thread-opening.js";
export { TEXT_ONLY_NOTICE } from "./inbound-envelopes.js";

export async function onMessage(context: BotContext, received: Message): Promise<void> {
  const { client, gateway, settings } = context;
  const guildId = received.guildId;
  const senderFacts = { authorIsBot: received.author.bot, webhookId: received.webhookId, system: received.system, inGuild: guildId !== null };
  const sender = ignoredSender(senderFacts);
  if (sender !== undefined || guildId === null) return ignored(context, received, sender ?? "direct_message");
  const channel = received.channel;
  // A thread the client has not cached (e.g. unarchived after a restart) has a partial channel without its parent: its
  // parent is learnt once the event is stored (the envelope's opensConversation fetches the thread).
  const ref = channel.isThread() && channel.parentId !== null ? threadRef(guildId, channel.parentId, channel.id) : undefined;
  const text = withoutBotMention(received.content, client.user.id);
  const decision = decideInbound({
    ...senderFacts,
    text,
    attachmentCount: received.attachments.size,
    readsAttachments: gateway.attachmentLimits?.() !== undefined,
    mentionsBot: received.mentions.users.has(client.user.id),
    inThread: channel.isThread(),
    inQuestionChannel: isQuestionChannel(settings, { id: channel.id, type: channel.type, guildId }),
  });
  if (decision.kind === "ignore") return ignored(context, received, decision.reason);
  if (decision.kind === "text_only_notice") {
    await received.reply({ content: TEXT_ONLY_NOTICE, allowedMentions: QUIET_REPLY });
    return;
  }
  const followUp = decision.kind === "follow_up";
  const detail: DiscordMessageDetail = {
    kind: "message",
    decision: decision.kind,
    channelId: channel.id,
    ...(received.attachments.size === 0 ? {} : { attachments: received.attachments.map(attachmentRef) }),
  };
  const inbound: Inbound = {
    platform: DISCORD_PLATFORM,
    workspace: guildId,
    eventId: received.id,
    user: { id: received.author.id, name: received.member?.displayName ?? received.author.displayName },
    text: cleanContent(text, channel),
    platformMessageId: received.id,
    // A follow-up is answered only in a conversation's thread: the service checks, before it stores anything.
    ...(followUp ? { onlyInConversation: true } : {}),
    ...(followUp && ref !== undefined ? { thread: ref } : {}),
    detail,
  };
  // Stored by the service before the first network wait (the thread, the typing indicator): a crash from then on loses nothing.
  const envelope = discordEnvelope(context, inbound, { message: received });
  if (envelope !== undefined) await acceptDiscordEvent(context, envelope);
}

/** What is kept on arrival: the link and the declared size; the bytes are fetched when the event is finished. */
export function attachmentRef(attachment: Attachment): DiscordAttachmentRef {
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
