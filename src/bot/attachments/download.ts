// Downloads one attachment a student sent, never holding more than the size limit in memory.

import type { InboundAttachment } from "./types.js";

/** A file as the platform describes it, before its bytes are fetched. */
export interface AttachmentRef {
  readonly name: string;
  readonly url: string;
  /** The size the platform declared, in bytes. */
  readonly size: number;
  readonly mediaType?: string;
}

export interface DownloadOptions {
  readonly maxBytes: number;
  /** e.g. Slack's `Authorization: Bearer <bot token>`; never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A whole download's time limit. Default 30 s. */
  readonly timeoutMs?: number;
  /**
   * Slack answers a file URL the token may not read with its HTML sign-in page (status 200): an HTML answer to a file
   * request then means the scope is missing, not that the student sent a web page.
   */
  readonly htmlMeansMissingScope?: boolean;
}

/** The attachment with its bytes, or with the problem that kept them away; never throws for a failed download. */
export async function downloadAttachment(ref: AttachmentRef, options: DownloadOptions): Promise<InboundAttachment> {
  const base: InboundAttachment = { name: ref.name, size: ref.size, ...(ref.mediaType === undefined ? {} : { mediaType: ref.mediaType }) };
  // Checked before the download: a 30 MB photo is refused without fetching a byte of it.
  if (ref.size > options.maxBytes) return { ...base, problem: "too_large" };
  if (!/^https?:\/\//i.test(ref.url)) return { ...base, problem: "download_failed" };
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await fetch(ref.url, { headers: { ...options.headers }, redirect: "follow", signal });
  } catch {
    return { ...base, problem: "download_failed" };
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    return { ...base, problem: options.htmlMeansMissingScope === true ? "missing_scope" : "download_failed" };
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    return { ...base, problem: "download_failed" };
  }
  if (options.htmlMeansMissingScope === true && (response.headers.get("content-type") ?? "").toLowerCase().startsWith("text/html")) {
    await response.body.cancel();
    return { ...base, problem: "missing_scope" };
  }
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body.cancel();
    return { ...base, problem: "too_large" };
  }
  const data = await readAtMost(response.body, options.maxBytes);
  if (data === "too_large") return { ...base, problem: "too_large" };
  if (data === undefined) return { ...base, problem: "download_failed" };
  return { ...base, data };
}

/** The body's bytes, or "too_large" as soon as it passes `maxBytes` (the rest is not read), or undefined if it broke. */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | "too_large" | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        return "too_large";
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return data;
}

/** Downloads one after another: four photos at once would hold four limits of memory. */
export async function downloadAll(
  refs: readonly AttachmentRef[],
  options: DownloadOptions & { readonly maxCount: number; readonly vision: boolean },
): Promise<InboundAttachment[]> {
  const out: InboundAttachment[] = [];
  for (const [index, ref] of refs.entries()) {
    // Past the count limit nothing is fetched; intake names them in the notice.
    if (index >= options.maxCount) out.push({ name: ref.name, size: ref.size });
    // Vision off: what the platform calls an image is refused without fetching it (the bytes decide for the rest).
    else if (!options.vision && ref.mediaType?.startsWith("image/") === true) out.push({ name: ref.name, size: ref.size, problem: "vision_off" });
    else out.push(await downloadAttachment(ref, options));
  }
  return out;
}
