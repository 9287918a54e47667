// Routes slash commands (and the flags' "mark reviewed" buttons) to their handlers and makes sure a failing command still gets an answer.

import { MessageFlags, RESTJSONErrorCodes, type ButtonInteraction, type Interaction } from "discord.js";
import { onAsk } from "./ask-command.js";
import { NO_MENTIONS, type BotContext } from "./bot-context.js";
import { ASK, FLAGS, FORGET, HANDBACK, HISTORY, USAGE } from "./commands.js";
import { onHandback } from "./handback-command.js";
import { discordErrorCode } from "./errors.js";
import { onFlags, onReviewButton, REVIEW_BUTTON_PREFIX } from "./flags-command.js";
import { onForget, onHistory } from "./moderation-commands.js";
import { onUsage } from "./usage-command.js";

const FAILURE = "Sorry, that did not work. Please try again in a moment.";
export const MISSING_PERMISSION =
  "I'm missing a permission in this channel: I need Send Messages, Create Public Threads and Send Messages in Threads.";

export async function onInteraction(context: BotContext, interaction: Interaction): Promise<void> {
  if (interaction.isButton() && interaction.customId.startsWith(REVIEW_BUTTON_PREFIX)) return await onButton(context, interaction);
  if (!interaction.isChatInputCommand()) return;
  try {
    switch (interaction.commandName) {
      case ASK.name:
        return await onAsk(context, interaction);
      case HISTORY.name:
        return await onHistory(context, interaction);
      case FORGET.name:
        return await onForget(context, interaction);
      case FLAGS.name:
        return await onFlags(context, interaction);
      case USAGE.name:
        return await onUsage(context, interaction);
      case HANDBACK.name:
        return await onHandback(context, interaction);
      default:
        // A command left over from an older registration.
        await interaction.reply({ content: "I don't know that command any more.", flags: MessageFlags.Ephemeral });
    }
  } catch (error) {
    context.logger.error({ err: error, command: interaction.commandName, interactionId: interaction.id }, "discord: command failed");
    const content = discordErrorCode(error) === RESTJSONErrorCodes.MissingPermissions ? MISSING_PERMISSION : FAILURE;
    const answer = { content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;
    const tell = interaction.deferred || interaction.replied ? interaction.followUp(answer) : interaction.reply(answer);
    await tell.catch((replyError: unknown) => context.logger.warn({ err: replyError }, "discord: could not report the failure"));
  }
}

/** A "mark reviewed" click; a failure is told to the moderator like a failed command's. */
async function onButton(context: BotContext, interaction: ButtonInteraction): Promise<void> {
  try {
    await onReviewButton(context, interaction);
  } catch (error) {
    context.logger.error({ err: error, customId: interaction.customId, interactionId: interaction.id }, "discord: button failed");
    const answer = { content: FAILURE, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;
    const tell = interaction.deferred || interaction.replied ? interaction.followUp(answer) : interaction.reply(answer);
    await tell.catch((replyError: unknown) => context.logger.warn({ err: replyError }, "discord: could not report the failure"));
  }
}
