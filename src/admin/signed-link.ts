// Signed sign-in links: HMAC-SHA256 (ADMIN_SECRET) over a scope, the moderator, an expiry and a single-use nonce.

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ConsoleError } from "./errors.js";
import { ActorSchema, ScopeSchema, type ConsoleActor, type ConsoleScope } from "./scope.js";

export const LINK_LIFETIME_MS = 15 * 60_000;

export interface LinkClaims {
  readonly scope: ConsoleScope;
  readonly actor: ConsoleActor;
  /** Unix ms. */
  readonly expiresAt: number;
  /** Random; recorded at first use so the link cannot be used twice. */
  readonly nonce: string;
  /** The page it opens: "/conversations", "/conversations/42" or "/flags". */
  readonly path: string;
}

export const LINK_PATH = /^\/(?:conversations(?:\/[1-9][0-9]{0,15})?|flags)$/;

const ClaimsSchema = z.strictObject({
  v: z.literal(1),
  scope: ScopeSchema,
  actor: ActorSchema,
  exp: z.number().int(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  path: z.string().regex(LINK_PATH),
});

/** Domain separation: a MAC made for one purpose (a link) is never valid for another (a CSRF token). */
export function mac(secret: string, purpose: string, value: string): Buffer {
  return createHmac("sha256", secret).update(`baton-console/${purpose}\n${value}`).digest();
}

export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `payload.signature`, both base64url: safe in a query string without escaping. */
export function signLink(secret: string, claims: { scope: ConsoleScope; actor: ConsoleActor; path: string; now: number }): string {
  if (!LINK_PATH.test(claims.path)) throw new RangeError(`A sign-in link cannot open ${claims.path}.`);
  const body = {
    v: 1,
    scope: claims.scope,
    actor: claims.actor,
    exp: claims.now + LINK_LIFETIME_MS,
    nonce: randomBytes(18).toString("base64url"),
    path: claims.path,
  };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `${payload}.${mac(secret, "link", payload).toString("base64url")}`;
}

/** Checks the signature first (nothing unsigned is parsed further), then the expiry. Reuse is the caller's check. */
export function verifyLink(secret: string, token: string, now: number): LinkClaims {
  const [payload, signature, ...rest] = token.split(".");
  if (payload === undefined || signature === undefined || rest.length > 0 || payload === "" || signature === "") {
    throw new ConsoleError("link_malformed", "The sign-in link is incomplete.");
  }
  if (!sameBytes(Buffer.from(signature, "base64url"), mac(secret, "link", payload))) {
    throw new ConsoleError("link_bad_signature", "The sign-in link's signature is wrong.");
  }
  let parsed: z.infer<typeof ClaimsSchema>;
  try {
    parsed = ClaimsSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
  } catch {
    throw new ConsoleError("link_malformed", "The sign-in link is not one Baton made.");
  }
  if (parsed.exp <= now) throw new ConsoleError("link_expired", "The sign-in link has expired (links last 15 minutes).");
  return { scope: parsed.scope, actor: parsed.actor, expiresAt: parsed.exp, nonce: parsed.nonce, path: parsed.path };
}
