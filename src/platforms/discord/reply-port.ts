// Delivers the service's replies into Discord threads: split to Discord's size, under each agent's name, pinging no one.

import { ChannelType, DiscordAPIError, RESTJSONErrorCodes, type Client, type Message, type Webhook } from "discord.js";
import type { Logger } from "pino";
import type { OutboundReply, PlatformPort, PostedReply, ThreadRef } from "../../bot/ports.js";
import type { SafetyAlert } from "../../bot/safety-alerts.js";
import { formulaAltText, ReplyMath, type FormulaImage } from "../common/reply-math.js";
import type { TeacherRequestAlert } from "../../bot/teacher-handoff.js";
import { fallbackHeader, webhookIdentity } from "./agent-identity.js";
import type { DiscordAlertPoster } from "./alert-poster.js";
import { DISCORD_PLATFORM, NO_MENTIONS } from "./bot-context.js";
import { DiscordAdapterError, discordErrorCode, toDeliveryError } from "./errors.js";
import { DISCORD_MESSAGE_LIMIT, splitMessage } from "./split-message.js";
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
}

/** A formula image as discord.js uploads it: `files[n]` plus `attachments[n]` with its TeX as the description. */
interface ReplyFile {
  readonly attachment: Buffer;
  readonly name: string;
  readonly description: string;
}

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

  constructor(private readonly options: DiscordReplyPortOptions) {
    this.math = options.math ?? new ReplyMath();
    const { alerts } = options;
    if (alerts !== undefined) {
      this.postAlert = (alert) => alerts.post(alert);
      this.postTeacherRequest = (alert) => alerts.postTeacherRequest(alert);
    }
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
    reply: OutboundReply,
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
    reply: OutboundReply,
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

  private async postAsBot(reply: OutboundReply, content: string, files: { files?: ReplyFile[] }): Promise<string> {
    const channel = await this.fetchChannel(reply.thread);
    if (!channel.isSendable()) {
      throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${reply.thread} cannot be posted to`);
    }
    const message = await channel.send({ content, ...files, allowedMentions: NO_MENTIONS });
    return message.id;
  }

  /** The channel whose webhook posts into the reply's thread, or undefined when it cannot have webhooks. */
  private async parentChannel(reply: ThreadRef): Promise<WebhookChannel<Webhook> | undefined> {
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
