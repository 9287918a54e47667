// Delivers the service's replies into Discord threads: split to Discord's size, under each agent's name, pinging no one.

import { ChannelType, DiscordAPIError, RESTEvents, RESTJSONErrorCodes, type Client, type Message, type Webhook } from "discord.js";
import type { Logger } from "pino";
import type { OutboundReply, PlatformPort, PostedReply, ReplyStream, StreamListener, StreamTarget, ThreadRef } from "../../bot/ports.js";
import { KeyedQueue } from "../../bot/keyed-queue.js";
import { EditedStream } from "../common/edited-stream.js";
import { EditThrottle } from "../common/edit-throttle.js";
import { PostedPieces, type PieceOps } from "../common/posted-pieces.js";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import { formulaAltText, ReplyMath, type FormulaImage } from "../common/reply-math.js";
import type { TeacherRequestAlert } from "../../bot/teacher-handoff.js";
import { fallbackHeader, webhookIdentity } from "./agent-identity.js";
import type { DiscordAlertPoster } from "./alert-poster.js";
import { DISCORD_PLATFORM, NO_MENTIONS } from "./bot-context.js";
import { DiscordAdapterError, discordErrorCode, toDeliveryError } from "./errors.js";
import { DISCORD_MESSAGE_LIMIT, splitMessage } from "./split-message.js";
import { DISCORD_EDIT_INTERVAL_MS, DISCORD_SHARED_BUDGET, streamingPieces } from "./reply-stream.js";
import type { WebhookChannel, WebhookRegistry } from "./webhook-registry.js";

/** What an empty reply is posted as, since Discord refuses empty messages. */
const EMPTY_REPLY = "_(no text)_";
/** Discord's limits on a message's files: 10 attachments, each description at most 1,024 characters. */
const MAX_FILES = 10;
const MAX_DESCRIPTION = 1024;
/** What the later pieces of a withheld answer become (the first one carries the notice). */
export const WITHHELD_PIECE = "_(withheld)_";

export interface DiscordReplyPortOptions {
  readonly client: Client<true>;
  readonly webhooks: WebhookRegistry<Webhook>;
  readonly logger: Logger;
  /** Where safety alerts go (DISCORD_ALERT_CHANNEL_ID); without it the port posts none. */
  readonly alerts?: DiscordAlertPoster;
  /** Display math as PNGs, inline math as Unicode (and the formula cache); one per adapter. */
  readonly math?: ReplyMath;
  /** Whether replies stream (openStream); default true. */
  readonly stream?: boolean;
  /** The pace of streamed replies' edits; default about one per 1.5 s per message, 5 per 2 s per webhook. */
  readonly streamPace?: { readonly perMessageMs: number; readonly shared: { readonly calls: number; readonly windowMs: number } };
}

/** A formula image as discord.js uploads it: `files[n]` plus `attachments[n]` with its TeX as the description. */
interface ReplyFile {
  readonly attachment: Buffer;
  readonly name: string;
  readonly description: string;
}

/** Who a piece is posted for: the thread and the agent's name (a reply, or a stream not yet committed). */
type PieceTarget = Pick<OutboundReply, "channel" | "thread" | "agent" | "replyId">;

type Route = { readonly kind: "bot" } | { readonly kind: "webhook"; readonly webhook: Webhook };

/** Posted pieces of replies whose delivery failed part-way, so a retry does not post them twice. */
const MAX_REMEMBERED_PARTIAL = 500;
/** How far back recovery reads a thread to find a reply posted before a crash. */
const RECENT_MESSAGES = 50;

export class DiscordReplyPort implements PlatformPort {
  readonly platform = DISCORD_PLATFORM;
  private readonly partial = new Map<number, string[]>();
  readonly postAlert?: (alert: SafetyAlert) => Promise<void>;
  private readonly math: ReplyMath;
  readonly postTeacherRequest?: (alert: TeacherRequestAlert) => Promise<void>;
  private readonly throttle: EditThrottle;
  private streams = 0;
  /** New messages of streams, in the order they were asked for per thread (triage's opens before the tutor's). */
  private readonly postOrder = new KeyedQueue<string>();
  readonly openStream?: (target: StreamTarget, listener: StreamListener) => ReplyStream;

  constructor(private readonly options: DiscordReplyPortOptions) {
    this.math = options.math ?? new ReplyMath();
    const { alerts } = options;
    if (alerts !== undefined) {
      this.postAlert = (alert) => alerts.post(alert);
      this.postTeacherRequest = (alert) => alerts.postTeacherRequest(alert);
    }
    this.throttle = new EditThrottle(options.streamPace ?? { perMessageMs: DISCORD_EDIT_INTERVAL_MS, shared: DISCORD_SHARED_BUDGET });
    // discord.js waits out a bucket it knows is empty (or a 429's retry_after): streams through it slow down as well.
    if (options.stream !== false) this.openStream = (target, listener) => this.open(target, listener);
    options.client.rest.on(RESTEvents.RateLimited, (limit) => this.throttle.backOff(limit.majorParameter, Math.max(limit.retryAfter, limit.timeToReset)));
  }

  /**
   * Opens a reply that grows on Discord as the model writes: its first words are posted at once (under the agent's
   * webhook name and avatar, or as the bot with the bold name), then the message is edited, paced per message and per
   * webhook, and continued in a new message past Discord's limit.
   */
  private open(target: StreamTarget, listener: StreamListener): ReplyStream {
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
        if (!final) return streamingPieces(splitMessage(this.math.streamingText(text), { limit }), limit);
        const rendered = this.math.renderReply(text, { maxImages: MAX_FILES });
        const contents = this.piecesOf(rendered.text, header);
        finalImages = rendered.images.length === 0 ? undefined : { contents, files: replyFiles(rendered.images) };
        return contents;
      },
      logger: this.options.logger,
      deliveryError: toDeliveryError,
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
          if (!refusedFiles(error)) throw toDeliveryError(error);
          this.options.logger.warn({ channelId: target.thread, code: discordErrorCode(error) }, "discord: the formula images were refused; the reply keeps each formula's TeX");
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
    const final = this.piecesOf(rendered.text, header);
    try {
      await pieces.apply(() => final, true);
      const index = final.length - 1;
      if (rendered.images.length > 0) await attach(pieces.ids()[index]!, index, final[index]!, replyFiles(rendered.images));
    } catch (error) {
      throw toDeliveryError(error);
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
    const routing = this.parentChannel(target).then(async (parent) => ({
      parent,
      route: parent === undefined ? ({ kind: "bot" } as const) : await this.options.webhooks.routeFor(parent),
    }));
    routing.catch(() => undefined);
    const threadId = target.thread === target.channel ? {} : { threadId: target.thread };
    const edit = async (id: string, content: string, index: number, files: { files?: ReplyFile[] }): Promise<void> => {
      const { route } = await routing;
      if (route.kind === "webhook") {
        await route.webhook.editMessage(id, { content, allowedMentions: NO_MENTIONS, ...files, ...threadId });
        return;
      }
      const thread = await this.messagesOf(target.thread);
      await thread.messages.edit(id, { content: index === 0 ? `${header}\n${content}` : content, allowedMentions: NO_MENTIONS, ...files });
    };
    const ops: PieceOps = {
      post: async (content, index) => this.postPiece((await routing).parent, target, { content, files: [] }, index === 0 ? header : undefined),
      edit: (id, content, index) => edit(id, content, index, {}),
      remove: async (id) => {
        const { route } = await routing;
        if (route.kind === "webhook") await route.webhook.deleteMessage(id, threadId.threadId);
        else await (await this.messagesOf(target.thread)).messages.delete(id);
      },
    };
    return {
      ops,
      shared: routing.then(({ route }) => (route.kind === "webhook" ? route.webhook.id : target.thread), () => target.thread),
      attach: (id, index, content, files) => edit(id, content, index, { files }),
    };
  }

  private async messagesOf(id: string) {
    const thread = await this.fetchChannel(id);
    if (!thread.isTextBased() || !("messages" in thread)) throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${id} has no messages`);
    return thread;
  }

  /**
   * Replaces a posted reply (a withheld answer) in place: the first piece becomes `text`, any later piece of a split
   * reply a short mark. A webhook's message is edited through the webhook (thread_id for a thread), the bot's own
   * through the channel.
   */
  async replaceReply(reply: PostedReply, text: string): Promise<void> {
    try {
      const header = fallbackHeader(reply.agent);
      const rendered = this.math.renderReply(reply.text, { maxImages: MAX_FILES });
      const pieces = this.piecesOf(rendered.text, header);
      const parent = await this.parentChannel(reply);
      const route: Route = parent === undefined ? { kind: "bot" } : await this.options.webhooks.routeFor(parent);
      const ids = [reply.platformMessageId, ...(pieces.length > 1 ? await this.laterPieces(reply, route, pieces, header) : [])];
      for (const [index, id] of ids.entries()) {
        const content = index === 0 ? text : WITHHELD_PIECE;
        // The formula images went with the last piece: a withheld answer keeps none of them.
        const files = rendered.images.length > 0 && index === pieces.length - 1 ? { attachments: [] } : {};
        if (route.kind === "webhook") {
          await route.webhook.editMessage(id, { content, allowedMentions: NO_MENTIONS, ...files, ...(reply.thread === reply.channel ? {} : { threadId: reply.thread }) });
        } else {
          const thread = await this.fetchChannel(reply.thread);
          if (!thread.isTextBased() || !("messages" in thread)) throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${reply.thread} has no messages`);
          await thread.messages.edit(id, { content: index === 0 ? `${header}\n${content}` : content, allowedMentions: NO_MENTIONS, ...files });
        }
      }
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /** The ids of a split reply's pieces after the first: our own posts right after it whose content is the next piece. */
  private async laterPieces(reply: PostedReply, route: Route, pieces: readonly string[], header: string): Promise<string[]> {
    const thread = await this.fetchChannel(reply.thread);
    if (!thread.isTextBased() || !("messages" in thread)) return [];
    const after = await thread.messages.fetch({ after: reply.platformMessageId, limit: RECENT_MESSAGES });
    const ours = this.ownPosts([...after.values()], route, reply.agent);
    const expected = this.expectedContents(pieces, route, header);
    const found: string[] = [];
    for (const message of ours) {
      if (found.length + 1 >= expected.length || message.content !== expected[found.length + 1]) break;
      found.push(message.id);
    }
    return found;
  }

  private piecesOf(text: string, header: string): string[] {
    // Every piece leaves room for the fallback's bold name, so a switch of route mid-reply still fits.
    const pieces = splitMessage(text, { limit: DISCORD_MESSAGE_LIMIT - header.length - 1 });
    if (pieces.length === 0) pieces.push(EMPTY_REPLY);
    return pieces;
  }

  /** What each piece reads as on Discord: the bot's own posts carry the agent's bold name on the first. */
  private expectedContents(pieces: readonly string[], route: Route, header: string): string[] {
    return pieces.map((piece, index) => (route.kind === "bot" && index === 0 ? `${header}\n${piece}` : piece));
  }

  /** Our own posts under this agent's name among `messages`, oldest first. */
  private ownPosts(messages: readonly Message[], route: Route, agent: OutboundReply["agent"]): Message[] {
    const botId = this.options.client.user.id;
    const { username } = webhookIdentity(agent);
    const ours = (message: Message): boolean =>
      route.kind === "webhook"
        ? message.webhookId === route.webhook.id && message.author.username === username
        : message.webhookId === null && message.author.id === botId;
    return messages.filter(ours).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  async deliver(reply: OutboundReply): Promise<string> {
    try {
      return await this.post(reply);
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  private async post(reply: OutboundReply): Promise<string> {
    const header = fallbackHeader(reply.agent);
    // Display math goes up as PNGs attached to the last piece, so they sit under the answer's final words.
    const rendered = this.math.renderReply(reply.text, { maxImages: MAX_FILES });
    const pieces = this.piecesOf(rendered.text, header);
    const parent = await this.parentChannel(reply);
    const posted = this.partial.get(reply.replyId) ?? (reply.maybePosted === true ? await this.findPosted(reply, parent, pieces, header) : []);
    try {
      for (let index = posted.length; index < pieces.length; index++) {
        const files = index === pieces.length - 1 ? replyFiles(rendered.images) : [];
        posted.push(await this.postPiece(parent, reply, { content: pieces[index]!, files }, index === 0 ? header : undefined));
      }
    } catch (error) {
      // A retry of this reply posts only the pieces still missing.
      if (posted.length > 0) this.rememberPartial(reply.replyId, posted);
      throw error;
    }
    this.partial.delete(reply.replyId);
    return posted[0]!;
  }

  private rememberPartial(replyId: number, posted: string[]): void {
    if (this.partial.size >= MAX_REMEMBERED_PARTIAL) {
      const oldest = this.partial.keys().next().value;
      if (oldest !== undefined) this.partial.delete(oldest);
    }
    this.partial.set(replyId, posted);
  }

  /**
   * The ids of the pieces of `reply` an earlier process already posted: the thread's recent messages read back,
   * the newest post of our own webhook (or of the bot, on the fallback route) under the agent's name whose content
   * is the first piece, then the pieces that follow it in order. Nothing the student sees carries a marker.
   */
  private async findPosted(reply: OutboundReply, parent: WebhookChannel<Webhook> | undefined, pieces: readonly string[], header: string): Promise<string[]> {
    const thread = await this.fetchChannel(reply.thread);
    if (!thread.isTextBased() || !("messages" in thread)) return [];
    const route: Route = parent === undefined ? { kind: "bot" } : await this.options.webhooks.routeFor(parent);
    const expected = this.expectedContents(pieces, route, header);
    const recent = this.ownPosts([...(await thread.messages.fetch({ limit: RECENT_MESSAGES })).values()], route, reply.agent);
    const start = recent.findLastIndex((message) => message.content === expected[0]);
    if (start === -1) return [];
    const found = [recent[start]!.id];
    for (const message of recent.slice(start + 1)) {
      if (found.length >= expected.length || message.content !== expected[found.length]) break;
      found.push(message.id);
    }
    this.options.logger.info({ replyId: reply.replyId, found: found.length, pieces: pieces.length }, "discord: found a reply already posted before the restart");
    return found;
  }

  /**
   * Posts one piece; with files, a refusal of the files (no Attach Files on the bot's own posts, a file too large)
   * posts the piece again without them: its text already holds each formula's TeX.
   */
  private async postPiece(
    parent: WebhookChannel<Webhook> | undefined,
    reply: PieceTarget,
    piece: { readonly content: string; readonly files: readonly ReplyFile[] },
    header?: string,
  ): Promise<string> {
    if (piece.files.length === 0) return this.postPieceOnce(parent, reply, piece, header);
    try {
      return await this.postPieceOnce(parent, reply, piece, header);
    } catch (error) {
      if (!refusedFiles(error)) throw error;
      this.options.logger.warn(
        { replyId: reply.replyId, channelId: reply.thread, code: discordErrorCode(error), files: piece.files.length },
        "discord: the formula images were refused (grant Attach Files where replies are posted as the bot); the reply goes out with each formula's TeX",
      );
      return this.postPieceOnce(parent, reply, { content: piece.content, files: [] }, header);
    }
  }

  private async postPieceOnce(
    parent: WebhookChannel<Webhook> | undefined,
    reply: PieceTarget,
    piece: { readonly content: string; readonly files: readonly ReplyFile[] },
    header?: string,
  ): Promise<string> {
    const { content } = piece;
    const files = piece.files.length === 0 ? {} : { files: [...piece.files] };
    for (let attempt = 1; ; attempt += 1) {
      const route = parent === undefined ? ({ kind: "bot" } as const) : await this.options.webhooks.routeFor(parent);
      if (route.kind === "bot") return this.postAsBot(reply, header === undefined ? content : `${header}\n${content}`, files);
      try {
        const message = await route.webhook.send({
          ...webhookIdentity(reply.agent),
          content,
          ...files,
          allowedMentions: NO_MENTIONS,
          ...(reply.thread === reply.channel ? {} : { threadId: reply.thread }),
        });
        return message.id;
      } catch (error) {
        // Someone deleted the webhook: make a new one and post this piece again, once.
        if (discordErrorCode(error) !== RESTJSONErrorCodes.UnknownWebhook || attempt > 1 || parent === undefined) throw error;
        this.options.logger.info({ channelId: parent.id, webhookId: route.webhook.id }, "discord: the reply webhook is gone; recreating it");
        this.options.webhooks.forget(parent.id, route.webhook.id);
      }
    }
  }

  private async postAsBot(reply: Pick<ThreadRef, "thread">, content: string, files: { files?: ReplyFile[] }): Promise<string> {
    const channel = await this.fetchChannel(reply.thread);
    if (!channel.isSendable()) {
      throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${reply.thread} cannot be posted to`);
    }
    const message = await channel.send({ content, ...files, allowedMentions: NO_MENTIONS });
    return message.id;
  }

  /** The channel whose webhook posts into the reply's thread, or undefined when it cannot have webhooks. */
  private async parentChannel(reply: Pick<ThreadRef, "channel">): Promise<WebhookChannel<Webhook> | undefined> {
    const channel = await this.fetchChannel(reply.channel);
    switch (channel.type) {
      case ChannelType.GuildText:
      case ChannelType.GuildAnnouncement:
      case ChannelType.GuildForum:
      case ChannelType.GuildMedia:
        return channel;
      default:
        return undefined;
    }
  }

  private async fetchChannel(id: string) {
    try {
      const channel = await this.options.client.channels.fetch(id);
      if (channel !== null) return channel;
    } catch (error) {
      if (discordErrorCode(error) === undefined) throw error;
      throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${id} is unavailable`, { cause: error });
    }
    throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${id} is unavailable`);
  }
}

function replyFiles(images: readonly FormulaImage[]): ReplyFile[] {
  return images.map((image) => ({ attachment: Buffer.from(image.png), name: image.name, description: formulaAltText(image, MAX_DESCRIPTION) }));
}

/** Discord refused what the files brought (a permission, a size, the form), not the message itself. */
function refusedFiles(error: unknown): boolean {
  if (!(error instanceof DiscordAPIError)) return false;
  if (error.status === 413) return true;
  return error.status === 400 || (error.status === 403 && error.code === RESTJSONErrorCodes.MissingPermissions);
}
