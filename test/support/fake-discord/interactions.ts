// Slash-command interactions of the fake Discord: building INTERACTION_CREATE payloads and tracking their 3-second window.

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageFlags,
  type APIApplicationCommandInteractionDataOption,
  type APIInteractionDataResolved,
  type APIUser,
} from "discord.js";
import { clickableButton, type StoredActionRow } from "./components.js";
import { BOT_PERMISSIONS, type FakeWorld } from "./world.js";

/** Discord drops an interaction that is not answered within this time. */
export const INTERACTION_RESPONSE_WINDOW_MS = 3_000;
/** The interaction token lives this long for edits and follow-ups. */
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

export type CommandOption = APIApplicationCommandInteractionDataOption;

export const stringOption = (name: string, value: string): CommandOption => ({ name, type: ApplicationCommandOptionType.String, value });
export const integerOption = (name: string, value: number): CommandOption => ({ name, type: ApplicationCommandOptionType.Integer, value });
export const userOption = (name: string, userId: string): CommandOption => ({ name, type: ApplicationCommandOptionType.User, value: userId });
/** The value of an attachment option is the id of a file uploaded with FakeDiscord.uploadAttachment. */
export const attachmentOption = (name: string, attachmentId: string): CommandOption => ({ name, type: ApplicationCommandOptionType.Attachment, value: attachmentId });
export const channelOption = (name: string, channelId: string): CommandOption => ({
  name,
  type: ApplicationCommandOptionType.Channel,
  value: channelId,
});

export interface SlashCommandInput {
  readonly name: string;
  readonly user: APIUser;
  readonly channelId: string;
  readonly options?: readonly CommandOption[];
  /** Pretend the interaction was created this long ago (to test the 3-second window without waiting). */
  readonly ageMs?: number;
}

export interface ButtonClickInput {
  readonly user: APIUser;
  /** The message the button is on. */
  readonly messageId: string;
  readonly customId: string;
}

export interface StoredInteraction {
  /** A slash command, or a click on a message component (a button). */
  readonly kind: "command" | "component";
  /** For a component: the message the button is on (what UPDATE_MESSAGE edits, and what @original is). */
  readonly messageId?: string;
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  readonly user: APIUser;
  readonly commandName: string;
  readonly createdAt: number;
  /** The callback type the bot answered with (4 reply, 5 deferred, …), once it did. */
  responseType: number | undefined;
  ephemeral: boolean;
  originalMessageId: string | undefined;
}

export class InteractionRegistry {
  readonly byId = new Map<string, StoredInteraction>();
  readonly byToken = new Map<string, StoredInteraction>();

  constructor(private readonly world: FakeWorld) {}

  /** Records a slash command and returns the INTERACTION_CREATE payload Discord would send for it. */
  create(input: SlashCommandInput): { readonly interaction: StoredInteraction; readonly payload: Record<string, unknown> } {
    const world = this.world;
    const channel = world.channels.get(input.channelId);
    if (channel === undefined) throw new Error(`fake Discord: no channel ${input.channelId}`);
    const interaction: StoredInteraction = {
      kind: "command",
      id: world.nextId(),
      token: `interaction-token-${world.nextId()}`,
      channelId: input.channelId,
      user: input.user,
      commandName: input.name,
      createdAt: Date.now() - (input.ageMs ?? 0),
      responseType: undefined,
      ephemeral: false,
      originalMessageId: undefined,
    };
    this.byId.set(interaction.id, interaction);
    this.byToken.set(interaction.token, interaction);
    const options = input.options ?? [];
    const resolved = this.resolved(options, { invokerId: input.user.id, channelId: channel.id });
    const payload = {
      ...this.common(interaction, channel),
      type: InteractionType.ApplicationCommand,
      data: {
        id: world.nextId(),
        name: input.name,
        type: ApplicationCommandType.ChatInput,
        guild_id: world.guildId,
        ...(options.length > 0 ? { options } : {}),
        ...(resolved === undefined ? {} : { resolved }),
      },
    };
    return { interaction, payload };
  }

  /**
   * A member clicks a button: Discord sends a MESSAGE_COMPONENT interaction carrying the message it is on. Only an
   * enabled, non-link button on that message can be clicked, and an ephemeral message only by the member it was for.
   */
  createButtonClick(input: ButtonClickInput): { readonly interaction: StoredInteraction; readonly payload: Record<string, unknown> } {
    const world = this.world;
    const message = world.messages.get(input.messageId);
    if (message === undefined) throw new Error(`fake Discord: no message ${input.messageId}`);
    if (!clickableButton(message.components as StoredActionRow[], input.customId)) {
      throw new Error(`fake Discord: message ${input.messageId} has no clickable button ${input.customId}`);
    }
    if (((message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 && message.interaction_metadata?.user.id !== input.user.id) {
      throw new Error(`fake Discord: only the member an ephemeral message was for can see (and click) it`);
    }
    const channel = world.channels.get(message.channel_id);
    if (channel === undefined) throw new Error(`fake Discord: no channel ${message.channel_id}`);
    const interaction: StoredInteraction = {
      kind: "component",
      messageId: message.id,
      id: world.nextId(),
      token: `interaction-token-${world.nextId()}`,
      channelId: channel.id,
      user: input.user,
      commandName: "",
      createdAt: Date.now(),
      responseType: undefined,
      ephemeral: false,
      originalMessageId: message.id,
    };
    this.byId.set(interaction.id, interaction);
    this.byToken.set(interaction.token, interaction);
    const payload = {
      ...this.common(interaction, channel),
      type: InteractionType.MessageComponent,
      data: { custom_id: input.customId, component_type: ComponentType.Button },
      message,
    };
    return { interaction, payload };
  }

  /** The fields every guild interaction carries, the member's permissions computed in its channel. */
  private common(interaction: StoredInteraction, channel: { readonly id: string }): Record<string, unknown> {
    const world = this.world;
    const { user: _user, ...member } = world.member(interaction.user.id);
    return {
      id: interaction.id,
      application_id: world.applicationId,
      token: interaction.token,
      guild: { id: world.guildId, locale: Locale.EnglishUS, features: [] },
      guild_id: world.guildId,
      channel,
      channel_id: channel.id,
      // As Discord: the member's permissions in this channel, overwrites included (grant roles to make a moderator).
      member: { ...member, user: interaction.user, permissions: world.permissionsIn(interaction.user.id, channel.id).toString() },
      version: 1,
      app_permissions: BOT_PERMISSIONS.toString(),
      locale: Locale.EnglishUS,
      guild_locale: Locale.EnglishUS,
      entitlements: [],
      authorizing_integration_owners: { "0": world.guildId },
      context: InteractionContextType.Guild,
      attachment_size_limit: 10_485_760,
    };
  }

  private resolved(options: readonly CommandOption[], at: { readonly invokerId: string; readonly channelId: string }): APIInteractionDataResolved | undefined {
    const resolved: APIInteractionDataResolved = {};
    for (const option of options) {
      if (option.type === ApplicationCommandOptionType.User) {
        const user = this.world.users.get(option.value);
        if (user === undefined) continue;
        const { user: _user, ...member } = this.world.member(user.id);
        resolved.users = { ...resolved.users, [user.id]: user };
        // A resolved member carries their permissions in the channel the command was run in.
        const permissions = this.world.permissionsIn(user.id, at.channelId).toString();
        resolved.members = { ...resolved.members, [user.id]: { ...member, permissions } };
      } else if (option.type === ApplicationCommandOptionType.Attachment) {
        const attachment = this.world.uploads.get(option.value);
        if (attachment === undefined) throw new Error(`fake Discord: no uploaded attachment ${option.value}`);
        resolved.attachments = { ...resolved.attachments, [attachment.id]: attachment };
      } else if (option.type === ApplicationCommandOptionType.Channel) {
        const channel = this.world.channels.get(option.value);
        if (channel === undefined) continue;
        const entry = {
          id: channel.id,
          name: channel.name,
          type: channel.type,
          // The invoking member's permissions in that channel, overwrites included (Discord's partial channel).
          permissions: this.world.permissionsIn(at.invokerId, channel.id).toString(),
          ...("thread_metadata" in channel ? { parent_id: channel.parent_id, thread_metadata: channel.thread_metadata } : {}),
        };
        resolved.channels = { ...resolved.channels, [channel.id]: entry } as APIInteractionDataResolved["channels"];
      }
    }
    return Object.keys(resolved).length === 0 ? undefined : resolved;
  }
}

/** The author and markers of a message an interaction response creates. */
export function interactionMessageFields(world: FakeWorld, interaction: StoredInteraction): Record<string, unknown> {
  return {
    application_id: world.applicationId,
    webhook_id: world.applicationId,
    interaction_metadata:
      interaction.kind === "component"
        ? {
            id: interaction.id,
            type: InteractionType.MessageComponent,
            user: interaction.user,
            authorizing_integration_owners: { "0": world.guildId },
            interacted_message_id: interaction.messageId,
          }
        : {
            id: interaction.id,
            type: InteractionType.ApplicationCommand,
            user: interaction.user,
            authorizing_integration_owners: { "0": world.guildId },
            name: interaction.commandName,
            command_type: ApplicationCommandType.ChatInput,
          },
  };
}
