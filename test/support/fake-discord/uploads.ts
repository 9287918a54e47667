// Uploading Files as Discord takes them: multipart/form-data with `payload_json` and `files[n]`, each named by its
// `attachments[].id` in the JSON; at most 10 files of at most 10 MiB each. The bytes are kept so tests can read them.

import type { APIAttachment } from "discord.js";
import { DiscordApiFailure, invalidFormBody } from "./api-errors.js";

export const MAX_FILES_PER_MESSAGE = 10;
/** Discord's default upload limit per file (servers without boosts). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_DESCRIPTION = 1024;

/** One `files[n]` part of a request. */
export interface UploadedFile {
  /** The n of `files[n]`. */
  readonly index: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

export interface ParsedBody {
  readonly body: unknown;
  readonly files: readonly UploadedFile[];
}

const FILE_FIELD = /^files\[(\d+)\]$/;

/** A multipart body's payload_json and files; 50035 for anything Discord would refuse in the form itself. */
export async function parseMultipart(bytes: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new DiscordApiFailure(400, 50035, "Invalid Form Body", { _root: "the multipart body could not be read" });
  }
  let body: unknown;
  const files: UploadedFile[] = [];
  for (const [name, value] of form.entries()) {
    if (name === "payload_json") {
      if (typeof value !== "string") throw invalidFormBody("payload_json", "BASE_TYPE_STRING", "Must be a string.");
      try {
        body = JSON.parse(value) as unknown;
      } catch {
        throw new DiscordApiFailure(400, 50109, "The request body contains invalid JSON.");
      }
      continue;
    }
    const match = FILE_FIELD.exec(name);
    // Discord reads only payload_json and files[n] from a message's form; every file part needs a filename.
    if (match === null || typeof value === "string") throw invalidFormBody(name, "UNKNOWN_FIELD", "Unknown form field.");
    if (value.name === "") throw invalidFormBody(name, "FILE_NAME_MISSING", "A file needs a filename.");
    if (files.some((file) => file.index === match[1])) throw invalidFormBody(name, "DUPLICATE_FIELD", "Each files[n] must be unique.");
    files.push({ index: match[1]!, fileName: value.name, contentType: value.type, data: new Uint8Array(await value.arrayBuffer()) });
  }
  return { body, files };
}

export interface AttachmentRecord extends APIAttachment {
  readonly data: Uint8Array;
}

/**
 * The message's attachments from a body's `attachments` and the request's files: an entry with a new file names it by
 * the n of files[n]; one with an existing attachment's id (on an edit) keeps that attachment. Files no entry names are
 * attached too, as Discord does.
 */
export function messageAttachments(input: {
  readonly attachments: unknown;
  readonly files: readonly UploadedFile[];
  readonly existing: readonly APIAttachment[];
  readonly nextId: () => string;
  readonly store: Map<string, Uint8Array>;
}): APIAttachment[] | undefined {
  const { files, existing } = input;
  if (files.length > MAX_FILES_PER_MESSAGE) {
    throw invalidFormBody("files", "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_FILES_PER_MESSAGE} or fewer in length.`);
  }
  for (const file of files) {
    if (file.data.byteLength > MAX_FILE_BYTES) throw new DiscordApiFailure(413, 40005, "Request entity too large");
  }
  if (input.attachments === undefined && files.length === 0) return undefined;
  const entries = input.attachments === undefined ? [] : attachmentEntries(input.attachments);
  const result: APIAttachment[] = [];
  const used = new Set<string>();
  for (const [position, entry] of entries.entries()) {
    const file = files.find((candidate) => candidate.index === entry.id);
    if (file !== undefined) {
      used.add(file.index);
      result.push(stored(input, file, entry.filename ?? file.fileName, entry.description));
      continue;
    }
    const kept = existing.find((attachment) => attachment.id === entry.id);
    if (kept === undefined) throw invalidFormBody(`attachments.${position}.id`, "ATTACHMENT_NOT_FOUND", "Unknown attachment: no files[n] and no attachment of this message has this id.");
    result.push(kept);
  }
  for (const file of files) if (!used.has(file.index)) result.push(stored(input, file, file.fileName, undefined));
  if (result.length > MAX_FILES_PER_MESSAGE) {
    throw invalidFormBody("attachments", "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_FILES_PER_MESSAGE} or fewer in length.`);
  }
  return result;
}

interface AttachmentEntry {
  readonly id: string;
  readonly filename?: string;
  readonly description?: string;
}

function attachmentEntries(value: unknown): AttachmentEntry[] {
  if (!Array.isArray(value)) throw invalidFormBody("attachments", "BASE_TYPE_LIST", "Must be an array.");
  return value.map((raw: unknown, position) => {
    if (typeof raw !== "object" || raw === null) throw invalidFormBody(`attachments.${position}`, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    const entry = raw as Record<string, unknown>;
    const id = typeof entry.id === "number" ? String(entry.id) : entry.id;
    if (typeof id !== "string" || !/^\d+$/.test(id)) throw invalidFormBody(`attachments.${position}.id`, "NUMBER_TYPE_COERCE", "Value is not snowflake.");
    if (entry.filename !== undefined && (typeof entry.filename !== "string" || entry.filename === "")) {
      throw invalidFormBody(`attachments.${position}.filename`, "BASE_TYPE_STRING", "Must be a non-empty string.");
    }
    if (entry.description !== undefined && entry.description !== null) {
      if (typeof entry.description !== "string") throw invalidFormBody(`attachments.${position}.description`, "BASE_TYPE_STRING", "Must be a string.");
      if (entry.description.length > MAX_DESCRIPTION) {
        throw invalidFormBody(`attachments.${position}.description`, "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_DESCRIPTION} or fewer in length.`);
      }
    }
    return {
      id,
      ...(typeof entry.filename === "string" ? { filename: entry.filename } : {}),
      ...(typeof entry.description === "string" ? { description: entry.description } : {}),
    };
  });
}

function stored(
  input: { readonly nextId: () => string; readonly store: Map<string, Uint8Array> },
  file: UploadedFile,
  filename: string,
  description: string | undefined,
): APIAttachment {
  const id = input.nextId();
  input.store.set(id, file.data);
  const url = `https://cdn.discordapp.com/attachments/fake/${id}/${encodeURIComponent(filename)}`;
  return {
    id,
    filename,
    size: file.data.byteLength,
    url,
    proxy_url: url.replace("cdn.discordapp.com", "media.discordapp.net"),
    ...(file.contentType === "" ? {} : { content_type: file.contentType.split(";")[0]! }),
    ...(description === undefined ? {} : { description }),
  };
}
