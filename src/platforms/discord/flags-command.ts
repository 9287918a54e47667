// /flags: the server's safety flags still to review, newest first, each with a "mark reviewed" button whose click is
// authorised again, at the flag's thread, before the review is recorded.

import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  channelMention,
  ComponentType,
  escapeMarkdown,
  MessageFlags,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Message,
} from "discord.js";
import type { ModeratorScope, SafetyReview } from "../../bot/safety-review.js";
import type { FlagRow } from "../../store/flag-types.js";
import { FLAG_GONE, flagExcerpt, flagHeadline, FLAGS_SHOWN, NO_OPEN_FLAGS, SAFETY_OFF, unixSeconds } from "../common/safety-summaries.js";
import { DISCORD_PLATFORM, NO_MENTIONS, type BotContext } from "./bot-context.js";
import { consoleButtonRow } from "./console-button.js";
import { MODERATORS_ONLY, SERVER_MODERATORS_ONLY } from "./moderation-commands.js";
import { ownServer, serverModerator, threadAccess } from "./moderator-access.js";

/** custom_id of a flag's button: the prefix and the flag id (well under Discord's 100 characters). */
export const REVIEW_BUTTON_PREFIX = "baton:review-flag:";
export const REVIEW_REFUSED = "You can only mark a flag reviewed if you may manage messages in the channel of its thread.";

export async function onFlags(context: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if (!ownServer(context, interaction) || interaction.guildId === null) return await reply(interaction, MODERATORS_ONLY);
  // The listing is the whole server's: it takes the right to manage messages server-wide, as /forget does.
  if (!(await serverModerator(context, interaction))) return await reply(interaction, SERVER_MODERATORS_ONLY);
  const review = context.reads.safety;
  if (review === undefined) return await reply(interaction, SAFETY_OFF);
  const scope: ModeratorScope = { platform: DISCORD_PLATFORM, workspace: interaction.guildId };
  const flags = fitting(await review.openFlags(scope, FLAGS_SHOWN));
  const link = consoleButtonRow(context, interaction, { page: "flags" });
  if (flags.length === 0) return await reply(interaction, NO_OPEN_FLAGS, link);
  await reply(interaction, flagListing(flags), [reviewButtons(flags), ...link]);
}

export async function onReviewButton(context: BotContext, interaction: ButtonInteraction): Promise<void> {
  const id = Number(interaction.customId.slice(REVIEW_BUTTON_PREFIX.length));
  const review = context.reads.safety;
  if (!ownServer(context, interaction) || interaction.guildId === null || !Number.isSafeInteger(id)) return await tell(interaction, MODERATORS_ONLY);
  if (review === undefined) return await tell(interaction, SAFETY_OFF);
  const scope: ModeratorScope = { platform: DISCORD_PLATFORM, workspace: interaction.guildId };
  const flag = await review.flag(scope, id);
  if (flag === undefined) return await tell(interaction, FLAG_GONE);
  // Rights as of the click (a moderator may have lost them since /flags), where the flagged conversation lives.
  const access = await threadAccess(context, interaction, flag.key.thread);
  if (!access.allowed) return await tell(interaction, REVIEW_REFUSED);
  const reviewer = moderatorName(interaction);
  const outcome = await review.markReviewed(scope, id, reviewer);
  context.logger.info({ flagId: id, moderatorId: interaction.user.id, outcome: outcome.kind }, "discord: flag marked reviewed");
  await interaction.update({ ...(await relisted(review, scope, interaction.message)), allowedMentions: NO_MENTIONS });
}

/** The same listing with what is true now: who reviewed which flag, and those buttons disabled; other rows kept. */
async function relisted(review: SafetyReview, scope: ModeratorScope, message: Message): Promise<{ content: string; components: APIActionRowComponent<APIComponentInMessageActionRow>[] }> {
  const rows = message.components.flatMap((row) => (row.type === ComponentType.ActionRow ? [row.toJSON()] : []));
  const ids = rows.flatMap((row) =>
    row.components.flatMap((c) => (c.type === ComponentType.Button && "custom_id" in c && c.custom_id.startsWith(REVIEW_BUTTON_PREFIX) ? [Number(c.custom_id.slice(REVIEW_BUTTON_PREFIX.length))] : [])),
  );
  const flags = fitting((await Promise.all(ids.map((id) => review.flag(scope, id)))).flatMap((flag) => flag ?? []));
  const others = rows.filter((row) => !row.components.some((c) => c.type === ComponentType.Button && "custom_id" in c && c.custom_id.startsWith(REVIEW_BUTTON_PREFIX)));
  if (flags.length === 0) return { content: NO_OPEN_FLAGS, components: others };
  return { content: flagListing(flags), components: [reviewButtons(flags).toJSON(), ...others] };
}

/** Discord's limit on a message's content. */
const CONTENT_LIMIT = 2_000;

/** The newest flags whose listing fits in one message (long category lists can crowd out the last ones). */
function fitting(flags: readonly FlagRow[]): FlagRow[] {
  const shown = [...flags];
  while (shown.length > 1 && flagListing(shown).length > CONTENT_LIMIT) shown.pop();
  return shown;
}

function flagListing(flags: readonly FlagRow[]): string {
  const entries = flags.map((flag) => {
    const who = flag.userName === undefined ? "a student" : escapeMarkdown(flag.userName);
    const lines = [
      `**#${flag.id}** ${flagHeadline(flag)}`,
      `${who} in ${channelMention(flag.key.thread)} · <t:${unixSeconds(flag.createdAt)}:R>`,
      `> ${escapeMarkdown(flagExcerpt(flag))}`,
    ];
    if (flag.reviewedAt !== undefined) lines.push(`✓ Reviewed by ${escapeMarkdown(flag.reviewedBy ?? "a moderator")} <t:${unixSeconds(flag.reviewedAt)}:R>`);
    return lines.join("\n");
  });
  return `**Flags to review** (newest first)\n\n${entries.join("\n\n")}`;
}

function reviewButtons(flags: readonly FlagRow[]): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    flags.map((flag) =>
      new ButtonBuilder()
        .setCustomId(`${REVIEW_BUTTON_PREFIX}${flag.id}`)
        .setStyle(flag.reviewedAt === undefined ? ButtonStyle.Success : ButtonStyle.Secondary)
        .setLabel(flag.reviewedAt === undefined ? `Mark #${flag.id} reviewed` : `#${flag.id} reviewed`)
        .setDisabled(flag.reviewedAt !== undefined),
    ),
  );
}

function moderatorName(interaction: ButtonInteraction): string {
  const member = interaction.member;
  const name = member !== null && "displayName" in member ? member.displayName : interaction.user.globalName ?? interaction.user.username;
  return name.slice(0, 80);
}

async function reply(
  interaction: ChatInputCommandInteraction,
  content: string,
  components: ReadonlyArray<ActionRowBuilder<ButtonBuilder>> = [],
): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS, ...(components.length > 0 && { components: [...components] }) });
}

/** A refusal to a click: a new ephemeral message; the listing stays as it was. */
async function tell(interaction: ButtonInteraction, content: string): Promise<void> {
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
}
