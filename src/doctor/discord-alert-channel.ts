// Doctor: the moderators' channel (DISCORD_ALERT_CHANNEL_ID) exists and the bot may post its alert embeds there.

import { ChannelType, DiscordAPIError, PermissionFlagsBits, Routes, type APIChannel, type APIGuild, type APIGuildMember, type APIUser, type REST } from "discord.js";
import { channelPermissions } from "./discord-permissions.js";
import type { DoctorReport } from "./report.js";

/** What posting an alert needs in the channel: seeing it, posting, and the embed itself. */
export const ALERT_CHANNEL_PERMISSIONS: ReadonlyArray<readonly [string, bigint]> = [
  ["View Channel", PermissionFlagsBits.ViewChannel],
  ["Send Messages", PermissionFlagsBits.SendMessages],
  ["Embed Links", PermissionFlagsBits.EmbedLinks],
];

export async function checkAlertChannel(report: DoctorReport, rest: REST, bot: APIUser, channelId: string | undefined): Promise<void> {
  if (channelId === undefined) return;
  let channel: APIChannel;
  try {
    channel = (await rest.get(Routes.channel(channelId))) as APIChannel;
  } catch (error) {
    if (!(error instanceof DiscordAPIError)) throw error;
    report.fail(`DISCORD_ALERT_CHANNEL_ID=${channelId}: the bot cannot see that channel, so safety alerts cannot be posted`, "check the id (right-click the channel → Copy Channel ID) and that the bot is in that server");
    return;
  }
  if (channel.type !== ChannelType.GuildText || channel.guild_id === undefined) {
    report.fail(`DISCORD_ALERT_CHANNEL_ID=${channelId} is not a server text channel`, "use a text channel of the server, e.g. a private #baton-alerts");
    return;
  }
  const guild = (await rest.get(Routes.guild(channel.guild_id))) as APIGuild;
  const member = (await rest.get(Routes.guildMember(channel.guild_id, bot.id))) as APIGuildMember;
  const bits = channelPermissions({ guild, member, userId: bot.id, channel });
  const missing = ALERT_CHANNEL_PERMISSIONS.filter(([, bit]) => (bits & bit) === 0n).map(([name]) => name);
  const name = `#${channel.name}`;
  if (missing.length > 0) {
    report.fail(`alert channel ${name}: the bot lacks ${missing.join(", ")}, so safety alerts cannot be posted`, `give the Baton role ${missing.join(", ")} in ${name} (Edit Channel → Permissions)`);
  } else report.ok(`alert channel ${name}: safety alerts can be posted`);
}
