// The attachments table's row types: a file that belongs to a message, sent by a person or rendered by Baton.

import type { AttachmentInfo } from "../bot/transcript-records.js";

// The listing's record is the bot's (its store port reads it); re-exported for the store's classes.
export type { AttachmentInfo };

/** upload: a student's (or anyone's) file, downloaded at intake; rendered: an image Baton made, e.g. display math. */
export type AttachmentOrigin = "upload" | "rendered";
export type AttachmentKind = "image" | "pdf" | "text" | "file";

export interface NewAttachment {
  readonly messageId: number;
  readonly origin: AttachmentOrigin;
  readonly kind: AttachmentKind;
  /** e.g. "image/png"; stored lower-case, without parameters. */
  readonly mediaType: string;
  readonly fileName: string;
  readonly data: Uint8Array;
  readonly width?: number;
  readonly height?: number;
  /** An image's alt text, or a rendered formula's TeX source. */
  readonly altText?: string;
  /** The text read out of a PDF or a text file. */
  readonly extractedText?: string;
  /** The platform's id of the file (Discord attachment id, Slack file id). */
  readonly platformFileId?: string;
  readonly sourceUrl?: string;
}


export interface StoredAttachment extends AttachmentInfo {
  readonly data: Uint8Array;
}
