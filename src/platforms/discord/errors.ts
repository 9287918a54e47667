// Errors of the Discord adapter (with a stable code) and how to read Discord's own numeric API error codes.

import { DiscordAPIError } from "discord.js";
import { BatonError } from "../../workflow/errors.js";

export type DiscordAdapterErrorCode =
  /** The gateway refused the bot: bad token, disallowed intents, network. */
  | "discord_login_failed"
  /** Discord refused the slash-command registration (bad application id, token, or command JSON). */
  | "discord_command_registration_failed"
  /** A reply's thread or parent channel cannot be posted to (deleted, not a text channel). */
  | "discord_channel_unavailable";

export class DiscordAdapterError extends BatonError<DiscordAdapterErrorCode> {}

/** Discord's JSON error code (10015 Unknown Webhook, 50013 Missing Permissions, …), when `error` carries one. */
export function discordErrorCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === "number" ? error.code : undefined;
}
