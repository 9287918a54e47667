// Attachments as adapters hand them in (downloaded bytes) and as intake prepares them for storage and the model.

/** One file a student attached, as the adapter found it on the platform. */
export interface InboundAttachment {
  readonly name: string;
  /** What the platform says the file is; the bytes decide, this only helps name a text file. */
  readonly mediaType?: string;
  /** The size the platform declared, in bytes. */
  readonly size: number;
  /** The downloaded bytes; absent when the adapter did not download it (see `problem`). */
  readonly data?: Uint8Array;
  /** Why there are no bytes: over the size limit before download, the download failed, or a scope is missing. */
  readonly problem?: "too_large" | "download_failed" | "missing_scope" | "vision_off";
}

/** An attachment ready to store: a normalised image, or the text read from a document. */
export type PreparedAttachment =
  | {
      readonly kind: "image";
      readonly name: string;
      /** The stored (re-encoded) image's type: image/png, image/jpeg or image/webp. */
      readonly mediaType: string;
      readonly data: Uint8Array;
      /** The size the student sent, in bytes (before downscaling). */
      readonly originalSize: number;
      readonly width: number;
      readonly height: number;
    }
  | {
      readonly kind: "text";
      readonly name: string;
      /** The file's own type: application/pdf, text/markdown… */
      readonly mediaType: string;
      readonly text: string;
      /** The file as sent (kept so moderators can open the original). */
      readonly data: Uint8Array;
      readonly originalSize: number;
    };

/** One refused attachment, for the notice that names it. */
export interface RefusedAttachment {
  readonly name: string;
  readonly code: string;
  readonly size?: number;
}

export interface AttachmentLimits {
  /** Attachments read per message. Default 4. */
  readonly maxPerMessage: number;
  /** Bytes per attachment, checked before download and after. Default 10 MB. */
  readonly maxBytes: number;
  /** Longest side of a stored image, in pixels. Default 2,048. */
  readonly maxImageSide: number;
  /** Characters of a text file or PDF read. Default 20,000. */
  readonly maxTextChars: number;
  /** false: images are refused up front (the model cannot see them); documents are still read as text. */
  readonly vision: boolean;
  /** Images that stay image parts in the window (the newest); older ones become "[image: name]". Default 4. */
  readonly historyImages: number;
  /** How closely the model looks (OpenAI's `detail`): what an image costs in the window's token budget. */
  readonly imageDetail: "auto" | "low" | "high";
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = {
  maxPerMessage: 4,
  maxBytes: 10 * 1024 * 1024,
  maxImageSide: 2048,
  maxTextChars: 20_000,
  vision: true,
  historyImages: 4,
  imageDetail: "auto",
};
