// The Discord adapter's public surface: start the bot, register its commands, and the settings it needs.

export { startDiscordBot, type DiscordBot, type DiscordBotOptions } from "./discord-bot.js";
export { commandDefinitions, registerDiscordCommands, type RegisteredCommands } from "./commands.js";
export { discordSettingsSchema, type DiscordSettings } from "./settings.js";
export { DiscordAdapterError, type DiscordAdapterErrorCode } from "./errors.js";
export { DISCORD_PLATFORM } from "./bot-context.js";
