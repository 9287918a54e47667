// Doctor: the Discord token, application id, intents, servers, and the bot's permissions in each channel it serves.

import {
  ApplicationFlags,
  ChannelType,
  DiscordAPIError,
  REST,
  Routes,
  type APIApplication,
  type APIChannel,
  type APIGuild,
  type APIGuildMember,
  type APITextChannel,
  type APIUser,
  type RESTAPIPartialCurrentUserGuild,
} from "discord.js";
import { describeNetworkFailure } from "../network-failure.js";
import { discordInviteUrl, OPTIONAL_CHANNEL_PERMISSIONS, REQUIRED_CHANNEL_PERMISSIONS } from "../platforms/discord/invite-url.js";
import type { DiscordSettings } from "../platforms/discord/settings.js";
import { checkAlertChannel } from "./discord-alert-channel.js";
import { channelPermissions } from "./discord-permissions.js";
import { DoctorReport } from "./report.js";

const DEFAULT_API = "https://discord.com/api";
/** Servers whose channels are checked one by one when DISCORD_GUILD_ID does not narrow it down. */
const MAX_GUILDS = 10;

export async function checkDiscord(settings: DiscordSettings): Promise<DoctorReport> {
  const report = new DoctorReport("Discord");
  const api = settings.apiUrl ?? DEFAULT_API;
  const rest = new REST({ api, retries: 0, timeout: 10_000 }).setToken(settings.token);
  try {
    const bot = (await rest.get(Routes.user())) as APIUser;
    report.ok(`DISCORD_TOKEN is valid: the bot is ${bot.username} (${bot.id})`);
    await checkApplication(report, rest, settings);
    const guilds = (await rest.get(Routes.userGuilds())) as RESTAPIPartialCurrentUserGuild[];
    const invite = discordInviteUrl(settings.applicationId);
    if (guilds.length === 0) {
      report.fail("the bot is in no Discord server yet", `invite it with ${invite}`);
      return report;
    }
    report.ok(`the bot is in ${guilds.length} server${guilds.length === 1 ? "" : "s"}: ${guilds.slice(0, 5).map((g) => g.name).join(", ")}${guilds.length > 5 ? ", …" : ""}`);
    let checked = guilds;
    if (settings.guildId !== undefined) {
      checked = guilds.filter((g) => g.id === settings.guildId);
      if (checked.length === 0) {
        report.fail(`DISCORD_GUILD_ID=${settings.guildId}: the bot is not in that server`, `invite it there with ${invite}, or correct DISCORD_GUILD_ID`);
        return report;
      }
    }
    await checkChannels(report, rest, bot, checked.slice(0, MAX_GUILDS), settings.channelIds);
    await checkAlertChannel(report, rest, bot, settings.alertChannelId);
  } catch (error) {
    explain(report, error, api);
  }
  return report;
}

async function checkApplication(report: DoctorReport, rest: REST, settings: DiscordSettings): Promise<void> {
  const application = (await rest.get(Routes.currentApplication())) as APIApplication;
  if (application.id !== settings.applicationId) {
    report.fail(
      `DISCORD_APPLICATION_ID=${settings.applicationId}, but the token belongs to application ${application.id}`,
      `set DISCORD_APPLICATION_ID=${application.id} (Developer Portal → General Information → Application ID)`,
    );
  } else {
    report.ok(`DISCORD_APPLICATION_ID matches the token (${application.name})`);
  }
  const contentIntent = ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;
  if (((application.flags ?? 0) & contentIntent) !== 0) report.ok("the Message Content intent is on");
  else {
    report.warn(
      "the Message Content intent is off: the bot only sees messages that mention it, so follow-ups need @Baton",
      "Developer Portal → Bot → Privileged Gateway Intents → Message Content Intent",
    );
  }
}

async function checkChannels(
  report: DoctorReport,
  rest: REST,
  bot: APIUser,
  guilds: readonly RESTAPIPartialCurrentUserGuild[],
  channelIds: readonly string[] | undefined,
): Promise<void> {
  const wanted = new Set(channelIds ?? []);
  const serveAll = wanted.size === 0;
  let usable = 0;
  for (const partial of guilds) {
    const guild = (await rest.get(Routes.guild(partial.id))) as APIGuild;
    const member = (await rest.get(Routes.guildMember(partial.id, bot.id))) as APIGuildMember;
    const channels = (await rest.get(Routes.guildChannels(partial.id))) as APIChannel[];
    for (const channel of channels.filter((c): c is APITextChannel => c.type === ChannelType.GuildText)) {
      const listed = wanted.delete(channel.id);
      if (!serveAll && !listed) continue;
      const bits = channelPermissions({ guild, member, userId: bot.id, channel });
      const missing = REQUIRED_CHANNEL_PERMISSIONS.filter(([, bit]) => (bits & bit) === 0n).map(([name]) => name);
      const name = `${guild.name} #${channel.name ?? channel.id}`;
      if (!listed && missing.includes("View Channels")) continue; // not a channel the bot is meant to serve
      if (missing.length > 0) {
        const sentence = `${name}: the bot lacks ${missing.join(", ")}, so questions there cannot be answered`;
        const fix = `give the Baton role ${missing.join(", ")} in that channel (Edit Channel → Permissions)`;
        if (listed) report.fail(sentence, fix);
        else report.warn(sentence, `${fix}, or list the channels to serve in DISCORD_CHANNEL_IDS`);
        continue;
      }
      usable += 1;
      const optional = OPTIONAL_CHANNEL_PERMISSIONS.filter(([, bit]) => (bits & bit) === 0n).map(([n]) => n);
      if (optional.length > 0) {
        report.warn(
          `${name}: threads and history work, but without Manage Webhooks replies come under the bot's name with the agent's name in bold`,
          "give the Baton role Manage Webhooks in that channel",
        );
      } else report.ok(`${name}: threads, webhooks and history work`);
    }
  }
  for (const id of wanted) report.fail(`DISCORD_CHANNEL_IDS: channel ${id} is not a text channel in a server the bot is in`, "check the id (right-click the channel → Copy Channel ID)");
  if (usable === 0) report.fail("no channel where the bot can answer", "give the Baton role the permissions above in at least one text channel");
}

function explain(report: DoctorReport, error: unknown, api: string): void {
  const network = describeNetworkFailure(error, api);
  if (network !== undefined) {
    report.fail(network, "check the machine's network, proxy and firewall (Discord needs outbound HTTPS and WebSockets to discord.com and discord.gg)");
  } else if (error instanceof DiscordAPIError && error.status === 401) {
    report.fail("Discord refused DISCORD_TOKEN (401): it is wrong or was reset", "Developer Portal → Bot → Reset Token, and put the new one in .env");
  } else if (error instanceof DiscordAPIError) {
    report.fail(`Discord refused a check (${error.method.toUpperCase()} ${new URL(error.url).pathname}): HTTP ${error.status}, code ${String(error.code)}`);
  } else if (error instanceof Error && error.name === "AbortError") {
    report.fail(`cannot reach ${new URL(api).host}: no answer within 10 s — a firewall or proxy in the way`);
  } else {
    report.fail(`the Discord checks failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
