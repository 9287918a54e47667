// Reads a received Slack event stored by a version before the inbound envelope (its own payload format) as an
// envelope's stored form, so an upgrade right after a crash still answers it, once.

import type { StoredInbound } from "../../bot/inbound-envelope.js";
import type { SlackCommandDetail, SlackMessageDetail } from "./inbound-detail.js";
import { SLACK_PLATFORM } from "./reply-poster.js";
import type { SlackFileRef } from "./slack-events.js";

const text = (value: unknown): value is string => typeof value === "string";

export function reviveOlderSlackEvent(row: { readonly eventId: string; readonly payload: unknown }): StoredInbound | undefined {
  if (typeof row.payload !== "object" || row.payload === null) return undefined;
  const p = row.payload as Record<string, unknown>;
  if (p.kind === "message" && [p.what, p.teamId, p.channel, p.thread, p.userId, p.text, p.ts].every(text)) {
    const files = Array.isArray(p.files) ? (p.files as SlackFileRef[]) : undefined;
    const detail: SlackMessageDetail = { kind: "message", what: p.what as string, ...(files === undefined ? {} : { files }) };
    const thread = { platform: SLACK_PLATFORM, workspace: p.teamId as string, channel: p.channel as string, thread: p.thread as string };
    return {
      inbound: {
        platform: SLACK_PLATFORM,
        workspace: thread.workspace,
        eventId: row.eventId,
        user: { id: p.userId as string, name: "" },
        text: p.text as string,
        platformMessageId: p.ts as string,
        thread,
        ...(p.what === "thread reply" ? { onlyInConversation: true } : {}),
        detail,
      },
    };
  }
  if (p.kind === "command" && [p.teamId, p.channelId, p.userId, p.userName, p.question].every(text)) {
    const detail: SlackCommandDetail = { kind: "command", channelId: p.channelId as string };
    const workspace = p.teamId as string;
    const rootTs = text(p.rootTs) ? p.rootTs : undefined;
    return {
      inbound: { platform: SLACK_PLATFORM, workspace, eventId: row.eventId, user: { id: p.userId as string, name: p.userName as string }, text: p.question as string, detail },
      // The root was posted before the crash: the conversation continues under it instead of posting another.
      ...(rootTs === undefined ? {} : { thread: { platform: SLACK_PLATFORM, workspace, channel: detail.channelId, thread: rootTs, questionMessageId: rootTs } }),
    };
  }
  return undefined;
}
