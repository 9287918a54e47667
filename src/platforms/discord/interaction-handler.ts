// Routes slash commands to their handlers and makes sure a failing command still gets an answer.

import { MessageFlags, RESTJSONErrorCodes, type Interaction } from "discord.js";
import { onAsk } from "./ask-command.js";
import { NO_MENTIONS, type BotContext } from "./bot-context.js";
import { ASK, FORGET, HISTORY } from "./commands.js";
import { discordErrorCode } from "./errors.js";
import { onForget, onHistory } from "./moderation-commands.js";

const FAILURE = "Sorry, that did not work. Please try again in a moment.";
export const MISSING_PERMISSION =
  "I'm missing a permission in this channel: I need Send Messages, Create Public Threads and Send Messages in Threads.";

export async function onInteraction(context: BotContext, interaction: Interaction): Promise<void> {
  if (!interaction.isChatInputCommand()) return;
  try {
    switch (interaction.commandName) {
      case ASK.name:
        return await onAsk(context, interaction);
      case HISTORY.name:
        return await onHistory(context, interaction);
      case FORGET.name:
        return await onForget(context, interaction);
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
