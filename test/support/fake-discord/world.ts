// The fake Discord's state: one guild with text channels, its users, threads, messages and webhooks, as API objects.

import {
  ChannelType,
  MessageType,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
  WebhookType,
  type APIAttachment,
  type APIGuildMember,
  type APIMessage,
  type APIOverwrite,
  type APIRole,
  type APITextChannel,
  type APIThreadChannel,
  type APIUser,
  type APIWebhook,
  type ChannelFlags,
  type GuildMemberFlags,
  type RoleFlags,
  type UserFlags,
} from "discord.js";
import { channelPermissions, type PermissionSubject } from "./permissions.js";
import { snowflakeFactory } from "./snowflakes.js";
import type { AllowedMentions } from "./validation.js";

/** What the bot's role grants: everything the adapter needs, Manage Webhooks included. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.ManageWebhooks |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles;

/** What @everyone may do: a student. */
export const STUDENT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

export const MODERATOR_PERMISSIONS = STUDENT_PERMISSIONS | PermissionFlagsBits.ManageMessages;

/** A message as stored, plus what the fake learnt while creating it. */
export interface StoredMessage extends APIMessage {
  guild_id: string;
}

export interface StoredWebhook extends APIWebhook {
  token: string;
  channel_id: string;
}

export interface NewMessage {
  readonly channelId: string;
  readonly author: APIUser;
  readonly content: string;
  readonly allowedMentions: AllowedMentions;
  readonly type?: MessageType;
  readonly flags?: number;
  readonly webhookId?: string;
  readonly applicationId?: string;
  readonly attachments?: APIMessage["attachments"];
  readonly embeds?: APIMessage["embeds"];
}

export class FakeWorld {
  readonly nextId = snowflakeFactory();
  /** Files members uploaded (on the fake CDN), by attachment id: what a slash command's attachment option resolves to. */
  readonly uploads = new Map<string, APIAttachment>();
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly guildId: string;
  readonly botRoleId: string;
  readonly ownerId: string;
  readonly joinedAt = new Date().toISOString();
  readonly users = new Map<string, APIUser>();
  /** Nicknames by user id; every known user is a member of the guild. */
  readonly nicknames = new Map<string, string | null>();
  /** Each member's roles besides @everyone, by user id. */
  readonly memberRoles = new Map<string, string[]>();
  /** Roles a test created (e.g. "Moderators"), besides @everyone and the bot's. */
  readonly extraRoles: APIRole[] = [];
  readonly channels = new Map<string, APITextChannel | APIThreadChannel>();
  readonly messages = new Map<string, StoredMessage>();
  readonly webhooks = new Map<string, StoredWebhook>();
  /** The thread started from a message, by the message's id. */
  readonly threadOfMessage = new Map<string, string>();
  canManageWebhooks = true;
  canCreateThreads = true;
  /** Without Attach Files, the bot's own posts with files are refused (webhooks need no permission to attach). */
  canAttachFiles = true;
  /** The bytes of every uploaded attachment, by attachment id. */
  readonly attachmentData = new Map<string, Uint8Array>();
  /** False: the bot was never invited (GET /users/@me/guilds answers an empty list). */
  inGuild = true;

  constructor(options: { readonly token: string; readonly applicationId?: string; readonly channelNames: readonly string[] }) {
    this.token = options.token;
    this.applicationId = options.applicationId ?? this.nextId();
    this.botUser = { id: this.applicationId, username: "Baton", discriminator: "0", global_name: null, avatar: null, bot: true, flags: 0 as UserFlags };
    this.users.set(this.botUser.id, this.botUser);
    this.guildId = this.nextId();
    this.botRoleId = this.nextId();
    this.ownerId = this.nextId();
    for (const name of options.channelNames) this.addTextChannel(name);
  }

  addUser(username: string, options: { readonly nickname?: string; readonly bot?: boolean; readonly roles?: readonly string[] } = {}): APIUser {
    const user: APIUser = { id: this.nextId(), username, discriminator: "0", global_name: username, avatar: null, flags: 0 as UserFlags };
    if (options.bot === true) user.bot = true;
    this.users.set(user.id, user);
    this.nicknames.set(user.id, options.nickname ?? null);
    this.memberRoles.set(user.id, [...(options.roles ?? [])]);
    return user;
  }

  /** A server role granting `permissions` everywhere (unless a channel's overwrites say otherwise). */
  addRole(name: string, permissions: bigint): APIRole {
    const role = this.role(this.nextId(), name, permissions, this.extraRoles.length + 2, false);
    this.extraRoles.push(role);
    return role;
  }

  /** Sets (replaces) a text channel's overwrite for a role (type 0) or a member (type 1). Threads have none: they inherit. */
  setOverwrite(channelId: string, overwrite: APIOverwrite): void {
    const channel = this.textChannel(channelId);
    if (channel === undefined) throw new Error(`fake Discord: no text channel ${channelId} (threads take their parent's overwrites)`);
    const others = (channel.permission_overwrites ?? []).filter((existing) => existing.id !== overwrite.id);
    channel.permission_overwrites = [...others, overwrite];
  }

  /** What Discord computes for a member in a channel; a thread's are its parent's. */
  permissionsIn(userId: string, channelId: string): bigint {
    const channel = this.channels.get(channelId);
    if (channel === undefined) throw new Error(`fake Discord: no channel ${channelId}`);
    const parent = channel.type === ChannelType.GuildText ? channel : this.textChannel(channel.parent_id ?? "");
    if (parent === undefined) throw new Error(`fake Discord: thread ${channelId} has no parent`);
    return channelPermissions(this.permissionSubject(userId), parent.permission_overwrites ?? []);
  }

  permissionSubject(userId: string): PermissionSubject {
    return { guildId: this.guildId, ownerId: this.ownerId, userId, memberRoleIds: this.member(userId).roles, roles: this.roles() };
  }

  addTextChannel(name: string): APITextChannel {
    const channel: APITextChannel = {
      id: this.nextId(),
      type: ChannelType.GuildText,
      guild_id: this.guildId,
      name,
      position: this.channels.size,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      default_auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
      flags: 0 as ChannelFlags,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  textChannel(id: string): APITextChannel | undefined {
    const channel = this.channels.get(id);
    return channel?.type === ChannelType.GuildText ? channel : undefined;
  }

  thread(id: string): APIThreadChannel | undefined {
    const channel = this.channels.get(id);
    return channel !== undefined && channel.type !== ChannelType.GuildText ? channel : undefined;
  }

  /** A thread started from a message takes that message's id, as on Discord. */
  createThread(input: {
    parentId: string;
    name: string;
    ownerId: string;
    autoArchive?: ThreadAutoArchiveDuration;
    starterMessageId?: string;
  }): APIThreadChannel {
    const now = new Date().toISOString();
    const thread: APIThreadChannel = {
      id: input.starterMessageId ?? this.nextId(),
      type: ChannelType.PublicThread,
      guild_id: this.guildId,
      parent_id: input.parentId,
      owner_id: input.ownerId,
      name: input.name,
      last_message_id: null,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      flags: 0 as ChannelFlags,
      total_message_sent: 0,
      applied_tags: [],
      thread_metadata: {
        archived: false,
        auto_archive_duration: input.autoArchive ?? ThreadAutoArchiveDuration.OneDay,
        archive_timestamp: now,
        locked: false,
        create_timestamp: now,
      },
    };
    this.channels.set(thread.id, thread);
    if (input.starterMessageId !== undefined) this.threadOfMessage.set(input.starterMessageId, thread.id);
    return thread;
  }

  createMessage(input: NewMessage): StoredMessage {
    const channel = this.channels.get(input.channelId);
    if (channel === undefined) throw new Error(`fake Discord: no channel ${input.channelId}`);
    const message: StoredMessage = {
      id: this.nextId(),
      channel_id: input.channelId,
      guild_id: this.guildId,
      author: input.author,
      content: input.content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      ...this.mentionFields(input.content, input.allowedMentions),
      mention_roles: [],
      attachments: input.attachments ?? [],
      embeds: input.embeds ?? [],
      components: [],
      pinned: false,
      type: input.type ?? MessageType.Default,
      flags: input.flags ?? 0,
    };
    if (input.webhookId !== undefined) message.webhook_id = input.webhookId;
    if (input.applicationId !== undefined) message.application_id = input.applicationId;
    this.messages.set(message.id, message);
    channel.last_message_id = message.id;
    if (channel.type !== ChannelType.GuildText) {
      channel.message_count = (channel.message_count ?? 0) + 1;
      channel.total_message_sent = (channel.total_message_sent ?? 0) + 1;
    }
    return message;
  }

  /** Who a message pings, given its allowed_mentions: the users it may mention, and whether @everyone/@here works. */
  mentionFields(content: string, allowed: AllowedMentions): Pick<APIMessage, "mentions" | "mention_everyone"> {
    const mentioned = new Set([...content.matchAll(/<@!?(\d+)>/g)].map((match) => match[1]!));
    const mentions = [...mentioned]
      .filter((id) => allowed.parse.includes("users") || allowed.users.includes(id))
      .flatMap((id) => {
        const user = this.users.get(id);
        return user === undefined ? [] : [user];
      });
    return { mentions, mention_everyone: /@(everyone|here)\b/.test(content) && allowed.parse.includes("everyone") };
  }

  /** An edit (content and embeds, when given), as Discord applies it: the message keeps its id and gets edited_timestamp. */
  editMessage(
    message: StoredMessage,
    input: { content?: string; embeds?: APIMessage["embeds"]; attachments?: APIMessage["attachments"]; allowedMentions: AllowedMentions },
  ): void {
    if (input.content !== undefined) {
      message.content = input.content;
      Object.assign(message, this.mentionFields(input.content, input.allowedMentions));
    }
    if (input.embeds !== undefined) message.embeds = input.embeds;
    if (input.attachments !== undefined) message.attachments = input.attachments;
    message.edited_timestamp = new Date().toISOString();
  }

  /** A message deleted (Delete Message, Delete Webhook Message); its id is remembered, as Discord's ids are never reused. */
  deleteMessage(id: string): void {
    this.messages.delete(id);
    this.deletedMessages.push(id);
  }

  /** Ids of the messages deleted so far, oldest first. */
  readonly deletedMessages: string[] = [];

  messagesIn(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((message) => message.channel_id === channelId);
  }

  createWebhook(channelId: string, name: string): StoredWebhook {
    const webhook: StoredWebhook = {
      id: this.nextId(),
      type: WebhookType.Incoming,
      guild_id: this.guildId,
      channel_id: channelId,
      user: this.botUser,
      name,
      avatar: null,
      token: `webhook-token-${this.nextId()}`,
      application_id: this.applicationId,
    };
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  member(userId: string): APIGuildMember {
    const user = this.users.get(userId);
    if (user === undefined) throw new Error(`fake Discord: no user ${userId}`);
    const roles = userId === this.botUser.id ? [this.botRoleId] : [...(this.memberRoles.get(userId) ?? [])];
    return { user, nick: this.nicknames.get(userId) ?? null, roles, joined_at: this.joinedAt, deaf: false, mute: false, flags: 0 as GuildMemberFlags };
  }

  roles(): APIRole[] {
    const role = this.role.bind(this);
    // The role says what the REST routes enforce, so a permission check (Baton's doctor) sees what posting would meet.
    let bot = BOT_PERMISSIONS;
    if (!this.canManageWebhooks) bot &= ~PermissionFlagsBits.ManageWebhooks;
    if (!this.canCreateThreads) bot &= ~PermissionFlagsBits.CreatePublicThreads;
    if (!this.canAttachFiles) bot &= ~PermissionFlagsBits.AttachFiles;
    return [role(this.guildId, "@everyone", STUDENT_PERMISSIONS, 0, false), role(this.botRoleId, "Baton", bot, 1, true), ...this.extraRoles];
  }

  private role(id: string, name: string, permissions: bigint, position: number, managed: boolean): APIRole {
    return {
      id,
      name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      position,
      permissions: permissions.toString(),
      managed,
      mentionable: false,
      flags: 0 as RoleFlags,
      ...(managed ? { tags: { bot_id: this.botUser.id } } : {}),
    };
  }
}
