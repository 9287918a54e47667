// Runs a student's message through the service inside its thread, with the typing indicator on while the agents work.

import type { AnyThreadChannel } from "discord.js";
import type { Receipt } from "../../bot/intake-ports.js";
import type { InboundMessage, ThreadRef } from "../../bot/ports.js";
import { NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { startTyping } from "./typing-indicator.js";

/** An inbound message without its thread: the thread is known once it exists. */
export type Question = Omit<InboundMessage, keyof ThreadRef>;

const APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment.";

/**
 * Hands the received message to the service (which stores it in place of its receipt and posts the replies) and keeps
 * the bot "typing" until it is done.
 */
export async function answerInThread(context: BotContext, thread: AnyThreadChannel, receipt: Receipt, inbound: InboundMessage): Promise<void> {
  const stopTyping = startTyping(thread, { logger: context.logger, intervalMs: context.typingIntervalMs });
  try {
    const outcome = await context.gateway.handleReceived(receipt, inbound);
    context.logger.info({ threadId: thread.id, eventId: inbound.eventId, outcome }, "discord: message handled");
  } catch (error) {
    // The service reports its own failures as outcomes; an exception here is unexpected, so the student hears of it.
    context.logger.error({ err: error, threadId: thread.id, eventId: inbound.eventId }, "discord: the service failed on a message");
    await thread.send({ content: APOLOGY, allowedMentions: NO_MENTIONS }).catch((sendError: unknown) => {
      context.logger.warn({ err: sendError, threadId: thread.id }, "discord: could not post the apology");
    });
  } finally {
    stopTyping();
  }
}

/** Registers a thread the bot just opened as a conversation (so follow-ups count at once), then runs its first message. */
export async function startConversation(context: BotContext, thread: AnyThreadChannel, receipt: Receipt, question: Question): Promise<void> {
  if (thread.parentId === null) throw new Error(`thread ${thread.id} has no parent channel`);
  const ref = threadRef(thread.guildId, thread.parentId, thread.id);
  await context.gateway.openConversation(ref);
  await answerInThread(context, thread, receipt, { ...ref, ...question });
}
