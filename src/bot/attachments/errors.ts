// Why an attachment was not taken, with a stable code the notice and the tests go by.

export type AttachmentErrorCode = "too_large" | "too_many" | "unsupported" | "unreadable" | "empty" | "download_failed" | "missing_scope" | "vision_off";

export class AttachmentError extends Error {
  readonly code: AttachmentErrorCode;
  constructor(code: AttachmentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AttachmentError";
    this.code = code;
  }
}
