// The bot's slash commands (/ask, /history, /forget, /flags, /usage, /handback) and their registration, globally or to one guild.

import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { describeNetworkFailure } from "../../network-failure.js";
import { DiscordAdapterError } from "./errors.js";
import type { DiscordSettings } from "./settings.js";

export const ASK = { name: "ask", question: "question", image: "image" } as const;
export const HISTORY = { name: "history", thread: "thread", page: "page" } as const;
export const FORGET = { name: "forget", user: "user" } as const;
export const FLAGS = { name: "flags" } as const;
export const USAGE = { name: "usage" } as const;
export const HANDBACK = { name: "handback" } as const;

/** The longest /ask question: the question is posted as the thread's first message, which Discord caps at 2,000. */
export const QUESTION_MAX_LENGTH = 1_900;

/** Moderators are members who may manage messages; Discord hides the moderation commands from everyone else. */
export const MODERATOR_PERMISSION = PermissionFlagsBits.ManageMessages;

export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ask = new SlashCommandBuilder()
    .setName(ASK.name)
    .setDescription("Ask the homework tutors a question; the answer comes in a new thread")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((option) =>
      option.setName(ASK.question).setDescription("Your homework question").setRequired(true).setMaxLength(QUESTION_MAX_LENGTH),
    )
    .addAttachmentOption((option) => option.setName(ASK.image).setDescription("A photo of the worksheet, or a PDF or text file"));
  const history = new SlashCommandBuilder()
    .setName(HISTORY.name)
    .setDescription("Moderators: read the conversation of a tutoring thread")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(MODERATOR_PERMISSION)
    .addChannelOption((option) =>
      option
        .setName(HISTORY.thread)
        .setDescription("The thread (default: the one you are in)")
        .addChannelTypes(ChannelType.PublicThread, ChannelType.PrivateThread, ChannelType.AnnouncementThread),
    )
    .addIntegerOption((option) => option.setName(HISTORY.page).setDescription("Page of the transcript (default 1)").setMinValue(1));
  const forget = new SlashCommandBuilder()
    .setName(FORGET.name)
    .setDescription("Moderators: delete every stored message of a user")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(MODERATOR_PERMISSION)
    .addUserOption((option) => option.setName(FORGET.user).setDescription("Whose messages to delete").setRequired(true));
  const flags = new SlashCommandBuilder()
    .setName(FLAGS.name)
    .setDescription("Moderators: safety flags still to review in this server, newest first")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(MODERATOR_PERMISSION);
  const usage = new SlashCommandBuilder()
    .setName(USAGE.name)
    .setDescription("Moderators: today's and this month's tokens and estimated cost in this server, per agent")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(MODERATOR_PERMISSION);
  const handback = new SlashCommandBuilder()
    .setName(HANDBACK.name)
    .setDescription("Moderators: give this thread back to the tutors after a student asked for a teacher")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(MODERATOR_PERMISSION);
  return [ask, history, forget, flags, usage, handback].map((command) => command.toJSON());
}

export interface RegisteredCommands {
  /** "guild" (instant, DISCORD_GUILD_ID) or "global" (may take up to an hour to show everywhere). */
  readonly scope: "guild" | "global";
  readonly names: readonly string[];
}

/** Overwrites the application's commands with Baton's, in the guild when `guildId` is set, else globally. */
export async function registerDiscordCommands(settings: DiscordSettings): Promise<RegisteredCommands> {
  const rest = new REST(settings.apiUrl === undefined ? {} : { api: settings.apiUrl }).setToken(settings.token);
  const route =
    settings.guildId === undefined
      ? Routes.applicationCommands(settings.applicationId)
      : Routes.applicationGuildCommands(settings.applicationId, settings.guildId);
  try {
    const registered = (await rest.put(route, { body: commandDefinitions() })) as readonly { readonly name: string }[];
    return { scope: settings.guildId === undefined ? "global" : "guild", names: registered.map((command) => command.name) };
  } catch (error) {
    const network = describeNetworkFailure(error, settings.apiUrl ?? "https://discord.com/api");
    if (network !== undefined) throw new DiscordAdapterError("discord_unreachable", `Discord: ${network}`, { cause: error });
    throw new DiscordAdapterError(
      "discord_command_registration_failed",
      `Discord refused the slash commands for application ${settings.applicationId}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
