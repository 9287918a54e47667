// The gateway's session payloads: READY and the full GUILD_CREATE (channels, active threads, roles, the bot's member).

import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  type APIThreadChannel,
  type ApplicationFlags,
  type APITextChannel,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
} from "discord.js";
import type { FakeWorld } from "./world.js";

/** Gateway intents the fake honours when it filters events and message content. */
export const Intent = { Guilds: 1 << 0, GuildWebhooks: 1 << 5, GuildMessages: 1 << 9, MessageContent: 1 << 15 } as const;

export function readyPayload(world: FakeWorld, sessionId: string, resumeUrl: string): GatewayReadyDispatchData {
  return {
    v: 10,
    user: world.botUser,
    guilds: world.inGuild ? [{ id: world.guildId, unavailable: true }] : [],
    session_id: sessionId,
    resume_gateway_url: resumeUrl,
    shard: [0, 1],
    application: { id: world.applicationId, flags: 0 as ApplicationFlags, flags_new: "0" },
  };
}

export function guildCreatePayload(world: FakeWorld): GatewayGuildCreateDispatchData {
  const channels: APITextChannel[] = [];
  const threads: APIThreadChannel[] = [];
  for (const channel of world.channels.values()) {
    if (channel.type === ChannelType.GuildText) channels.push(channel);
    else if (channel.thread_metadata?.archived !== true) threads.push(channel);
  }
  return {
    id: world.guildId,
    name: "Homework Help",
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: world.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: world.roles(),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    joined_at: world.joinedAt,
    large: false,
    unavailable: false,
    member_count: world.users.size,
    voice_states: [],
    members: [world.member(world.botUser.id)],
    channels,
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
