// A Discord reply that grows as the model writes: posted on the first words (under the agent's webhook name and
// avatar, or as the bot with the bold name), edited in place, continued in a new message past 2,000 characters.

import { RESTEvents } from "discord.js";
import type { Logger } from "pino";
import type { OutboundReply, ReplyStream, StreamListener, StreamTarget } from "../../bot/ports.js";
import { KeyedQueue } from "../../bot/keyed-queue.js";
import { EditedStream } from "../common/edited-stream.js";
import { EditThrottle } from "../common/edit-throttle.js";
import { PostedPieces, type PieceOps } from "../common/posted-pieces.js";
import type { ReplyMath } from "../common/reply-math.js";
import { fallbackHeader } from "./agent-identity.js";
import { NO_MENTIONS } from "./bot-context.js";
import { discordErrorCode, discordDeliveryError } from "./errors.js";
import { MAX_FILES, refusedFiles, replyFiles, type ReplyFile } from "./reply-files.js";
import type { DiscordRoutes, PieceTarget } from "./reply-route.js";
import { DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT, openFenceAfter, splitMessage, withLimit } from "../common/chunker.js";

/** How often one streamed message is edited at most (Discord's webhook routes allow about 5 calls per 2 s). */
export const DISCORD_EDIT_INTERVAL_MS = 1_500;
/** The budget every stream through one webhook (one parent channel) shares, before Discord's headers say more. */
export const DISCORD_SHARED_BUDGET = { calls: 5, windowMs: 2_000 } as const;

const CLOSING_FENCE = "\n```";

/**
 * The pieces as shown while the model is still writing: the last one closes a code block it leaves open (so the
 * code renders as code as it grows), if it has room; finished pieces are split as a whole reply would be.
 */
export function streamingPieces(pieces: readonly string[], limit: number): string[] {
  const shown = [...pieces];
  const last = shown.at(-1);
  if (last !== undefined && openFenceAfter(last, null) !== null && last.length + CLOSING_FENCE.length <= limit) {
    shown[shown.length - 1] = last + CLOSING_FENCE;
  }
  return shown;
}

/** The pace of streamed replies' edits: per message, and the budget every stream through one webhook shares. */
export interface StreamPace {
  readonly perMessageMs: number;
  readonly shared: { readonly calls: number; readonly windowMs: number };
}

/** Opens and resumes streamed replies on Discord (PlatformPort.openStream and resume). */
export class DiscordReplyStreams {
  private readonly throttle: EditThrottle;
  private streams = 0;
  /** New messages of streams, in the order they were asked for per thread (triage's opens before the tutor's). */
  private readonly postOrder = new KeyedQueue<string>();

  constructor(
    private readonly routes: DiscordRoutes,
    private readonly math: ReplyMath,
    private readonly logger: Logger,
    pace: StreamPace = { perMessageMs: DISCORD_EDIT_INTERVAL_MS, shared: DISCORD_SHARED_BUDGET },
  ) {
    this.throttle = new EditThrottle(pace);
    // discord.js waits out a bucket it knows is empty (or a 429's retry_after): streams through it slow down as well.
    routes.client.rest.on(RESTEvents.RateLimited, (limit) => this.throttle.backOff(limit.majorParameter, Math.max(limit.retryAfter, limit.timeToReset)));
  }

  /**
   * Opens a reply that grows on Discord as the model writes: its first words are posted at once (under the agent's
   * webhook name and avatar, or as the bot with the bold name), then the message is edited, paced per message and per
   * webhook, and continued in a new message past Discord's limit.
   */
  open(target: StreamTarget, listener: StreamListener): ReplyStream {
    const header = fallbackHeader(target.agent);
    const limit = DISCORD_MESSAGE_LIMIT - header.length - 1;
    const key = `stream:${++this.streams}`;
    // The thread's messages keep the order the streams opened in (triage's narration before the tutor's answer), even
    // when a later one is ready first: each stream holds the thread's turn from its opening until it is finished.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let startTurn!: () => void;
    const turn = new Promise<void>((resolve) => (startTurn = resolve));
    void this.postOrder.run(target.thread, () => {
      startTurn();
      return released;
    });
    const { ops, shared, attach } = this.pieceOps({ ...target, replyId: 0 }, header);
    const ordered: PieceOps = { ...ops, post: async (content, index) => (await turn, ops.post(content, index)) };
    const pieces = new PostedPieces(ordered, (ids) => listener.onPieces(ids), async (final) => this.throttle.acquire(key, await shared, final));
    // The final text is rendered as a whole reply is (inline math as Unicode); display math images go with the last piece.
    let finalImages: { readonly contents: readonly string[]; readonly files: ReplyFile[] } | undefined;
    const stream = new EditedStream({
      pieces,
      render: (text, final) => {
        // While streaming: inline math already as Unicode, display math as its TeX (the image comes at the end).
        if (!final) return streamingPieces(splitMessage(this.math.streamingText(text), withLimit(DISCORD_CHUNKS, limit)), limit);
        const rendered = this.math.renderReply(text, { maxImages: MAX_FILES });
        const contents = this.routes.piecesOf(rendered.text, header);
        finalImages = rendered.images.length === 0 ? undefined : { contents, files: replyFiles(rendered.images) };
        return contents;
      },
      logger: this.logger,
      deliveryError: discordDeliveryError,
      done: () => this.throttle.release(key),
      hurry: () => this.throttle.hurry(key),
    });
    let attached = false;
    const finish = async (text: string): Promise<readonly string[]> => {
      const ids = await stream.finish(text);
      const images = finalImages;
      if (images !== undefined && !attached) {
        const index = images.contents.length - 1;
        try {
          await attach(ids[index]!, index, images.contents[index]!, images.files);
        } catch (error) {
          // As a whole reply's: the text already holds each formula's TeX.
          if (!refusedFiles(error)) throw discordDeliveryError(error);
          this.logger.warn({ channelId: target.thread, code: discordErrorCode(error) }, "discord: the formula images were refused; the reply keeps each formula's TeX");
        }
        attached = true;
      }
      return ids;
    };
    const releasing = <T>(promise: Promise<T>): Promise<T> => promise.finally(release);
    return { append: (text) => stream.append(text), restart: () => stream.restart(), finish: (text) => releasing(finish(text)), abandon: () => releasing(stream.abandon()) };
  }

  /** Finishes a reply streamed by an earlier process: its messages are edited to the final text (more posted if needed). */
  async resume(reply: OutboundReply, platformMessageIds: readonly string[]): Promise<string> {
    const header = fallbackHeader(reply.agent);
    const key = `resume:${reply.replyId}`;
    const { ops, shared, attach } = this.pieceOps(reply, header);
    const pieces = new PostedPieces(ops, () => undefined, async () => this.throttle.acquire(key, await shared, true));
    pieces.adopt(platformMessageIds);
    const rendered = this.math.renderReply(reply.text, { maxImages: MAX_FILES });
    const final = this.routes.piecesOf(rendered.text, header);
    try {
      await pieces.apply(() => final, true);
      const index = final.length - 1;
      if (rendered.images.length > 0) await attach(pieces.ids()[index]!, index, final[index]!, replyFiles(rendered.images));
    } catch (error) {
      throw discordDeliveryError(error);
    } finally {
      this.throttle.release(key);
    }
    return pieces.ids()[0]!;
  }

  /**
   * How a streamed reply's pieces are posted, edited and removed on its thread's route, and the key of the rate-limit
   * budget they share: the webhook's id (one per parent channel), or the thread's on the bot's own route.
   */
  private pieceOps(
    target: PieceTarget,
    header: string,
  ): { ops: PieceOps; shared: Promise<string>; attach: (id: string, index: number, content: string, files: ReplyFile[]) => Promise<void> } {
    const routing = this.routes.parentChannel(target).then(async (parent) => ({
      parent,
      route: parent === undefined ? ({ kind: "bot" } as const) : await this.routes.routeOf(parent),
    }));
    routing.catch(() => undefined);
    const threadId = target.thread === target.channel ? {} : { threadId: target.thread };
    const edit = async (id: string, content: string, index: number, files: { files?: ReplyFile[] }): Promise<void> => {
      const { route } = await routing;
      if (route.kind === "webhook") {
        await route.webhook.editMessage(id, { content, allowedMentions: NO_MENTIONS, ...files, ...threadId });
        return;
      }
      const thread = await this.routes.messagesOf(target.thread);
      await thread.messages.edit(id, { content: index === 0 ? `${header}\n${content}` : content, allowedMentions: NO_MENTIONS, ...files });
    };
    const ops: PieceOps = {
      post: async (content, index) => this.routes.postPiece((await routing).parent, target, { content, files: [] }, index === 0 ? header : undefined),
      edit: (id, content, index) => edit(id, content, index, {}),
      remove: async (id) => {
        const { route } = await routing;
        if (route.kind === "webhook") await route.webhook.deleteMessage(id, threadId.threadId);
        else await (await this.routes.messagesOf(target.thread)).messages.delete(id);
      },
    };
    return {
      ops,
      shared: routing.then(({ route }) => (route.kind === "webhook" ? route.webhook.id : target.thread), () => target.thread),
      attach: (id, index, content, files) => edit(id, content, index, { files }),
    };
  }
}
