// The one wording of a message's attachment in every transcript (/history, /homework-history, the CLI).

import type { TranscriptAttachment } from "./moderator-reads-port.js";

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`;
}

/** e.g. "📎 worksheet.png · image/png · 412 KB" (an image's stored, downscaled size). */
export function attachmentMark(attachment: TranscriptAttachment): string {
  const made = attachment.origin === "rendered" ? " · rendered by Baton" : "";
  return `📎 ${attachment.name} · ${attachment.mediaType} · ${size(attachment.byteSize)}${made}`;
}
