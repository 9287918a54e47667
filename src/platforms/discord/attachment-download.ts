// Fetches a received event's attachments from Discord's CDN when the event is finished (its signed links expire).

import { downloadAll } from "../../bot/attachments/download.js";
import type { BotContext } from "./bot-context.js";
import type { Question } from "./conversation-turn.js";
import type { ReceivedDiscordAttachment } from "./received-payload.js";

/** The question with its files' bytes (or why each has none); unchanged when it has none or the service takes none. */
export async function withAttachments(context: BotContext, question: Question, refs: readonly ReceivedDiscordAttachment[] | undefined): Promise<Question> {
  const limits = context.gateway.attachmentLimits?.();
  if (refs === undefined || refs.length === 0 || limits === undefined) return question;
  const attachments = await downloadAll(refs, { maxBytes: limits.maxBytes, maxCount: limits.maxPerMessage, vision: limits.vision });
  const failed = attachments.filter((item) => item.problem === "download_failed").length;
  if (failed > 0) context.logger.warn({ eventId: question.eventId, failed }, "discord: attachments could not be downloaded");
  return { ...question, attachments };
}
