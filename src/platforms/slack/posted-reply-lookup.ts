// Finds the pieces of a reply already posted in its thread (by its `baton_reply` metadata), so recovery never posts twice.

import type { webApi } from "@slack/bolt";
import type { Logger } from "pino";
import { slackErrorOf, slackDeliveryError } from "./errors.js";

/** The metadata event type every reply message carries; invisible to students, readable through the API. */
export const REPLY_EVENT_TYPE = "baton_reply";

/** Slack answers that mean the lookup can never work for this app (no history scope): post, at least once. */
const CANNOT_READ = new Set(["missing_scope", "not_allowed_token_type", "not_in_channel"]);

export interface ReplyLocation {
  readonly replyId: number;
  readonly channel: string;
  /** The thread's ts; undefined for a DM answered at the top level. */
  readonly threadTs: string | undefined;
}

/**
 * The ts of the parts of `reply` already posted, in order, from part 1 up to the first missing one. Reads the thread
 * (conversations.replies) or, for a top-level DM, the channel's recent history (conversations.history), with
 * include_all_metadata so each message's reply_id and part come back.
 */
export async function findPostedParts(client: webApi.WebClient, logger: Logger, reply: ReplyLocation): Promise<string[]> {
  let messages: ReadonlyArray<{ ts?: string; metadata?: { event_type?: string; event_payload?: unknown } }>;
  try {
    const answer =
      reply.threadTs === undefined
        ? await client.conversations.history({ channel: reply.channel, limit: 100, include_all_metadata: true })
        : await client.conversations.replies({ channel: reply.channel, ts: reply.threadTs, limit: 200, include_all_metadata: true });
    messages = answer.messages ?? [];
  } catch (error) {
    const slackError = slackErrorOf(error);
    if (slackError !== undefined && CANNOT_READ.has(slackError)) {
      logger.warn({ slackError, replyId: reply.replyId }, "slack: cannot read the thread back to check for an earlier post; posting the reply");
      return [];
    }
    throw slackDeliveryError("conversations.replies", error);
  }
  const parts = new Map<number, string>();
  for (const message of messages) {
    if (message.metadata?.event_type !== REPLY_EVENT_TYPE || message.ts === undefined) continue;
    const payload = message.metadata.event_payload as { reply_id?: unknown; part?: unknown } | undefined;
    if (payload?.reply_id === reply.replyId && typeof payload.part === "number") parts.set(payload.part, message.ts);
  }
  const posted: string[] = [];
  for (let part = 1; parts.has(part); part++) posted.push(parts.get(part)!);
  return posted;
}
