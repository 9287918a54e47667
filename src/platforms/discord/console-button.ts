// The "Open in the console" link button on moderator answers: a signed link to the conversation or the server.

import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type ButtonInteraction, type ChatInputCommandInteraction } from "discord.js";
import { DISCORD_PLATFORM, type BotContext } from "./bot-context.js";

/** Discord refuses a button URL longer than this. */
const URL_LIMIT = 512;

/** No row when the console is off, or (never in practice) when the signed URL would not fit in a button. */
export function consoleButtonRow(
  context: BotContext,
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  target: { conversationId?: number; page?: "conversations" | "flags" } = {},
): ActionRowBuilder<ButtonBuilder>[] {
  if (context.consoleLinks === undefined || interaction.guildId === null) return [];
  const name = interaction.member !== null && "displayName" in interaction.member ? interaction.member.displayName : interaction.user.username;
  const url = context.consoleLinks.linkFor({
    platform: DISCORD_PLATFORM,
    workspace: interaction.guildId,
    ...target,
    moderator: { id: interaction.user.id, name: name.slice(0, 40) },
  });
  if (url.length > URL_LIMIT) {
    context.logger.warn({ length: url.length }, "discord: the console link is too long for a button; ADMIN_PUBLIC_URL is unusually long");
    return [];
  }
  const label = target.page === "flags" ? "Review flags in the console" : target.conversationId === undefined ? "Open the console" : "Open in the console";
  return [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(label).setURL(url))];
}
