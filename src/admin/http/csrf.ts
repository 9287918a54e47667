// CSRF: every state-changing form carries a token derived from the session (HMAC), checked before anything changes.

import { csrfTokenMatches as tokenMatches } from "../session.js";
import { frameOf, type ConsoleContext } from "../context.js";
import { errorPage } from "../views/layout.js";

/** `sent` is the form's csrf field as parseBody gives it (a string, a file, an array, or nothing). */
export function csrfMatches(secret: string, tokenHash: string, sent: unknown): boolean {
  return typeof sent === "string" && tokenMatches(secret, tokenHash, sent);
}

export function csrfRefusal(c: ConsoleContext): Response | Promise<Response> {
  return c.html(errorPage(frameOf(c, "Refused"), "Refused", "That form did not come from this console (its CSRF token is missing or wrong). Reload the page and try again."), 403);
}
