// The attachments table's row types: a file that belongs to a message, sent by a person or rendered by Baton.

import type { AttachmentDraft } from "../bot/store-records.js";
import type { AttachmentInfo } from "../bot/transcript-records.js";

// A new file and the listing's record are the bot's (its store port writes and reads them); re-exported for the store.
export type { AttachmentDraft as NewAttachment } from "../bot/store-records.js";
export type { AttachmentInfo };

/** upload: a student's (or anyone's) file, downloaded at intake; rendered: an image Baton made, e.g. display math. */
export type AttachmentOrigin = AttachmentDraft["origin"];
export type AttachmentKind = AttachmentDraft["kind"];

/** A kept file with its bytes, as the store reads it (the bot's KeptAttachment is what its port returns). */
export interface StoredAttachment extends AttachmentInfo {
  readonly data: Uint8Array;
}
