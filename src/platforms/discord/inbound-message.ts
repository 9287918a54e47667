// Decides what a Discord message means to the bot: a new question, a follow-up, a text-only notice, or nothing.

import { cleanText } from "../../bot/input.js";

/** The facts about one message that the decision needs. */
export interface MessageFacts {
  readonly authorIsBot: boolean;
  /** Set for messages posted through any webhook, the bot's own reply webhooks included. */
  readonly webhookId: string | null;
  /** Joins, pins, thread-created notices and the like. */
  readonly system: boolean;
  readonly inGuild: boolean;
  /** The text with the bot's mention removed and trimmed ("" when nothing is left). */
  readonly text: string;
  readonly attachmentCount: number;
  /** Whether the service takes files (photos, PDFs): without it, a message of only files gets the text-only notice. */
  readonly readsAttachments: boolean;
  readonly mentionsBot: boolean;
  /** Whether the message is in a thread: a follow-up, answered if the thread is a conversation's (the service checks). */
  readonly inThread: boolean;
  /** Whether a new question may be asked where the message was written. */
  readonly inQuestionChannel: boolean;
}

export type IgnoreReason = "webhook" | "bot" | "system" | "direct_message" | "not_addressed" | "empty";

export type InboundDecision =
  | { readonly kind: "ignore"; readonly reason: IgnoreReason }
  /** Only attachments, and the service takes none: the bot answers that it reads text only. */
  | { readonly kind: "text_only_notice" }
  /** A message in a thread continues its conversation, mention or not, if it is one (the service decides). */
  | { readonly kind: "follow_up" }
  /** A mention with a question in an allowed channel opens a new thread. */
  | { readonly kind: "new_question" };

const ignore = (reason: IgnoreReason): InboundDecision => ({ kind: "ignore", reason });

/** Why a message is not a student's at all (checked before anything costs a lookup), or undefined when it is. */
export function ignoredSender(facts: Pick<MessageFacts, "authorIsBot" | "webhookId" | "system" | "inGuild">): IgnoreReason | undefined {
  // Webhooks first: a reply the bot posted through its webhook must never come back as a student's message.
  if (facts.webhookId !== null) return "webhook";
  if (facts.authorIsBot) return "bot";
  if (facts.system) return "system";
  if (!facts.inGuild) return "direct_message";
  return undefined;
}

export function decideInbound(facts: MessageFacts): InboundDecision {
  const sender = ignoredSender(facts);
  if (sender !== undefined) return ignore(sender);
  const followUp = facts.inThread;
  if (!followUp && !(facts.mentionsBot && facts.inQuestionChannel)) return ignore("not_addressed");
  if (facts.text === "" && facts.attachmentCount === 0) return ignore("empty");
  // A photo of the worksheet alone is a question: the files are the message. In a thread the notice waits for the
  // service's answer (only a conversation's thread gets it).
  if (facts.text === "" && !facts.readsAttachments && !followUp) return { kind: "text_only_notice" };
  return followUp ? { kind: "follow_up" } : { kind: "new_question" };
}

/** The message text without the bot's own mention (`<@id>` or the legacy `<@!id>`), cleaned: "" when nothing shows. */
export function withoutBotMention(content: string, botUserId: string): string {
  return cleanText(content.replaceAll(`<@${botUserId}>`, " ").replaceAll(`<@!${botUserId}>`, " "));
}
