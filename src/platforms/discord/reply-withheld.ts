// Replacing a posted Discord reply in place (a withheld answer): the first piece becomes the notice, later pieces a mark.

import type { PostedReply } from "../../bot/ports.js";
import type { ReplyMath } from "../common/reply-math.js";
import { fallbackHeader } from "./agent-identity.js";
import { NO_MENTIONS } from "./bot-context.js";
import { discordDeliveryError } from "./errors.js";
import { MAX_FILES } from "./reply-files.js";
import { RECENT_MESSAGES, type DiscordRoutes, type Route } from "./reply-route.js";

/** What the later pieces of a withheld answer become (the first one carries the notice). */
export const WITHHELD_PIECE = "_(withheld)_";

/**
 * Replaces a posted reply (a withheld answer) in place: the first piece becomes `text`, any later piece of a split
 * reply a short mark. A webhook's message is edited through the webhook (thread_id for a thread), the bot's own
 * through the channel.
 */
export async function replaceReply(routes: DiscordRoutes, math: ReplyMath, reply: PostedReply, text: string): Promise<void> {
  try {
    const header = fallbackHeader(reply.agent);
    const rendered = math.renderReply(reply.text, { maxImages: MAX_FILES });
    const pieces = routes.piecesOf(rendered.text, header);
    const route = await routes.routeOf(await routes.parentChannel(reply));
    const ids = [reply.platformMessageId, ...(pieces.length > 1 ? await laterPieces(routes, reply, route, pieces, header) : [])];
    for (const [index, id] of ids.entries()) {
      const content = index === 0 ? text : WITHHELD_PIECE;
      // The formula images went with the last piece: a withheld answer keeps none of them.
      const files = rendered.images.length > 0 && index === pieces.length - 1 ? { attachments: [] } : {};
      if (route.kind === "webhook") {
        await route.webhook.editMessage(id, { content, allowedMentions: NO_MENTIONS, ...files, ...(reply.thread === reply.channel ? {} : { threadId: reply.thread }) });
      } else {
        const thread = await routes.messagesOf(reply.thread);
        await thread.messages.edit(id, { content: index === 0 ? `${header}\n${content}` : content, allowedMentions: NO_MENTIONS, ...files });
      }
    }
  } catch (error) {
    throw discordDeliveryError(error);
  }
}

/** The ids of a split reply's pieces after the first: our own posts right after it whose content is the next piece. */
async function laterPieces(routes: DiscordRoutes, reply: PostedReply, route: Route, pieces: readonly string[], header: string): Promise<string[]> {
  const thread = await routes.fetchChannel(reply.thread);
  if (!thread.isTextBased() || !("messages" in thread)) return [];
  const after = await thread.messages.fetch({ after: reply.platformMessageId, limit: RECENT_MESSAGES });
  const ours = routes.ownPosts([...after.values()], route, reply.agent);
  const expected = routes.expectedContents(pieces, route, header);
  const found: string[] = [];
  for (const message of ours) {
    if (found.length + 1 >= expected.length || message.content !== expected[found.length + 1]) break;
    found.push(message.id);
  }
  return found;
}
