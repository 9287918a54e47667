// Fetches an event's attachments from Discord's CDN once the event is stored (their signed links expire).

import { downloadAll } from "../../bot/attachments/download.js";
import type { InboundAttachment } from "../../bot/attachments/types.js";
import type { BotContext } from "./bot-context.js";
import type { DiscordAttachmentRef } from "./inbound-detail.js";

/** The files' bytes (or why each has none); none when there are none or the service takes none. */
export async function downloadAttachments(context: BotContext, eventId: string, refs: readonly DiscordAttachmentRef[] | undefined): Promise<InboundAttachment[]> {
  const limits = context.gateway.attachmentLimits?.();
  if (refs === undefined || refs.length === 0 || limits === undefined) return [];
  const attachments = await downloadAll(refs, { maxBytes: limits.maxBytes, maxCount: limits.maxPerMessage, vision: limits.vision });
  const failed = attachments.filter((item) => item.problem === "download_failed").length;
  if (failed > 0) context.logger.warn({ eventId, failed }, "discord: attachments could not be downloaded");
  return attachments;
}
