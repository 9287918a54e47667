// The bot's invite link with exactly the permissions the adapter uses (docs/discord.md explains each one).

import { PermissionFlagsBits } from "discord.js";

/** Needed in every channel where students ask: without one of these, questions there cannot be answered. */
export const REQUIRED_CHANNEL_PERMISSIONS: ReadonlyArray<readonly [string, bigint]> = [
  ["View Channels", PermissionFlagsBits.ViewChannel],
  ["Send Messages", PermissionFlagsBits.SendMessages],
  ["Send Messages in Threads", PermissionFlagsBits.SendMessagesInThreads],
  ["Create Public Threads", PermissionFlagsBits.CreatePublicThreads],
  ["Read Message History", PermissionFlagsBits.ReadMessageHistory],
];

/** Wanted: without Manage Webhooks, replies come under the bot's own name with the agent's name in bold. */
export const OPTIONAL_CHANNEL_PERMISSIONS: ReadonlyArray<readonly [string, bigint]> = [["Manage Webhooks", PermissionFlagsBits.ManageWebhooks]];

/**
 * Asked for at the invite: the bot's own posts (without Manage Webhooks) carry formula images only with Attach Files;
 * without it they carry each formula's TeX alone. Webhook posts need no permission to attach.
 */
export const ATTACH_FILES_PERMISSION: readonly [string, bigint] = ["Attach Files", PermissionFlagsBits.AttachFiles];

/**
 * Asked for at the invite: safety alerts and teacher requests reach the moderators' channel (DISCORD_ALERT_CHANNEL_ID)
 * as embeds, which Discord drops from a bot's post without Embed Links there.
 */
export const EMBED_LINKS_PERMISSION: readonly [string, bigint] = ["Embed Links", PermissionFlagsBits.EmbedLinks];

/** 309774633984 today: the sum of the permissions above. */
export const INVITE_PERMISSIONS: bigint = [...REQUIRED_CHANNEL_PERMISSIONS, ...OPTIONAL_CHANNEL_PERMISSIONS, ATTACH_FILES_PERMISSION, EMBED_LINKS_PERMISSION].reduce(
  (sum, [, bit]) => sum | bit,
  0n,
);

export function discordInviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${encodeURIComponent(applicationId)}&scope=bot+applications.commands&permissions=${INVITE_PERMISSIONS}`;
}
