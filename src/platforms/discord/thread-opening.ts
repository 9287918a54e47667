// The network steps that find or make a question's thread on Discord (posting /ask's question, opening a thread on a
// message, fetching a thread after a restart), run by the envelopes' opensConversation after the event is stored.

import { ChannelType, MessageFlags, RESTJSONErrorCodes, userMention, type AnyThreadChannel, type ChatInputCommandInteraction, type Message, type NewsChannel, type TextChannel } from "discord.js";
import { NO_MENTIONS, type BotContext } from "./bot-context.js";
import { discordErrorCode } from "./errors.js";
import { DISCORD_MESSAGE_LIMIT } from "../common/chunker.js";

export const NO_THREAD_NOTICE = "I can't open a thread in this channel: I need the Create Public Threads permission here.";
export const QUIET_REPLY = { ...NO_MENTIONS, repliedUser: false };

/** Discord answers these for a channel that is gone or that the bot may no longer see. */
const GONE = new Set<number>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess]);

/** The question as the interaction's answer (live), or as the bot's own post naming the student (after a restart). */
export async function postQuestion(
  channel: TextChannel | NewsChannel | AnyThreadChannel,
  ask: { readonly userId: string; readonly question: string },
  interaction: ChatInputCommandInteraction | undefined,
): Promise<Message> {
  if (interaction === undefined) {
    return await channel.send({ content: fitted(`${userMention(ask.userId)} asked: ${ask.question}`), allowedMentions: NO_MENTIONS });
  }
  // The post shows mentions as Discord renders them (pinging no one); the agents and the thread name get them as @names.
  const content = fitted(ask.question);
  // Told already (e.g. that saving was slow): the question becomes a follow-up of that private answer.
  if (interaction.replied) return await interaction.followUp({ content, allowedMentions: NO_MENTIONS });
  // Discord drops an interaction not answered within 3 seconds; thread creation and the agents take longer.
  if (!interaction.deferred) await interaction.deferReply();
  return await interaction.editReply({ content, allowedMentions: NO_MENTIONS });
}

/** At most one Discord message. */
function fitted(text: string): string {
  return text.length <= DISCORD_MESSAGE_LIMIT ? text : `${text.slice(0, DISCORD_MESSAGE_LIMIT - 1)}…`;
}

/**
 * A thread on the message; the one already there when a run before a restart opened it (a thread started on a message
 * has the message's id); undefined, with a notice, when the bot may not create threads here.
 */
export async function openThreadOn(
  context: BotContext,
  channel: TextChannel | NewsChannel,
  on: { readonly messageId: string; readonly name: string; readonly reason?: string; readonly interaction?: ChatInputCommandInteraction | undefined },
): Promise<AnyThreadChannel | undefined> {
  try {
    return await channel.threads.create({ startMessage: on.messageId, name: on.name, ...(on.reason === undefined ? {} : { reason: on.reason }) });
  } catch (error) {
    const code = discordErrorCode(error);
    if (code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) return await threadById(context, on.messageId);
    if (code !== RESTJSONErrorCodes.MissingPermissions) throw error;
    context.logger.warn({ channelId: channel.id, code }, "discord: may not create threads here");
    if (on.interaction !== undefined) {
      await on.interaction.followUp({ content: NO_THREAD_NOTICE, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return undefined;
    }
    await channel.send({ content: NO_THREAD_NOTICE, reply: { messageReference: on.messageId, failIfNotExists: false }, allowedMentions: QUIET_REPLY });
    return undefined;
  }
}

/** From the cache, else fetched (a thread not cached, or partial, after a restart); undefined when gone or not a thread. */
export async function threadById(context: BotContext, id: string): Promise<AnyThreadChannel | undefined> {
  const cached = await fetchChannel(context, id, false);
  // A thread known only from a message in it (not cached) lacks its parent: read it from Discord.
  const channel = cached?.isThread() === true && cached.parentId === null ? await fetchChannel(context, id, true) : cached;
  return channel?.isThread() === true ? channel : undefined;
}

export async function questionChannel(context: BotContext, id: string): Promise<TextChannel | NewsChannel | undefined> {
  const channel = await fetchChannel(context, id, false);
  return channel?.type === ChannelType.GuildText || channel?.type === ChannelType.GuildAnnouncement ? channel : undefined;
}

async function fetchChannel(context: BotContext, id: string, force: boolean) {
  try {
    return await context.client.channels.fetch(id, { force });
  } catch (error) {
    const code = discordErrorCode(error);
    if (code !== undefined && GONE.has(code)) return null;
    throw error;
  }
}
