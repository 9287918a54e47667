// The fake Discord's error answers, shaped like the real API's JSON errors (status, numeric code, message, form errors).

/** An error the fake answers with; thrown by route handlers and turned into an HTTP response by the router. */
export class DiscordApiFailure extends Error {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  constructor(status: number, code: number, message: string, errors?: Readonly<Record<string, unknown>>) {
    super(`${status} ${code} ${message}`);
    this.status = status;
    this.body = errors === undefined ? { code, message } : { code, message, errors };
  }
}

/** Discord's "Invalid Form Body" (50035) with one field error, e.g. content too long. */
export function invalidFormBody(field: string, errorCode: string, message: string): DiscordApiFailure {
  return new DiscordApiFailure(400, 50035, "Invalid Form Body", {
    [field]: { _errors: [{ code: errorCode, message }] },
  });
}

export const unauthorized = (): DiscordApiFailure => new DiscordApiFailure(401, 0, "401: Unauthorized");
export const notFound = (): DiscordApiFailure => new DiscordApiFailure(404, 0, "404: Not Found");
export const unknownChannel = (): DiscordApiFailure => new DiscordApiFailure(404, 10003, "Unknown Channel");
export const unknownMessage = (): DiscordApiFailure => new DiscordApiFailure(404, 10008, "Unknown Message");
export const unknownWebhook = (): DiscordApiFailure => new DiscordApiFailure(404, 10015, "Unknown Webhook");
export const unknownInteraction = (): DiscordApiFailure => new DiscordApiFailure(404, 10062, "Unknown interaction");
export const invalidWebhookToken = (): DiscordApiFailure => new DiscordApiFailure(401, 50027, "Invalid Webhook Token");
export const missingPermissions = (): DiscordApiFailure => new DiscordApiFailure(403, 50013, "Missing Permissions");
export const emptyMessage = (): DiscordApiFailure => new DiscordApiFailure(400, 50006, "Cannot send an empty message");
export const alreadyAcknowledged = (): DiscordApiFailure =>
  new DiscordApiFailure(400, 40060, "Interaction has already been acknowledged.");
export const threadAlreadyCreated = (): DiscordApiFailure =>
  new DiscordApiFailure(400, 160004, "A thread has already been created for this message");
