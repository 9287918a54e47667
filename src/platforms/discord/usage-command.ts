// /usage: today's and this month's tokens and estimated cost in this server, per agent; server-wide moderators only.

import { MessageFlags, type ChatInputCommandInteraction } from "discord.js";
import { SAFETY_OFF, usageLines } from "../common/safety-summaries.js";
import { DISCORD_PLATFORM, NO_MENTIONS, type BotContext } from "./bot-context.js";
import { MODERATORS_ONLY, SERVER_MODERATORS_ONLY } from "./moderation-commands.js";
import { ownServer, serverModerator } from "./moderator-access.js";

export async function onUsage(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const answer = (content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  if (!ownServer(context, interaction) || interaction.guildId === null) return void (await answer(MODERATORS_ONLY));
  if (!(await serverModerator(context, interaction))) return void (await answer(SERVER_MODERATORS_ONLY));
  const review = context.reads.safety;
  if (review === undefined) return void (await answer(SAFETY_OFF));
  const report = await review.usage({ platform: DISCORD_PLATFORM, workspace: interaction.guildId });
  const [today, month, ...rest] = usageLines(report, context.gateway.agents());
  await answer(["**Usage in this server**", today, month, ...rest.slice(0, -1), `-# ${rest.at(-1)!}`].join("\n"));
}
