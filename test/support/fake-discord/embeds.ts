// The fake Discord's embed checks, as the real API refuses them (Create Message, Execute/Edit Webhook Message): at most
// 10 embeds; title 256, description 4096, 25 fields (name 256, value 1024), footer 2048, author 256, 6000 in all.

import type { APIEmbed } from "discord.js";
import { DiscordApiFailure } from "./api-errors.js";

export const EMBED_LIMITS = {
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
} as const;

/** Discord's 50035 with the error nested at the embed's field path, e.g. embeds.0.description. */
function embedError(path: readonly (string | number)[], code: string, message: string): DiscordApiFailure {
  let errors: Record<string, unknown> = { _errors: [{ code, message }] };
  for (const key of [...path].reverse()) errors = { [String(key)]: errors };
  return new DiscordApiFailure(400, 50035, "Invalid Form Body", errors);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, path: readonly (string | number)[], limit: number, required: boolean): number {
  if (value === undefined || value === null) {
    if (required) throw embedError(path, "BASE_TYPE_REQUIRED", "This field is required");
    return 0;
  }
  if (typeof value !== "string") throw embedError(path, "BASE_TYPE_STRING", "Must be a string.");
  if (required && value.trim() === "") throw embedError(path, "BASE_TYPE_REQUIRED", "This field is required");
  if (value.length > limit) throw embedError(path, "BASE_TYPE_MAX_LENGTH", `Must be ${limit} or fewer in length.`);
  return value.length;
}

function url(value: unknown, path: readonly (string | number)[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string" || !/^(https?|attachment):\/\/\S+$/.test(value)) {
    throw embedError(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.");
  }
}

/** Validates `embeds` of a message body; returns them as stored (type "rich"), or [] when absent. */
export function validateEmbeds(value: unknown): APIEmbed[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw embedError(["embeds"], "LIST_TYPE_CONVERT", "Must be a list.");
  if (value.length > EMBED_LIMITS.embeds) throw embedError(["embeds"], "BASE_TYPE_MAX_LENGTH", `Must be ${EMBED_LIMITS.embeds} or fewer in length.`);
  let total = 0;
  const embeds = value.map((embed, i): APIEmbed => {
    const at = (...rest: (string | number)[]) => ["embeds", i, ...rest];
    if (!isRecord(embed)) throw embedError(at(), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    total += text(embed.title, at("title"), EMBED_LIMITS.title, false);
    total += text(embed.description, at("description"), EMBED_LIMITS.description, false);
    url(embed.url, at("url"));
    if (embed.color !== undefined && embed.color !== null) {
      if (typeof embed.color !== "number" || !Number.isInteger(embed.color) || embed.color < 0 || embed.color > 0xffffff) {
        throw embedError(at("color"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.");
      }
    }
    const fields = embed.fields ?? [];
    if (!Array.isArray(fields)) throw embedError(at("fields"), "LIST_TYPE_CONVERT", "Must be a list.");
    if (fields.length > EMBED_LIMITS.fields) throw embedError(at("fields"), "BASE_TYPE_MAX_LENGTH", `Must be ${EMBED_LIMITS.fields} or fewer in length.`);
    for (const [j, field] of fields.entries()) {
      if (!isRecord(field)) throw embedError(at("fields", j), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      total += text(field.name, at("fields", j, "name"), EMBED_LIMITS.fieldName, true);
      total += text(field.value, at("fields", j, "value"), EMBED_LIMITS.fieldValue, true);
    }
    if (embed.footer !== undefined) {
      if (!isRecord(embed.footer)) throw embedError(at("footer"), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      total += text(embed.footer.text, at("footer", "text"), EMBED_LIMITS.footer, true);
    }
    if (embed.author !== undefined) {
      if (!isRecord(embed.author)) throw embedError(at("author"), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
      total += text(embed.author.name, at("author", "name"), EMBED_LIMITS.author, true);
    }
    return { ...(embed as APIEmbed), type: "rich" as APIEmbed["type"] };
  });
  if (total > EMBED_LIMITS.total) throw embedError(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", `Embed size exceeds maximum size of ${EMBED_LIMITS.total}`);
  return embeds;
}
