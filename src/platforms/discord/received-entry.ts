// Finishes a received Discord event (persisted on arrival): opens or finds its thread, then runs the turn there.
// The same steps live and after a restart; every step's result is recorded so that a restart does not redo it.

import { ChannelType, MessageFlags, RESTJSONErrorCodes, userMention, type AnyThreadChannel, type ChatInputCommandInteraction, type Message, type NewsChannel, type TextChannel } from "discord.js";
import type { Receipt } from "../../bot/intake-ports.js";
import { DISCORD_PLATFORM, NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { withAttachments } from "./attachment-download.js";
import { answerInThread, startConversation, type Question } from "./conversation-turn.js";
import { discordErrorCode } from "./errors.js";
import { threadAccess } from "./moderator-access.js";
import { readReceivedDiscordEvent, type ReceivedDiscordAsk, type ReceivedDiscordEvent, type ReceivedDiscordMessage } from "./received-payload.js";
import { DISCORD_MESSAGE_LIMIT } from "../common/chunker.js";
import { threadNameFor } from "./thread-name.js";

export const NO_THREAD_NOTICE = "I can't open a thread in this channel: I need the Create Public Threads permission here.";
export const QUIET_REPLY = { ...NO_MENTIONS, repliedUser: false };

/** Discord answers these for a channel that is gone or that the bot may no longer see. */
const GONE = new Set<number>([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess]);

/**
 * Persists the event before anything waits on the network: the gateway does not send an event again to a new session,
 * so an event not stored by the time the process dies is lost. Undefined for a duplicate (a replayed dispatch), or when
 * it could not be saved (the student has been told).
 */
export async function receiveDiscordEvent(
  context: BotContext,
  event: { readonly eventId: string; readonly payload: ReceivedDiscordEvent },
  tellStudent: (text: string) => Promise<unknown>,
): Promise<Receipt | undefined> {
  const { payload } = event;
  return await context.gateway.receive(
    { platform: DISCORD_PLATFORM, workspace: payload.guildId, eventId: event.eventId, userId: payload.userId, payload },
    { tellStudent },
  );
}

/** Finishes an event received before a restart, as it would have been finished live (without the interaction). */
export async function finishReceived(context: BotContext, receipt: Receipt): Promise<void> {
  const payload = readReceivedDiscordEvent(receipt.payload);
  if (payload === undefined) {
    context.logger.warn({ receiptId: receipt.receiptId }, "discord: a received event this version cannot read was dropped");
    await context.gateway.dropReceipt(receipt);
    return;
  }
  if (payload.kind === "message") await finishMessage(context, receipt, payload);
  else await finishAsk(context, receipt, payload, undefined);
}

export async function finishMessage(context: BotContext, receipt: Receipt, message: ReceivedDiscordMessage): Promise<void> {
  const question: Question = { eventId: receipt.eventId, user: { id: message.userId, name: message.userName }, text: message.text, platformMessageId: message.messageId };
  if (message.decision === "follow_up") {
    const thread = await threadById(context, message.channelId);
    const ref = thread?.parentId == null ? undefined : threadRef(message.guildId, thread.parentId, thread.id);
    // A thread that was not cached on arrival may turn out not to be a conversation at all.
    if (thread === undefined || ref === undefined || !context.gateway.hasConversation(ref)) return await drop(context, receipt, "not a conversation's thread");
    // A thread handed to a person: a moderator's message there is the teacher's turn (checked only while it waits).
    const fromModerator = (await context.gateway.waitingFor?.(ref)) !== undefined && (await threadAccess(context, { guildId: message.guildId, user: { id: message.userId } }, thread.id)).allowed;
    await answerInThread(context, thread, receipt, { ...ref, ...(await withAttachments(context, question, message.attachments)), ...(fromModerator ? { fromModerator } : {}) });
    return;
  }
  let thread = message.threadId === undefined ? undefined : await threadById(context, message.threadId);
  if (thread === undefined) {
    const channel = await questionChannel(context, message.channelId);
    if (channel === undefined) return await drop(context, receipt, "the question's channel is gone");
    thread = await openThreadOn(context, channel, { messageId: message.messageId, name: threadNameFor(message.text || (message.attachments?.[0]?.name ?? "")) });
    if (thread === undefined) return await drop(context, receipt, "may not create threads here");
    receipt = await context.gateway.updateReceipt(receipt, { ...message, threadId: thread.id } satisfies ReceivedDiscordMessage);
  }
  await startConversation(context, thread, receipt, await withAttachments(context, question, message.attachments));
}

/** `interaction` is there live (the question becomes its answer); after a restart the bot posts the question itself. */
export async function finishAsk(context: BotContext, receipt: Receipt, ask: ReceivedDiscordAsk, interaction: ChatInputCommandInteraction | undefined): Promise<void> {
  const question: Question = { eventId: receipt.eventId, user: { id: ask.userId, name: ask.userName }, text: ask.text };
  if (ask.continuingParentId !== undefined) {
    const thread = await threadById(context, ask.channelId);
    if (thread === undefined) return await drop(context, receipt, "the thread is gone");
    if (ask.postedMessageId === undefined) {
      const posted = await postQuestion(thread, ask, interaction);
      receipt = await context.gateway.updateReceipt(receipt, { ...ask, postedMessageId: posted.id } satisfies ReceivedDiscordAsk);
    }
    await answerInThread(context, thread, receipt, { ...threadRef(ask.guildId, ask.continuingParentId, thread.id), ...(await withAttachments(context, question, ask.attachments)) });
    return;
  }
  let thread = ask.threadId === undefined ? undefined : await threadById(context, ask.threadId);
  if (thread === undefined) {
    const channel = await questionChannel(context, ask.channelId);
    if (channel === undefined) return await drop(context, receipt, "the question's channel is gone");
    let current = ask;
    if (current.postedMessageId === undefined) {
      const posted = await postQuestion(channel, current, interaction);
      current = { ...current, postedMessageId: posted.id };
      receipt = await context.gateway.updateReceipt(receipt, current);
    }
    const name = threadNameFor(ask.text);
    thread = await openThreadOn(context, channel, { messageId: current.postedMessageId!, name, reason: `Question asked with /ask by ${ask.userId}`, interaction });
    if (thread === undefined) return await drop(context, receipt, "may not create threads here");
    receipt = await context.gateway.updateReceipt(receipt, { ...current, threadId: thread.id } satisfies ReceivedDiscordAsk);
  }
  await startConversation(context, thread, receipt, await withAttachments(context, question, ask.attachments));
}

/** The question as the interaction's answer (live), or as the bot's own post naming the student (after a restart). */
async function postQuestion(
  channel: TextChannel | NewsChannel | AnyThreadChannel,
  ask: ReceivedDiscordAsk,
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
async function openThreadOn(
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
async function threadById(context: BotContext, id: string): Promise<AnyThreadChannel | undefined> {
  const cached = await fetchChannel(context, id, false);
  // A thread known only from a message in it (not cached) lacks its parent: read it from Discord.
  const channel = cached?.isThread() === true && cached.parentId === null ? await fetchChannel(context, id, true) : cached;
  return channel?.isThread() === true ? channel : undefined;
}

async function questionChannel(context: BotContext, id: string): Promise<TextChannel | NewsChannel | undefined> {
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

async function drop(context: BotContext, receipt: Receipt, why: string): Promise<void> {
  context.logger.info({ eventId: receipt.eventId, why }, "discord: a received event needs no answer");
  await context.gateway.dropReceipt(receipt);
}
