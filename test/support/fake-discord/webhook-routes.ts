// REST routes of the fake Discord for channel webhooks: list, create, delete, and execute into a channel or thread.

import { ChannelType } from "discord.js";
import {
  DiscordApiFailure,
  invalidWebhookToken,
  missingPermissions,
  unknownChannel,
  unknownMessage,
  unknownWebhook,
} from "./api-errors.js";
import { editInteractionMessage, followUp, getInteractionMessage, type InteractionDeps } from "./interaction-routes.js";
import type { Route, RouteResult } from "./rest-router.js";
import { validateEmbeds } from "./embeds.js";
import { applyMessageEdit } from "./message-edit.js";
import { messageAttachments, type UploadedFile } from "./uploads.js";
import { objectBody, parseAllowedMentions, validateMessageBody, validateWebhookName } from "./validation.js";
import type { StoredWebhook } from "./world.js";

const MAX_WEBHOOKS_PER_CHANNEL = 15;

export function webhookRoutes(deps: InteractionDeps): Route[] {
  const { world, gateway } = deps;
  const isInteraction = (id: string) => id === world.applicationId;
  const textChannelOrFail = (id: string) => {
    const channel = world.channels.get(id);
    if (channel === undefined) throw unknownChannel();
    // Webhooks live on the parent channel; a thread has none of its own.
    if (channel.type !== ChannelType.GuildText) throw new DiscordApiFailure(400, 50024, "Cannot execute action on this channel type");
    return channel;
  };
  const requireManageWebhooks = () => {
    if (!world.canManageWebhooks) throw missingPermissions();
  };
  const webhookWithToken = (id: string, token: string): StoredWebhook => {
    const webhook = world.webhooks.get(id);
    if (webhook === undefined) throw unknownWebhook();
    if (webhook.token !== token) throw invalidWebhookToken();
    return webhook;
  };

  const execute = (webhook: StoredWebhook, query: URLSearchParams, body: unknown, files: readonly UploadedFile[]): RouteResult => {
    const input = objectBody(body);
    const content = validateMessageBody(input, { files: files.length });
    const attachments = messageAttachments({ attachments: input.attachments, files, existing: [], nextId: world.nextId, store: world.attachmentData });
    const username = input.username === undefined ? (webhook.name ?? "Captain Hook") : validateWebhookName("username", input.username);
    if (input.avatar_url !== undefined && typeof input.avatar_url !== "string") throw new DiscordApiFailure(400, 50035, "Invalid Form Body");
    let channelId = webhook.channel_id;
    const threadId = query.get("thread_id");
    if (threadId !== null) {
      const thread = world.thread(threadId);
      if (thread === undefined || thread.parent_id !== webhook.channel_id) throw unknownChannel();
      // Posting into an archived (not locked) thread unarchives it, as on Discord.
      if (thread.thread_metadata !== undefined) thread.thread_metadata.archived = false;
      channelId = thread.id;
    }
    const message = world.createMessage({
      channelId,
      author: { id: webhook.id, username, discriminator: "0000", global_name: null, avatar: null, bot: true },
      content,
      embeds: validateEmbeds(input.embeds),
      ...(attachments === undefined ? {} : { attachments }),
      allowedMentions: parseAllowedMentions(input.allowed_mentions),
      webhookId: webhook.id,
      applicationId: world.applicationId,
    });
    gateway.dispatchMessage("MESSAGE_CREATE", message);
    return query.get("wait") === "true" ? { status: 200, body: message } : { status: 204 };
  };

  /**
   * Edit Webhook Message: only a message this webhook posted, found in the webhook's channel or, with thread_id, in that
   * thread (a message of a thread edited without thread_id is Unknown Message, as on Discord).
   */
  const editOwn = (webhook: StoredWebhook, messageId: string, query: URLSearchParams, body: unknown, files: readonly UploadedFile[]): RouteResult => {
    const threadId = query.get("thread_id");
    if (threadId !== null) {
      const thread = world.thread(threadId);
      if (thread === undefined || thread.parent_id !== webhook.channel_id) throw unknownChannel();
    }
    const message = world.messages.get(messageId);
    if (message === undefined || message.webhook_id !== webhook.id || message.channel_id !== (threadId ?? webhook.channel_id)) throw unknownMessage();
    return applyMessageEdit(world, gateway, message, body, files);
  };

  return [
    {
      method: "GET",
      path: "/channels/:channelId/webhooks",
      botAuth: true,
      handle: ({ params }) => {
        const channel = textChannelOrFail(params.channelId!);
        requireManageWebhooks();
        return { status: 200, body: [...world.webhooks.values()].filter((webhook) => webhook.channel_id === channel.id) };
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId/webhooks",
      botAuth: true,
      handle: ({ params }) => {
        if (params.guildId !== world.guildId) throw new DiscordApiFailure(404, 10004, "Unknown Guild");
        requireManageWebhooks();
        return { status: 200, body: [...world.webhooks.values()] };
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/webhooks",
      botAuth: true,
      handle: ({ params, body }) => {
        const channel = textChannelOrFail(params.channelId!);
        requireManageWebhooks();
        const name = validateWebhookName("name", objectBody(body).name);
        const existing = [...world.webhooks.values()].filter((webhook) => webhook.channel_id === channel.id);
        if (existing.length >= MAX_WEBHOOKS_PER_CHANNEL) {
          throw new DiscordApiFailure(400, 30007, `Maximum number of webhooks reached (${MAX_WEBHOOKS_PER_CHANNEL})`);
        }
        return { status: 200, body: world.createWebhook(channel.id, name) };
      },
    },
    {
      method: "DELETE",
      path: "/webhooks/:webhookId",
      botAuth: true,
      handle: ({ params }) => {
        if (!world.webhooks.delete(params.webhookId!)) throw unknownWebhook();
        return { status: 204 };
      },
    },
    {
      method: "POST",
      path: "/webhooks/:webhookId/:token",
      botAuth: false,
      handle: ({ params, query, body, files }) =>
        isInteraction(params.webhookId!)
          ? followUp(deps, params.token!, body)
          : execute(webhookWithToken(params.webhookId!, params.token!), query, body, files),
    },
    {
      method: "GET",
      path: "/webhooks/:webhookId/:token/messages/:messageId",
      botAuth: false,
      handle: ({ params }) => {
        if (isInteraction(params.webhookId!)) return getInteractionMessage(deps, params.token!, params.messageId!);
        const webhook = webhookWithToken(params.webhookId!, params.token!);
        const message = world.messages.get(params.messageId!);
        if (message === undefined || message.webhook_id !== webhook.id) throw unknownMessage();
        return { status: 200, body: message };
      },
    },
    {
      method: "DELETE",
      path: "/webhooks/:webhookId/:token/messages/:messageId",
      botAuth: false,
      handle: ({ params, query }) => {
        const webhook = webhookWithToken(params.webhookId!, params.token!);
        const threadId = query.get("thread_id");
        const message = world.messages.get(params.messageId!);
        if (message === undefined || message.webhook_id !== webhook.id || message.channel_id !== (threadId ?? webhook.channel_id)) throw unknownMessage();
        world.deleteMessage(message.id);
        return { status: 204 };
      },
    },
    {
      method: "PATCH",
      path: "/webhooks/:webhookId/:token/messages/:messageId",
      botAuth: false,
      handle: ({ params, query, body, files }) => {
        if (isInteraction(params.webhookId!)) return editInteractionMessage(deps, params.token!, params.messageId!, body);
        return editOwn(webhookWithToken(params.webhookId!, params.token!), params.messageId!, query, body, files);
      },
    },
  ];
}
