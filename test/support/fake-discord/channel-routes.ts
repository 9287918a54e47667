// REST routes of the fake Discord for the gateway URL, the bot user, channels, messages, threads and typing.

import { ChannelType, GatewayDispatchEvents, MessageFlags, MessageType, PermissionFlagsBits, ThreadAutoArchiveDuration } from "discord.js";
import { DiscordApiFailure, missingPermissions, threadAlreadyCreated, unknownChannel, unknownMessage } from "./api-errors.js";
import type { FakeGateway } from "./gateway.js";
import { Intent } from "./gateway-payloads.js";
import type { Route } from "./rest-router.js";
import { validateEmbeds } from "./embeds.js";
import { applyMessageEdit } from "./message-edit.js";
import { messageAttachments } from "./uploads.js";
import { objectBody, parseAllowedMentions, validateMessageBody, validateThreadName } from "./validation.js";
import type { FakeWorld } from "./world.js";

export interface RouteDeps {
  readonly world: FakeWorld;
  readonly gateway: FakeGateway;
  readonly gatewayUrl: () => string;
}

const AUTO_ARCHIVE = new Set<number>(Object.values(ThreadAutoArchiveDuration).filter((v): v is number => typeof v === "number"));

export function channelRoutes({ world, gateway, gatewayUrl }: RouteDeps): Route[] {
  const channelOrFail = (id: string) => {
    const channel = world.channels.get(id);
    if (channel === undefined) throw unknownChannel();
    return channel;
  };
  const textChannelOrFail = (id: string) => {
    const channel = world.textChannel(id);
    if (channel === undefined) throw unknownChannel();
    return channel;
  };
  const autoArchive = (value: unknown): ThreadAutoArchiveDuration =>
    typeof value === "number" && AUTO_ARCHIVE.has(value) ? (value as ThreadAutoArchiveDuration) : ThreadAutoArchiveDuration.OneDay;

  return [
    {
      method: "GET",
      path: "/gateway/bot",
      botAuth: true,
      handle: () => ({
        status: 200,
        body: {
          url: gatewayUrl(),
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
        },
      }),
    },
    { method: "GET", path: "/gateway", botAuth: false, handle: () => ({ status: 200, body: { url: gatewayUrl() } }) },
    { method: "GET", path: "/users/@me", botAuth: true, handle: () => ({ status: 200, body: world.botUser }) },
    { method: "GET", path: "/channels/:channelId", botAuth: true, handle: ({ params }) => ({ status: 200, body: channelOrFail(params.channelId!) }) },
    {
      method: "GET",
      path: "/channels/:channelId/messages/:messageId",
      botAuth: true,
      handle: ({ params }) => {
        channelOrFail(params.channelId!);
        const message = world.messages.get(params.messageId!);
        if (message === undefined || message.channel_id !== params.channelId) throw unknownMessage();
        return { status: 200, body: message };
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/messages",
      botAuth: true,
      handle: ({ params, body, files }) => {
        const channel = channelOrFail(params.channelId!);
        // As Discord: a channel the bot cannot see is Missing Access (50001); one it may not post in, Missing Permissions.
        const bits = world.permissionsIn(world.botUser.id, channel.id);
        if ((bits & PermissionFlagsBits.ViewChannel) === 0n) throw new DiscordApiFailure(403, 50001, "Missing Access");
        const send = channel.type === ChannelType.GuildText ? PermissionFlagsBits.SendMessages : PermissionFlagsBits.SendMessagesInThreads;
        if ((bits & send) === 0n) throw missingPermissions();
        const input = objectBody(body);
        if (files.length > 0 && (bits & PermissionFlagsBits.AttachFiles) === 0n) throw missingPermissions();
        const content = validateMessageBody(input, { files: files.length });
        const attachments = messageAttachments({ attachments: input.attachments, files, existing: [], nextId: world.nextId, store: world.attachmentData });
        const reference = input.message_reference as { message_id?: string; fail_if_not_exists?: boolean } | undefined;
        if (reference?.message_id !== undefined && !world.messages.has(reference.message_id) && reference.fail_if_not_exists !== false) {
          throw unknownMessage();
        }
        const message = world.createMessage({
          channelId: params.channelId!,
          author: world.botUser,
          content,
          embeds: validateEmbeds(input.embeds),
          ...(attachments === undefined ? {} : { attachments }),
          allowedMentions: parseAllowedMentions(input.allowed_mentions),
          type: reference?.message_id === undefined ? MessageType.Default : MessageType.Reply,
        });
        gateway.dispatchMessage("MESSAGE_CREATE", message);
        return { status: 200, body: message };
      },
    },
    {
      // Edit Message: the bot may edit only its own messages (50005 otherwise).
      method: "PATCH",
      path: "/channels/:channelId/messages/:messageId",
      botAuth: true,
      handle: ({ params, body, files }) => {
        channelOrFail(params.channelId!);
        const message = world.messages.get(params.messageId!);
        if (message === undefined || message.channel_id !== params.channelId) throw unknownMessage();
        if (message.author.id !== world.botUser.id || message.webhook_id !== undefined) {
          throw new DiscordApiFailure(403, 50005, "Cannot edit a message authored by another user");
        }
        return applyMessageEdit(world, gateway, message, body, files);
      },
    },
    {
      // Delete Message: the bot's own messages (deleting others' needs Manage Messages, which the fake never grants).
      method: "DELETE",
      path: "/channels/:channelId/messages/:messageId",
      botAuth: true,
      handle: ({ params }) => {
        channelOrFail(params.channelId!);
        const message = world.messages.get(params.messageId!);
        if (message === undefined || message.channel_id !== params.channelId) throw unknownMessage();
        if (message.author.id !== world.botUser.id || message.webhook_id !== undefined) throw new DiscordApiFailure(403, 50013, "Missing Permissions");
        world.deleteMessage(message.id);
        return { status: 204 };
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/messages/:messageId/threads",
      botAuth: true,
      handle: ({ params, body }) => {
        const parent = textChannelOrFail(params.channelId!);
        const starter = world.messages.get(params.messageId!);
        if (starter === undefined || starter.channel_id !== parent.id) throw unknownMessage();
        if (world.threadOfMessage.has(starter.id)) throw threadAlreadyCreated();
        if (!world.canCreateThreads) throw missingPermissions();
        const input = objectBody(body);
        const name = validateThreadName(input.name);
        const thread = world.createThread({
          parentId: parent.id,
          name,
          ownerId: world.botUser.id,
          autoArchive: autoArchive(input.auto_archive_duration),
          starterMessageId: starter.id,
        });
        starter.flags = (starter.flags ?? 0) | MessageFlags.HasThread;
        starter.thread = thread;
        gateway.dispatch(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true }, Intent.Guilds);
        return { status: 201, body: thread };
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/threads",
      botAuth: true,
      handle: ({ params, body }) => {
        const parent = textChannelOrFail(params.channelId!);
        if (!world.canCreateThreads) throw missingPermissions();
        const input = objectBody(body);
        const name = validateThreadName(input.name);
        if (input.type !== undefined && input.type !== ChannelType.PublicThread) {
          throw new Error(`the fake only creates public threads, got type ${String(input.type)}`);
        }
        const thread = world.createThread({ parentId: parent.id, name, ownerId: world.botUser.id, autoArchive: autoArchive(input.auto_archive_duration) });
        // Discord announces a thread created without a starter message with a system message in the parent.
        const notice = world.createMessage({
          channelId: parent.id,
          author: world.botUser,
          content: name,
          allowedMentions: parseAllowedMentions(undefined),
          type: MessageType.ThreadCreated,
        });
        gateway.dispatch(GatewayDispatchEvents.ThreadCreate, { ...thread, newly_created: true }, Intent.Guilds);
        gateway.dispatchMessage("MESSAGE_CREATE", notice);
        return { status: 201, body: thread };
      },
    },
    {
      method: "POST",
      path: "/channels/:channelId/typing",
      botAuth: true,
      handle: ({ params }) => {
        channelOrFail(params.channelId!);
        return { status: 204 };
      },
    },
  ];
}
