// The fake Discord's body checks: the limits and refusals of the real API that a bot can run into.

import { emptyMessage, invalidFormBody } from "./api-errors.js";
import { validateEmbeds } from "./embeds.js";

export const MESSAGE_CONTENT_LIMIT = 2000;
export const THREAD_NAME_LIMIT = 100;
export const WEBHOOK_NAME_LIMIT = 80;

/** What a message-creating body may carry (channel messages, webhook executions, interaction responses). */
export interface MessageBody {
  readonly content?: unknown;
  readonly embeds?: unknown;
  readonly components?: unknown;
  readonly attachments?: unknown;
  readonly sticker_ids?: unknown;
  readonly poll?: unknown;
  readonly allowed_mentions?: unknown;
  readonly flags?: unknown;
  readonly username?: unknown;
  readonly avatar_url?: unknown;
}

export interface AllowedMentions {
  readonly parse: readonly string[];
  readonly users: readonly string[];
  readonly roles: readonly string[];
}

/** The body as an object; Discord answers 50035 to anything else. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidFormBody("_root", "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  }
  return body as Record<string, unknown>;
}

/** Checks content length, emptiness and allowed_mentions; returns the content ("" when absent). */
export function validateMessageBody(body: MessageBody, options: { readonly editing?: boolean; readonly files?: number } = {}): string {
  if (body.content !== undefined && body.content !== null && typeof body.content !== "string") {
    throw invalidFormBody("content", "BASE_TYPE_STRING", "Must be a string.");
  }
  const content = typeof body.content === "string" ? body.content : "";
  if (content.length > MESSAGE_CONTENT_LIMIT) {
    throw invalidFormBody("content", "BASE_TYPE_MAX_LENGTH", `Must be ${MESSAGE_CONTENT_LIMIT} or fewer in length.`);
  }
  validateEmbeds(body.embeds);
  const hasOther = [body.embeds, body.components, body.attachments, body.sticker_ids].some(
    (value) => Array.isArray(value) && value.length > 0,
  );
  // An edit may leave the content untouched; a new message must say something.
  const untouched = options.editing === true && body.content === undefined;
  if (!untouched && content.trim() === "" && !hasOther && (options.files ?? 0) === 0 && body.poll === undefined) throw emptyMessage();
  parseAllowedMentions(body.allowed_mentions);
  return content;
}

/** Validates allowed_mentions and returns it with Discord's default (everything may ping) when absent. */
export function parseAllowedMentions(value: unknown): AllowedMentions {
  if (value === undefined || value === null) return { parse: ["users", "roles", "everyone"], users: [], roles: [] };
  const raw = objectField(value, "allowed_mentions");
  const parse = stringArray(raw.parse ?? [], "allowed_mentions.parse");
  const users = stringArray(raw.users ?? [], "allowed_mentions.users");
  const roles = stringArray(raw.roles ?? [], "allowed_mentions.roles");
  for (const kind of parse) {
    if (!["users", "roles", "everyone"].includes(kind)) {
      throw invalidFormBody("allowed_mentions.parse", "BASE_TYPE_CHOICES", `Value must be one of {'users', 'roles', 'everyone'}.`);
    }
  }
  if (parse.includes("users") && users.length > 0) {
    throw invalidFormBody("allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse:[\"users\"] and users: [ids...] are mutually exclusive.");
  }
  if (parse.includes("roles") && roles.length > 0) {
    throw invalidFormBody("allowed_mentions", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", "parse:[\"roles\"] and roles: [ids...] are mutually exclusive.");
  }
  return { parse, users, roles };
}

export function validateThreadName(name: unknown): string {
  if (typeof name !== "string" || name.trim().length === 0 || name.length > THREAD_NAME_LIMIT) {
    throw invalidFormBody("name", "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${THREAD_NAME_LIMIT} in length.`);
  }
  return name;
}

/** Webhook names (on creation) and usernames (on execution) follow the same rules. */
export function validateWebhookName(field: "name" | "username", name: unknown): string {
  if (typeof name !== "string" || name.trim().length === 0 || name.length > WEBHOOK_NAME_LIMIT) {
    throw invalidFormBody(field, "BASE_TYPE_BAD_LENGTH", `Must be between 1 and ${WEBHOOK_NAME_LIMIT} in length.`);
  }
  for (const word of ["discord", "clyde"]) {
    if (name.toLowerCase().includes(word)) {
      throw invalidFormBody(field, "USERNAME_INVALID_CONTAINS", `Username cannot contain "${word}"`);
    }
  }
  return name;
}

function objectField(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidFormBody(field, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
  }
  return value as Record<string, unknown>;
}

function stringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw invalidFormBody(field, "LIST_TYPE_CONVERT", "Must be a list of strings.");
  }
  return value as string[];
}
