// The attachments table's row types: a file that belongs to a message, sent by a person or rendered by Baton.

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

/** What a listing shows: everything but the bytes. */
export interface AttachmentInfo {
  readonly id: number;
  readonly conversationId: number;
  readonly messageId: number;
  readonly origin: AttachmentOrigin;
  readonly kind: AttachmentKind;
  readonly mediaType: string;
  readonly fileName: string;
  readonly byteSize: number;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** Hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly altText: string | undefined;
  readonly extractedText: string | undefined;
  readonly platformFileId: string | undefined;
  readonly sourceUrl: string | undefined;
  readonly createdAt: number;
}

export interface StoredAttachment extends AttachmentInfo {
  readonly data: Uint8Array;
}
