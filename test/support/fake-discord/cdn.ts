// The fake's CDN: files members attach, served like cdn.discordapp.com (signed links that expire), on 127.0.0.1.

import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIAttachment } from "discord.js";

interface CdnFile {
  readonly data: Uint8Array;
  readonly contentType: string | undefined;
}

export interface AttachmentInput {
  readonly channelId: string;
  readonly filename: string;
  readonly data: Uint8Array;
  /** What Discord detected; absent for types it does not know. */
  readonly contentType?: string;
  readonly width?: number;
  readonly height?: number;
  /** How long the signed link lives. Discord's last about 24 hours. */
  readonly expiresInSeconds?: number;
}

/** cdn.discordapp.com/attachments/{channel}/{attachment}/{filename}?ex=&is=&hm= (ex, is: hex Unix seconds; hm: a MAC). */
export class FakeCdn {
  private readonly files = new Map<string, CdnFile>();
  private readonly key = `cdn-${Math.random()}`;
  /** Every download, in order: the path and whether it was served. */
  readonly downloads: Array<{ readonly path: string; readonly status: number }> = [];

  constructor(private readonly baseUrl: () => string, private readonly nextId: () => string) {}

  add(input: AttachmentInput): APIAttachment {
    const id = this.nextId();
    const name = encodeURIComponent(input.filename);
    const path = `/attachments/${input.channelId}/${id}/${name}`;
    this.files.set(path, { data: input.data, contentType: input.contentType });
    const issued = Math.floor(Date.now() / 1000);
    const expires = issued + (input.expiresInSeconds ?? 86_400);
    const query = `ex=${expires.toString(16)}&is=${issued.toString(16)}&hm=${this.mac(path, expires, issued)}&`;
    const url = `${this.baseUrl()}${path}?${query}`;
    return {
      id,
      filename: input.filename,
      size: input.data.byteLength,
      url,
      proxy_url: url.replace("/attachments/", "/media-proxy/attachments/"),
      ...(input.contentType === undefined ? {} : { content_type: input.contentType }),
      ...(input.width === undefined ? {} : { width: input.width, height: input.height ?? null }),
    };
  }

  /** True when the request was the CDN's (answered here); false for everything else. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (!url.pathname.startsWith("/attachments/")) return false;
    const answer = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}): true => {
      this.downloads.push({ path: url.pathname, status });
      response.writeHead(status, headers);
      response.end(body);
      return true;
    };
    if (request.method !== "GET") return answer(405, "Method Not Allowed");
    const file = this.files.get(url.pathname);
    const ex = Number.parseInt(url.searchParams.get("ex") ?? "", 16);
    const is = Number.parseInt(url.searchParams.get("is") ?? "", 16);
    const hm = url.searchParams.get("hm") ?? "";
    // The CDN answers an unsigned, tampered or expired link with 404 "This content is no longer available."
    const expected = Buffer.from(Number.isNaN(ex) || Number.isNaN(is) ? "" : this.mac(url.pathname, ex, is));
    const signed = expected.length > 0 && expected.length === hm.length && timingSafeEqual(expected, Buffer.from(hm));
    if (file === undefined || !signed || ex * 1000 < Date.now()) return answer(404, "This content is no longer available.", { "content-type": "text/plain" });
    return answer(200, file.data, {
      "content-type": file.contentType ?? "application/octet-stream",
      "content-length": String(file.data.byteLength),
    });
  }

  private mac(path: string, expires: number, issued: number): string {
    return createHmac("sha256", this.key).update(`${path}|${expires}|${issued}`).digest("hex");
  }
}
