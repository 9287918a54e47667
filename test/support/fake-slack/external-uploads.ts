// Slack's external file upload, as documented: files.getUploadURLExternal (filename, length) hands out an upload URL
// and a file id; the bytes are POSTed there (raw or multipart); files.completeUploadExternal (files: [{ id, title }])
// finishes it — without a channel the file stays private, usable in an image block's slack_file.

import type { MethodHandler, Params, SlackAnswer } from "./methods.js";

export const FILES_WRITE = "files:write";
/** getUploadURLExternal's alt_txt limit. */
export const MAX_ALT_TXT = 1000;
/** The workspace's default upload limit (1 GB); a fake of a restricted team can lower it. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export interface FakeUploadedFile {
  readonly id: string;
  readonly filename: string;
  /** The length announced to getUploadURLExternal; the upload must match it. */
  readonly length: number;
  readonly altTxt?: string;
  data?: Uint8Array;
  title?: string;
  completed: boolean;
  /** Channels it was shared to by completeUploadExternal (empty: private, as Baton uploads them). */
  sharedTo: string[];
  /** Block uses still refused as invalid_blocks (Slack may need a moment before a completed file is usable). */
  settling: number;
}

/** The files the app uploaded to one fake workspace, by id. */
export class FakeSlackUploads {
  readonly byId = new Map<string, FakeUploadedFile>();
  /** How many chat.postMessage/update calls refuse a just-completed file in a block before it is usable. Default 0. */
  settlingUses = 0;
  #next = 0;

  create(filename: string, length: number, altTxt: string | undefined): FakeUploadedFile {
    this.#next += 1;
    const file: FakeUploadedFile = { id: `F0FORMULA${String(this.#next).padStart(4, "0")}`, filename, length, ...(altTxt === undefined ? {} : { altTxt }), completed: false, sharedTo: [], settling: 0 };
    this.byId.set(file.id, file);
    return file;
  }

  /** The POST to an upload URL: 200 "OK - <length>" as Slack answers, 404 for an unknown URL, 400 for a wrong size. */
  upload(id: string, bytes: Uint8Array): { status: number; body: string } {
    const file = this.byId.get(id);
    if (file === undefined || file.completed) return { status: 404, body: "not found" };
    if (bytes.byteLength !== file.length) return { status: 400, body: `length mismatch: announced ${file.length}, got ${bytes.byteLength}` };
    file.data = bytes;
    return { status: 200, body: `OK - ${bytes.byteLength}` };
  }

  /** Why an image block's slack_file cannot be used (yet), or undefined when it can; counts a settling use. */
  blockProblem(id: string): string | undefined {
    const file = this.byId.get(id);
    if (file === undefined || !file.completed) return "invalid slack file";
    if (file.settling > 0) {
      file.settling -= 1;
      return "invalid slack file";
    }
    return undefined;
  }
}

const fail = (error: string, extra: Record<string, unknown> = {}): SlackAnswer => ({ ok: false, error, ...extra });

function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

export const getUploadURLExternal: MethodHandler = (params, world, options) => {
  if (!world.scopes.includes(FILES_WRITE)) return fail("missing_scope", { needed: FILES_WRITE, provided: world.scopes.join(",") });
  const filename = text(params, "filename");
  const lengthText = text(params, "length");
  if (filename === undefined || filename === "" || lengthText === undefined) return fail("invalid_arguments");
  const length = Number(lengthText);
  if (!Number.isInteger(length) || length < 0) return fail("invalid_arguments");
  if (length === 0) return fail("missing_argument");
  if (length > MAX_UPLOAD_BYTES) return fail("file_upload_size_restricted");
  const altTxt = text(params, "alt_txt") ?? text(params, "alt_text");
  if (altTxt !== undefined && altTxt.length > MAX_ALT_TXT) return fail("alt_txt_too_large");
  const file = world.uploads.create(filename, length, altTxt);
  return { ok: true, upload_url: `${options.uploadBaseUrl}${file.id}`, file_id: file.id };
};

export const completeUploadExternal: MethodHandler = (params, world) => {
  if (!world.scopes.includes(FILES_WRITE)) return fail("missing_scope", { needed: FILES_WRITE, provided: world.scopes.join(",") });
  let entries: unknown = params.files;
  if (typeof entries === "string") {
    try {
      entries = JSON.parse(entries) as unknown;
    } catch {
      return fail("invalid_arguments");
    }
  }
  if (!Array.isArray(entries) || entries.length === 0) return fail("invalid_arguments");
  const files: FakeUploadedFile[] = [];
  for (const entry of entries as unknown[]) {
    if (typeof entry !== "object" || entry === null || typeof (entry as { id?: unknown }).id !== "string") return fail("invalid_arguments");
    const { id, title } = entry as { id: string; title?: unknown };
    const file = world.uploads.byId.get(id);
    // An id never handed out, one already completed, or one whose bytes never arrived.
    if (file === undefined || file.completed || file.data === undefined) return fail("file_not_found");
    if (title !== undefined && typeof title !== "string") return fail("invalid_arguments");
    files.push(file);
  }
  const channel = text(params, "channel_id") ?? text(params, "channels");
  for (const [index, file] of files.entries()) {
    const title = (entries as Array<{ title?: string }>)[index]?.title;
    file.completed = true;
    file.title = title ?? file.filename;
    file.settling = world.uploads.settlingUses;
    if (channel !== undefined && channel !== "") file.sharedTo.push(...channel.split(","));
  }
  return { ok: true, files: files.map((file) => ({ id: file.id, name: file.filename, title: file.title, size: file.length, mimetype: "image/png", is_public: false, shares: {} })) };
};
