// Where a reply's pieces go on Discord: the agent's webhook on the thread's parent channel, or the bot's own post
// with the agent's bold name when the channel cannot have webhooks; how each piece is posted and read back.

import { ChannelType, RESTJSONErrorCodes, type Client, type Message, type Webhook } from "discord.js";
import type { Logger } from "pino";
import type { OutboundReply, ThreadRef } from "../../bot/ports.js";
import { webhookIdentity } from "./agent-identity.js";
import { NO_MENTIONS } from "./bot-context.js";
import { DiscordAdapterError, discordErrorCode } from "./errors.js";
import { refusedFiles, type ReplyFile } from "./reply-files.js";
import { DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT, splitMessage, withLimit } from "../common/chunker.js";
import type { WebhookChannel, WebhookRegistry } from "./webhook-registry.js";

/** What an empty reply is posted as, since Discord refuses empty messages. */
const EMPTY_REPLY = "_(no text)_";
/** How far back recovery reads a thread to find a reply posted before a crash. */
export const RECENT_MESSAGES = 50;

/** Who a piece is posted for: the thread and the agent's name (a reply, or a stream not yet committed). */
export type PieceTarget = Pick<OutboundReply, "channel" | "thread" | "agent" | "replyId">;

export type Route = { readonly kind: "bot" } | { readonly kind: "webhook"; readonly webhook: Webhook };

export class DiscordRoutes {
  constructor(
    readonly client: Client<true>,
    private readonly webhooks: WebhookRegistry<Webhook>,
    private readonly logger: Logger,
  ) {}

  /** The route of a thread whose parent is `parent` (undefined: a channel that cannot have webhooks). */
  async routeOf(parent: WebhookChannel<Webhook> | undefined): Promise<Route> {
    return parent === undefined ? { kind: "bot" } : await this.webhooks.routeFor(parent);
  }

  piecesOf(text: string, header: string): string[] {
    // Every piece leaves room for the fallback's bold name, so a switch of route mid-reply still fits.
    const pieces = splitMessage(text, withLimit(DISCORD_CHUNKS, DISCORD_MESSAGE_LIMIT - header.length - 1));
    if (pieces.length === 0) pieces.push(EMPTY_REPLY);
    return pieces;
  }

  /** What each piece reads as on Discord: the bot's own posts carry the agent's bold name on the first. */
  expectedContents(pieces: readonly string[], route: Route, header: string): string[] {
    return pieces.map((piece, index) => (route.kind === "bot" && index === 0 ? `${header}\n${piece}` : piece));
  }

  /** Our own posts under this agent's name among `messages`, oldest first. */
  ownPosts(messages: readonly Message[], route: Route, agent: OutboundReply["agent"]): Message[] {
    const botId = this.client.user.id;
    const { username } = webhookIdentity(agent);
    const ours = (message: Message): boolean =>
      route.kind === "webhook"
        ? message.webhookId === route.webhook.id && message.author.username === username
        : message.webhookId === null && message.author.id === botId;
    return messages.filter(ours).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /**
   * Posts one piece; with files, a refusal of the files (no Attach Files on the bot's own posts, a file too large)
   * posts the piece again without them: its text already holds each formula's TeX.
   */
  async postPiece(
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
      this.logger.warn(
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
      const route = await this.routeOf(parent);
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
        this.logger.info({ channelId: parent.id, webhookId: route.webhook.id }, "discord: the reply webhook is gone; recreating it");
        this.webhooks.forget(parent.id, route.webhook.id);
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
  async parentChannel(reply: Pick<ThreadRef, "channel">): Promise<WebhookChannel<Webhook> | undefined> {
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

  async messagesOf(id: string) {
    const thread = await this.fetchChannel(id);
    if (!thread.isTextBased() || !("messages" in thread)) throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${id} has no messages`);
    return thread;
  }

  async fetchChannel(id: string) {
    try {
      const channel = await this.client.channels.fetch(id);
      if (channel !== null) return channel;
    } catch (error) {
      if (discordErrorCode(error) === undefined) throw error;
      throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${id} is unavailable`, { cause: error });
    }
    throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${id} is unavailable`);
  }
}
