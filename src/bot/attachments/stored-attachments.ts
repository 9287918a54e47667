// Prepared attachments between intake and the store: what they cost in tokens, their rows, and their JSON in the inbox.

import type { AttachmentRepository } from "../store-port.js";
import type { AttachmentDraft } from "../store-records.js";
import { imageTokens, type ImageDetailSetting } from "./image-tokens.js";
import type { PreparedAttachment } from "./types.js";

/** What a message's attachments add to its token estimate: images by the tile formula, documents' text at ~4 chars. */
export function attachmentTokens(attachments: readonly PreparedAttachment[], detail: ImageDetailSetting): number {
  let tokens = 0;
  for (const item of attachments) {
    tokens += item.kind === "image" ? imageTokens(item.width, item.height, detail) : Math.ceil((item.text.length + item.name.length + 16) / 4);
  }
  return tokens;
}

/** The files a message keeps (stored in the transaction that stores the message, which gives their message id). */
export function fileDrafts(attachments: readonly PreparedAttachment[]): Array<Omit<AttachmentDraft, "messageId">> {
  return attachments.map(toDraft);
}

function toDraft(item: PreparedAttachment): Omit<AttachmentDraft, "messageId"> {
  if (item.kind === "image") {
    return { origin: "upload", kind: "image", mediaType: item.mediaType, fileName: item.name, data: item.data, width: item.width, height: item.height };
  }
  // The text read is what later turns give the model (the file is not parsed again); the file stays for moderators.
  const kind = item.mediaType === "application/pdf" ? "pdf" : "text";
  return { origin: "upload", kind, mediaType: item.mediaType, fileName: item.name, data: item.data, extractedText: item.text };
}

/** A prepared attachment as JSON (bytes in base64), for a message that waits in the inbox. */
export type QueuedAttachment =
  | { readonly kind: "image"; readonly name: string; readonly mediaType: string; readonly data: string; readonly originalSize: number; readonly width: number; readonly height: number }
  | { readonly kind: "text"; readonly name: string; readonly mediaType: string; readonly text: string; readonly data: string; readonly originalSize: number };

export function toQueued(item: PreparedAttachment): QueuedAttachment {
  return { ...item, data: Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength).toString("base64") };
}

export function fromQueued(item: QueuedAttachment): PreparedAttachment {
  return { ...item, data: new Uint8Array(Buffer.from(item.data, "base64")) };
}

/** A stored message's uploaded images as data URLs, for the moderation of what the student sent. */
export function imagesOfMessage(attachments: AttachmentRepository): (messageId: number) => Promise<string[]> {
  return async (messageId) =>
    (await attachments.withData([messageId]))
      .filter((item) => item.kind === "image" && item.origin === "upload")
      .map((item) => `data:${item.mediaType};base64,${Buffer.from(item.data.buffer, item.data.byteOffset, item.data.byteLength).toString("base64")}`);
}
