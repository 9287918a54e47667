// How the console serves a stored file: only safe raster images inline, everything else as a download.

/** Images a browser shows as pixels, with no script or markup in them (SVG is markup, so it is not here). */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** Downloaded with their own type; any other type (HTML, SVG, XML, scripts, unknown) goes out as bytes. */
const DOWNLOAD_TYPES: ReadonlySet<string> = new Set(["application/pdf", "text/plain", "text/csv", "text/markdown"]);

export interface AttachmentHeaders {
  readonly "Content-Type": string;
  readonly "Content-Disposition": string;
}

export function attachmentHeaders(file: { readonly name: string; readonly mediaType: string }): AttachmentHeaders {
  const inline = INLINE_IMAGE_TYPES.has(file.mediaType);
  const type = inline || DOWNLOAD_TYPES.has(file.mediaType) ? file.mediaType : "application/octet-stream";
  return { "Content-Type": type, "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", file.name) };
}

/**
 * RFC 6266: a quoted ASCII fallback (no quote, backslash or control character can end it early or split the header)
 * and the exact name as RFC 8187 UTF-8 percent-encoding.
 */
export function contentDisposition(disposition: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(name).replace(/['()*!]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
