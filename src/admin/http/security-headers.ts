// Headers on every response: a strict CSP with a fresh nonce, no sniffing, no referrer, no framing, no caching.

import { randomBytes } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ConsoleEnv } from "../context.js";

/** `imageOrigins`: where agents' avatars may load from (their https origins from agents.yaml). */
export function securityHeaders(imageOrigins: readonly string[]): MiddlewareHandler<ConsoleEnv> {
  const images = ["'self'", ...imageOrigins].join(" ");
  return async (c, next) => {
    const nonce = randomBytes(16).toString("base64");
    c.set("nonce", nonce);
    await next();
    const headers = c.res.headers;
    if (!headers.has("Content-Security-Policy")) {
      headers.set(
        "Content-Security-Policy",
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; img-src ${images}; form-action 'self'; ` +
          "frame-ancestors 'none'; base-uri 'none'",
      );
    }
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  };
}

export function avatarOrigins(urls: ReadonlyArray<string | undefined>): string[] {
  const origins = new Set<string>();
  for (const url of urls) {
    if (url === undefined) continue;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "https:") origins.add(parsed.origin);
    } catch {
      // agents.yaml validated it; an unparsable one simply gets no exception in the policy.
    }
  }
  return [...origins];
}
