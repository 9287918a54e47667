// Every page but sign-in needs a live session: the cookie's token, hashed, must name an unexpired session row.

import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { frameOf, type ConsoleAppOptions, type ConsoleEnv } from "../context.js";
import { ScopeSchema } from "../scope.js";
import { hashToken, sessionCookieName, toSession } from "../session.js";
import { html } from "../views/html.js";
import { errorPage } from "../views/layout.js";

export function requireSession(options: ConsoleAppOptions, secure: boolean): MiddlewareHandler<ConsoleEnv> {
  const now = options.now ?? Date.now;
  const cookie = sessionCookieName(secure);
  return async (c, next) => {
    const token = getCookie(c, cookie);
    const record = token === undefined ? undefined : await options.store.findSession(hashToken(token), now());
    const scope = record === undefined ? undefined : ScopeSchema.safeParse(record.scope);
    if (record === undefined || scope === undefined || !scope.success) {
      const hint = options.operatorToken === undefined ? "" : html`<p><a href="/sign-in">Operator sign-in</a></p>`;
      return c.html(
        errorPage(
          frameOf(c, "Sign-in needed"),
          "Sign-in needed",
          "Open the console with a fresh link from /history or /flags (Discord) or /homework-history or /homework-flags (Slack). Sessions last 8 hours.",
          hint,
        ),
        403,
      );
    }
    c.set("session", toSession(options.secret, { ...record, scope: scope.data }));
    await next();
  };
}
