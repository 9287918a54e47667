// Delivers the service's replies into Discord threads: split to Discord's size, under each agent's name, pinging no one.

import { ChannelType, RESTJSONErrorCodes, type Client, type Webhook } from "discord.js";
import type { Logger } from "pino";
import type { OutboundReply, PlatformPort } from "../../bot/ports.js";
import { fallbackHeader, webhookIdentity } from "./agent-identity.js";
import { DISCORD_PLATFORM, NO_MENTIONS } from "./bot-context.js";
import { DiscordAdapterError, discordErrorCode, toDeliveryError } from "./errors.js";
import { DISCORD_MESSAGE_LIMIT, splitMessage } from "./split-message.js";
import type { WebhookChannel, WebhookRegistry } from "./webhook-registry.js";

/** What an empty reply is posted as, since Discord refuses empty messages. */
const EMPTY_REPLY = "_(no text)_";

export interface DiscordReplyPortOptions {
  readonly client: Client<true>;
  readonly webhooks: WebhookRegistry<Webhook>;
  readonly logger: Logger;
}

export class DiscordReplyPort implements PlatformPort {
  readonly platform = DISCORD_PLATFORM;

  constructor(private readonly options: DiscordReplyPortOptions) {}

  async deliver(reply: OutboundReply): Promise<string> {
    try {
      return await this.post(reply);
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  private async post(reply: OutboundReply): Promise<string> {
    const header = fallbackHeader(reply.agent);
    // Every piece leaves room for the fallback's bold name, so a switch of route mid-reply still fits.
    const pieces = splitMessage(reply.text, { limit: DISCORD_MESSAGE_LIMIT - header.length - 1 });
    if (pieces.length === 0) pieces.push(EMPTY_REPLY);
    const parent = await this.parentChannel(reply);
    let firstId: string | undefined;
    for (const piece of pieces) {
      const id = await this.postPiece(parent, reply, piece, firstId === undefined ? header : undefined);
      firstId ??= id;
    }
    return firstId!;
  }

  private async postPiece(parent: WebhookChannel<Webhook> | undefined, reply: OutboundReply, content: string, header?: string): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      const route = parent === undefined ? ({ kind: "bot" } as const) : await this.options.webhooks.routeFor(parent);
      if (route.kind === "bot") return this.postAsBot(reply, header === undefined ? content : `${header}\n${content}`);
      try {
        const message = await route.webhook.send({
          ...webhookIdentity(reply.agent),
          content,
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

  private async postAsBot(reply: OutboundReply, content: string): Promise<string> {
    const channel = await this.fetchChannel(reply.thread);
    if (!channel.isSendable()) {
      throw new DiscordAdapterError("discord_channel_unavailable", `Discord channel ${reply.thread} cannot be posted to`);
    }
    const message = await channel.send({ content, allowedMentions: NO_MENTIONS });
    return message.id;
  }

  /** The channel whose webhook posts into the reply's thread, or undefined when it cannot have webhooks. */
  private async parentChannel(reply: OutboundReply): Promise<WebhookChannel<Webhook> | undefined> {
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
