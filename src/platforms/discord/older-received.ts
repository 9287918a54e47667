// Reads a received Discord event stored by a version before the inbound envelope (its own payload format) as an
// envelope's stored form, so an upgrade right after a crash still answers it, once, without redoing recorded steps.

import type { StoredInbound } from "../../bot/inbound-envelope.js";
import { DISCORD_PLATFORM, threadRef } from "./bot-context.js";
import type { DiscordAskDetail, DiscordAttachmentRef, DiscordMessageDetail } from "./inbound-detail.js";

const text = (value: unknown): value is string => typeof value === "string";
const optionalText = (value: unknown): string | undefined => (text(value) ? value : undefined);

export function reviveOlderDiscordEvent(row: { readonly eventId: string; readonly payload: unknown }): StoredInbound | undefined {
  if (typeof row.payload !== "object" || row.payload === null) return undefined;
  const p = row.payload as Record<string, unknown>;
  if (![p.guildId, p.channelId, p.userId, p.userName, p.text].every(text)) return undefined;
  const guildId = p.guildId as string;
  const channelId = p.channelId as string;
  const attachments = Array.isArray(p.attachments) ? (p.attachments as DiscordAttachmentRef[]) : undefined;
  const base = { platform: DISCORD_PLATFORM, workspace: guildId, eventId: row.eventId, user: { id: p.userId as string, name: p.userName as string }, text: p.text as string };
  const threadId = optionalText(p.threadId);
  if (p.kind === "message" && (p.decision === "follow_up" || p.decision === "new_question") && text(p.messageId)) {
    const detail: DiscordMessageDetail = { kind: "message", decision: p.decision, channelId, ...(attachments === undefined ? {} : { attachments }) };
    const parentId = optionalText(p.parentId);
    const followUp = p.decision === "follow_up";
    return {
      inbound: {
        ...base,
        platformMessageId: p.messageId,
        ...(followUp ? { onlyInConversation: true } : {}),
        ...(followUp && parentId !== undefined ? { thread: threadRef(guildId, parentId, channelId) } : {}),
        detail,
      },
      // A new question's thread, opened before the crash.
      ...(!followUp && threadId !== undefined ? { thread: threadRef(guildId, channelId, threadId) } : {}),
    };
  }
  if (p.kind === "ask" && text(p.question)) {
    const continuingParentId = optionalText(p.continuingParentId);
    const postedMessageId = optionalText(p.postedMessageId);
    const detail: DiscordAskDetail = { kind: "ask", channelId, question: p.question, ...(continuingParentId === undefined ? {} : { continuing: true }), ...(attachments === undefined ? {} : { attachments }) };
    const thread =
      continuingParentId !== undefined
        ? postedMessageId === undefined ? undefined : threadRef(guildId, continuingParentId, channelId)
        : threadId === undefined ? undefined : threadRef(guildId, channelId, threadId);
    return {
      inbound: { ...base, ...(continuingParentId === undefined ? {} : { thread: threadRef(guildId, continuingParentId, channelId), onlyInConversation: true }), detail },
      ...(thread === undefined ? {} : { thread }),
      ...(postedMessageId === undefined ? {} : { opening: { postedMessageId } }),
    };
  }
  return undefined;
}
