// Errors of the Discord adapter (with a stable code) and how to read Discord's own numeric API error codes.

import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { DeliveryError } from "../../bot/delivery-retry.js";
import { BatonError } from "../../workflow/errors.js";

export type DiscordAdapterErrorCode =
  /** The gateway refused the bot: bad token, disallowed intents. */
  | "discord_login_failed"
  /** discord.com could not be reached at all (DNS, firewall, proxy): never reported as a refused token. */
  | "discord_unreachable"
  /** Discord refused the slash-command registration (bad application id, token, or command JSON). */
  | "discord_command_registration_failed"
  /** A reply's thread or parent channel cannot be posted to (deleted, not a text channel). */
  | "discord_channel_unavailable";

export class DiscordAdapterError extends BatonError<DiscordAdapterErrorCode> {}

/** Discord's JSON error code (10015 Unknown Webhook, 50013 Missing Permissions, …), when `error` carries one. */
export function discordErrorCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === "number" ? error.code : undefined;
}

/**
 * A failed post as the service's DeliveryError: Discord's 5xx, a 429 and no answer at all are worth another try
 * (discord.js has already waited out the rate limits it knew of); any other refusal (4xx) is final.
 */
export function discordDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const message = `Discord refused the reply: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof RateLimitError) return new DeliveryError("delivery_transient", message, { cause: error, retryAfterMs: error.retryAfter });
  if (error instanceof DiscordAPIError || error instanceof HTTPError) {
    const transient = error.status >= 500 || error.status === 429;
    return new DeliveryError(transient ? "delivery_transient" : "delivery_refused", message, { cause: error });
  }
  if (error instanceof DiscordAdapterError) return new DeliveryError("delivery_refused", message, { cause: error });
  return new DeliveryError("delivery_transient", message, { cause: error });
}
