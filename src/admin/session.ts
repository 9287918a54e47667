// Console sessions: a random cookie token (stored hashed), 8 hours, with a CSRF token derived from it.

import { createHash, randomBytes } from "node:crypto";
import { mac, sameBytes } from "./signed-link.js";
import type { ConsoleActor, ConsoleScope } from "./scope.js";

export const SESSION_LIFETIME_MS = 8 * 3_600_000;

export interface ConsoleSession {
  readonly tokenHash: string;
  readonly scope: ConsoleScope;
  readonly actor: ConsoleActor;
  readonly expiresAt: number;
  /** Sent back with every state-changing form. */
  readonly csrf: string;
}

/** `__Host-` (Secure, Path=/, no Domain: no other host or path can set or shadow it) when the console is on https. */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-baton_session" : "baton_session";
}

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function csrfToken(secret: string, tokenHash: string): string {
  return mac(secret, "csrf", tokenHash).toString("base64url");
}

export function csrfTokenMatches(secret: string, tokenHash: string, sent: string | undefined): boolean {
  return sent !== undefined && sameBytes(Buffer.from(sent, "base64url"), mac(secret, "csrf", tokenHash));
}

export function toSession(secret: string, record: { tokenHash: string; scope: ConsoleScope; actor: ConsoleActor; expiresAt: number }): ConsoleSession {
  return { ...record, csrf: csrfToken(secret, record.tokenHash) };
}
