// Intake of a message's attachments: limits, then images normalised and documents read; what fails is named in a notice.

import { AttachmentError } from "./errors.js";
import { normaliseImage, sniffImageFormat } from "./normalise-image.js";
import { documentKind, readDocument } from "./read-document.js";
import type { AttachmentLimits, InboundAttachment, PreparedAttachment, RefusedAttachment } from "./types.js";

export interface PreparedAttachments {
  readonly accepted: readonly PreparedAttachment[];
  readonly refused: readonly RefusedAttachment[];
}

/** Prepares up to `maxPerMessage` attachments, one at a time (sharp already uses every core for one image). */
export async function prepareAttachments(attachments: readonly InboundAttachment[], limits: AttachmentLimits): Promise<PreparedAttachments> {
  const accepted: PreparedAttachment[] = [];
  const refused: RefusedAttachment[] = [];
  for (const [index, attachment] of attachments.entries()) {
    if (index >= limits.maxPerMessage) {
      refused.push({ name: attachment.name, code: "too_many" });
      continue;
    }
    try {
      accepted.push(await prepareOne(attachment, limits));
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      refused.push({ name: attachment.name, code: error.code, size: attachment.data?.length ?? attachment.size });
    }
  }
  return { accepted, refused };
}

async function prepareOne(attachment: InboundAttachment, limits: AttachmentLimits): Promise<PreparedAttachment> {
  if (attachment.problem !== undefined) throw new AttachmentError(attachment.problem, `${attachment.name}: ${attachment.problem}`);
  const data = attachment.data;
  if (data === undefined) throw new AttachmentError("download_failed", `${attachment.name} was not downloaded`);
  if (data.length > limits.maxBytes || attachment.size > limits.maxBytes) {
    throw new AttachmentError("too_large", `${attachment.name} is over the size limit`);
  }
  if ((await sniffImageFormat(data)) !== undefined) {
    if (!limits.vision) throw new AttachmentError("vision_off", "images are turned off");
    const image = await normaliseImage(data, { maxSide: limits.maxImageSide });
    return { kind: "image", name: attachment.name, originalSize: data.length, ...image };
  }
  const kind = documentKind(attachment.name, attachment.mediaType, data);
  if (kind === undefined) throw new AttachmentError("unsupported", `${attachment.name} is not a supported file`);
  const text = await readDocument(kind, data, { maxChars: limits.maxTextChars });
  const mediaType = kind === "pdf" ? "application/pdf" : (attachment.mediaType ?? "text/plain");
  return { kind: "text", name: attachment.name, mediaType, text, data, originalSize: data.length };
}

export const SUPPORTED_FILES = "images (PNG, JPEG, WebP, GIF), PDFs and text files (txt, md, csv, source code)";

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`;
}

/** The one notice a student gets for everything refused in a message, or undefined when nothing was. */
export function refusalNotice(refused: readonly RefusedAttachment[], limits: AttachmentLimits): string | undefined {
  if (refused.length === 0) return undefined;
  const lines = refused.map((item) => `• ${item.name}: ${reason(item, limits)}`);
  return `I couldn't use ${refused.length === 1 ? "one of your files" : `${refused.length} of your files`}:\n${lines.join("\n")}`;
}

function reason(item: RefusedAttachment, limits: AttachmentLimits): string {
  switch (item.code) {
    case "too_large":
      return `it is ${item.size === undefined ? "too large" : megabytes(item.size)}; the limit is ${megabytes(limits.maxBytes)} per file.`;
    case "too_many":
      return `I read at most ${limits.maxPerMessage} files per message.`;
    case "vision_off":
      return "I can't see images here; please type the question (text files and PDFs still work).";
    case "missing_scope":
      return "I'm not allowed to read files in this workspace yet (the app needs the files:read scope; ask an admin to reinstall it).";
    case "download_failed":
      return "I couldn't download it; please try sending it again.";
    case "empty":
      return "I found no text in it (a scanned PDF? send a photo of the page instead).";
    case "unreadable":
      return "I couldn't open it; it may be damaged.";
    default:
      return `that kind of file isn't supported. I can read ${SUPPORTED_FILES}.`;
  }
}
