// The envelope of each Discord event (a message, /ask) handed to the service's accept: the thread it opens, the files and
// the moderator check it looks up, the typing it shows. Built the same live and, through revive, after a restart.

import { MessageFlags, type ChatInputCommandInteraction, type Message } from "discord.js";
import type { AcceptOutcome, Inbound, InboundEnvelope, InboundObserver, OpenedThread, OpeningProgress, StoredInbound } from "../../bot/inbound-envelope.js";
import type { ThreadRef } from "../../bot/ports.js";
import { downloadAttachments } from "./attachment-download.js";
import { NO_MENTIONS, threadRef, type BotContext } from "./bot-context.js";
import { readAskOpening, readDiscordDetail, type DiscordAskDetail, type DiscordMessageDetail } from "./inbound-detail.js";
import { threadAccess } from "./moderator-access.js";
import { openThreadOn, postQuestion, questionChannel, QUIET_REPLY, threadById } from "./thread-opening.js";
import { threadNameFor } from "./thread-name.js";

export const TEXT_ONLY_NOTICE = "I can only read text for now — please type your question as a message.";
const APOLOGY = "Sorry, something went wrong while answering. Please try again in a moment.";

/** What a live event adds to its envelope; after a restart there is none. */
export type LiveEvent = { readonly message: Message } | { readonly interaction: ChatInputCommandInteraction };

/** The envelope of an event stored before a restart, finished as it would have been live (without the interaction). */
export function reviveDiscordEvent(context: BotContext, stored: StoredInbound): InboundEnvelope | undefined {
  return discordEnvelope(context, stored.inbound, undefined);
}

/** Hands the envelope to the service; an unexpected failure (the service reports its own as outcomes) is told to the student. */
export async function acceptDiscordEvent(context: BotContext, envelope: InboundEnvelope): Promise<AcceptOutcome | undefined> {
  let busyIn: ThreadRef | undefined;
  const observer: InboundObserver = { ...envelope.observer, busyStart: (ref) => ((busyIn = ref), envelope.observer?.busyStart?.(ref)) };
  try {
    return await context.gateway.accept({ ...envelope, observer });
  } catch (error) {
    const eventId = envelope.inbound.eventId;
    context.logger.error({ err: error, eventId, threadId: busyIn?.thread }, "discord: the service failed on a message");
    const thread = busyIn === undefined ? undefined : await threadById(context, busyIn.thread).catch(() => undefined);
    await thread?.send({ content: APOLOGY, allowedMentions: NO_MENTIONS }).catch((sendError: unknown) => {
      context.logger.warn({ err: sendError, threadId: thread.id }, "discord: could not post the apology");
    });
    return undefined;
  }
}

export function discordEnvelope(context: BotContext, data: Inbound, live: LiveEvent | undefined): InboundEnvelope | undefined {
  const detail = readDiscordDetail(data.detail);
  if (detail === undefined) return undefined;
  const inbound: Inbound = {
    ...data,
    lookups: {
      ...(detail.attachments === undefined ? {} : { attachments: () => downloadAttachments(context, data.eventId, detail.attachments) }),
      // A thread handed to a person: a moderator's message there is the teacher's turn (asked only while it waits).
      isModerator: async (ref) => (await threadAccess(context, { guildId: data.workspace, user: { id: data.user.id } }, ref.thread)).allowed,
    },
  };
  const opensConversation = detail.kind === "ask" ? askOpening(context, data, detail, live) : messageOpening(context, data, detail);
  return { inbound, ...(opensConversation === undefined ? {} : { opensConversation }), observer: observerOf(context, data, detail, live) };
}

/** A new question opens a thread on its message; a follow-up in a thread not cached on arrival learns its parent. */
function messageOpening(context: BotContext, data: Inbound, detail: DiscordMessageDetail): InboundEnvelope["opensConversation"] {
  if (detail.decision === "follow_up") {
    if (data.thread !== undefined) return undefined;
    return async () => {
      const thread = await threadById(context, detail.channelId);
      return thread?.parentId == null ? undefined : threadRef(data.workspace, thread.parentId, thread.id);
    };
  }
  return async () => {
    const channel = await questionChannel(context, detail.channelId);
    const messageId = data.platformMessageId;
    if (channel === undefined || messageId === undefined) return undefined;
    const thread = await openThreadOn(context, channel, { messageId, name: threadNameFor(data.text || (detail.attachments?.[0]?.name ?? "")) });
    return thread === undefined ? undefined : threadRef(data.workspace, channel.id, thread.id);
  };
}

/** /ask posts the question (recorded at once, so a restart does not post it again), then opens a thread on it. */
function askOpening(context: BotContext, data: Inbound, detail: DiscordAskDetail, live: LiveEvent | undefined): InboundEnvelope["opensConversation"] {
  const interaction = live !== undefined && "interaction" in live ? live.interaction : undefined;
  const ask = { userId: data.user.id, question: detail.question };
  return async (progress: OpeningProgress): Promise<OpenedThread | undefined> => {
    const posted = readAskOpening(progress.recorded);
    if (detail.continuing === true) {
      const thread = await threadById(context, detail.channelId);
      if (thread?.parentId == null) return undefined;
      if (posted === undefined) await progress.record({ postedMessageId: (await postQuestion(thread, ask, interaction)).id });
      return threadRef(data.workspace, thread.parentId, thread.id);
    }
    const channel = await questionChannel(context, detail.channelId);
    if (channel === undefined) return undefined;
    let postedMessageId = posted?.postedMessageId;
    if (postedMessageId === undefined) {
      postedMessageId = (await postQuestion(channel, ask, interaction)).id;
      await progress.record({ postedMessageId });
    }
    const reason = `Question asked with /ask by ${data.user.id}`;
    const thread = await openThreadOn(context, channel, { messageId: postedMessageId, name: threadNameFor(data.text), reason, interaction });
    return thread === undefined ? undefined : threadRef(data.workspace, channel.id, thread.id);
  };
}

function observerOf(context: BotContext, data: Inbound, detail: DiscordMessageDetail | DiscordAskDetail, live: LiveEvent | undefined): InboundObserver {
  const message = live !== undefined && "message" in live ? live.message : undefined;
  const interaction = live !== undefined && "interaction" in live ? live.interaction : undefined;
  const tellStudent =
    message !== undefined
      ? (notice: string) => message.reply({ content: notice, allowedMentions: QUIET_REPLY })
      : interaction !== undefined
        ? (notice: string) =>
            interaction.deferred || interaction.replied
              ? interaction.followUp({ content: notice, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
              : interaction.reply({ content: notice, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS })
        : undefined;
  return {
    busyStart: (ref) => context.typing.start(ref),
    busyEnd: (ref) => context.typing.end(ref),
    ...(tellStudent === undefined ? {} : { tellStudent }),
    outcome: (outcome, thread) => {
      const unanswered = outcome.status === "duplicate" || (outcome.status === "ignored" && outcome.reason !== "empty");
      // A duplicate (a replayed dispatch) or an event that needs no answer is not a message the service handled.
      if (unanswered) context.logger.info({ eventId: data.eventId, outcome }, "discord: a received event needs no answer");
      else context.logger.info({ threadId: thread?.thread, eventId: data.eventId, outcome }, "discord: message handled");
      // Only files in a conversation's thread, and the service reads none: the student hears why nothing happens.
      if (message !== undefined && outcome.status === "ignored" && outcome.reason === "empty" && (detail.attachments?.length ?? 0) > 0) {
        void message.reply({ content: TEXT_ONLY_NOTICE, allowedMentions: QUIET_REPLY }).catch((error: unknown) => {
          context.logger.warn({ err: error }, "discord: could not post the text-only notice");
        });
      }
    },
  };
}
