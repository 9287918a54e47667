// Getting in and out: a signed link (/auth), the operator's form (/sign-in), /sign-out, and the time-zone picker.

import { createHash, randomBytes } from "node:crypto";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { frameOf, localPath, type ConsoleAppOptions, type ConsoleContext, type ConsoleEnv } from "../context.js";
import { ConsoleError } from "../errors.js";
import { describeScope, type ConsoleActor, type ConsoleScope } from "../scope.js";
import { csrfMatches, csrfRefusal } from "../http/csrf.js";
import { hashToken, newSessionToken, sessionCookieName, SESSION_LIFETIME_MS } from "../session.js";
import { mac, sameBytes, verifyLink } from "../signed-link.js";
import { TIME_ZONE_CHOSEN_COOKIE, TIME_ZONE_COOKIE, validTimeZone } from "../time-zone.js";
import { html } from "../views/html.js";
import { errorPage, layout } from "../views/layout.js";
import { continueBody, signInBody } from "../views/sign-in-page.js";

const SIGN_IN_COOKIE = "baton_sign_in";

/** Link-preview fetchers: they must not use up a single-use link before the moderator clicks it. */
const PREVIEW_AGENTS = /Discordbot|Slackbot|Slack-ImgProxy|facebookexternalhit|Twitterbot|TelegramBot|WhatsApp|LinkedInBot|Googlebot|bingbot/i;

const LINK_REFUSALS: Record<ConsoleError["code"], string> = {
  link_malformed: "This sign-in link is incomplete or was not made by Baton.",
  link_bad_signature: "This sign-in link's signature is wrong: it was altered, or made with another ADMIN_SECRET.",
  link_expired: "This sign-in link has expired: links last 15 minutes. Ask the bot for a new one.",
  link_reused: "This sign-in link was already used: each link works once. Ask the bot for a new one.",
};

export function accessRoutes(options: ConsoleAppOptions, secure: boolean): Hono<ConsoleEnv> {
  const now = options.now ?? Date.now;
  const routes = new Hono<ConsoleEnv>();
  const cookieName = sessionCookieName(secure);

  const startSession = async (c: ConsoleContext, scope: ConsoleScope, actor: ConsoleActor): Promise<void> => {
    const token = newSessionToken();
    const at = now();
    await options.store.createSession({ tokenHash: hashToken(token), scope, actor, createdAt: at, expiresAt: at + SESSION_LIFETIME_MS });
    await options.store.pruneExpired(at);
    await options.store.recordAccess({
      at,
      actor,
      scope: describeScope(scope),
      action: "sign-in",
      ...(scope.kind === "conversation" && { conversationId: scope.conversationId }),
    });
    setCookie(c, cookieName, token, {
      httpOnly: true,
      secure,
      sameSite: "Strict",
      path: "/",
      maxAge: SESSION_LIFETIME_MS / 1000,
    });
  };

  routes.get("/auth", async (c) => {
    const refuse = (code: ConsoleError["code"]) =>
      c.html(errorPage(frameOf(c, "Link refused"), "Link refused", LINK_REFUSALS[code]), 403);
    if (c.req.method === "HEAD" || PREVIEW_AGENTS.test(c.req.header("User-Agent") ?? "")) {
      return c.html(layout(frameOf(c, "Baton console"), html`<section class="card narrow"><h1>Baton moderator console</h1><p>Open this link in your browser.</p></section>`));
    }
    let claims;
    try {
      claims = verifyLink(options.secret, c.req.query("t") ?? "", now());
    } catch (error) {
      if (error instanceof ConsoleError) return refuse(error.code);
      throw error;
    }
    if (!(await options.store.useLink(claims.nonce, claims.expiresAt, now()))) return refuse("link_reused");
    await startSession(c, claims.scope, claims.actor);
    options.logger?.info({ actor: claims.actor.id, scope: describeScope(claims.scope) }, "console: signed in with a link");
    // A page, not a redirect: the browser follows the refresh as a same-site navigation, so the Strict cookie is sent.
    return c.html(layout({ ...frameOf(c, "Signed in"), refresh: claims.path }, continueBody(claims.path)));
  });

  const signInCsrf = (cookie: string): string => mac(options.secret, "sign-in", cookie).toString("base64url");

  routes.get("/sign-in", (c) => {
    const cookie = randomBytes(18).toString("base64url");
    setCookie(c, SIGN_IN_COOKIE, cookie, { httpOnly: true, secure, sameSite: "Strict", path: "/sign-in", maxAge: 3600 });
    const body = signInBody({ csrf: signInCsrf(cookie), enabled: options.operatorToken !== undefined, failed: c.req.query("failed") === "1" });
    return c.html(layout(frameOf(c, "Sign in"), body));
  });

  routes.post("/sign-in", async (c) => {
    const operatorToken = options.operatorToken;
    const form = await c.req.parseBody();
    const cookie = getCookie(c, SIGN_IN_COOKIE);
    const sent = typeof form.csrf === "string" ? form.csrf : "";
    if (operatorToken === undefined || cookie === undefined || !sameBytes(Buffer.from(sent, "base64url"), mac(options.secret, "sign-in", cookie))) {
      return c.html(errorPage(frameOf(c, "Refused"), "Refused", "The sign-in form expired or did not come from this console. Reload it and try again."), 403);
    }
    const given = typeof form.token === "string" ? form.token : "";
    // Compare digests: equal length whatever was typed, so the comparison leaks nothing through timing.
    const digest = (value: string): Buffer => createHash("sha256").update(value).digest();
    if (!sameBytes(digest(given), digest(operatorToken))) {
      options.logger?.warn("console: operator sign-in with a wrong token");
      return c.redirect("/sign-in?failed=1", 303);
    }
    await startSession(c, { kind: "all" }, { id: "operator", name: "Operator" });
    deleteCookie(c, SIGN_IN_COOKIE, { path: "/sign-in", secure });
    return c.redirect("/conversations", 303);
  });

  routes.get("/time-zone", (c) => {
    const zone = validTimeZone(c.req.query("tz"));
    const back = localPath(c.req.query("back"), "/conversations");
    if (zone !== undefined) {
      setCookie(c, TIME_ZONE_COOKIE, zone, { sameSite: "Strict", secure, path: "/", maxAge: 365 * 86_400 });
      setCookie(c, TIME_ZONE_CHOSEN_COOKIE, "1", { sameSite: "Strict", secure, path: "/", maxAge: 365 * 86_400 });
    }
    return c.redirect(back, 303);
  });

  return routes;
}

/** Sign-out needs the session (and its CSRF token), so it sits with the protected routes. */
export function signOutRoute(options: ConsoleAppOptions, secure: boolean): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  routes.post("/sign-out", async (c) => {
    const session = c.get("session");
    const form = await c.req.parseBody();
    if (!csrfMatches(options.secret, session.tokenHash, form.csrf)) return csrfRefusal(c);
    await options.store.deleteSession(session.tokenHash);
    deleteCookie(c, sessionCookieName(secure), { path: "/", secure });
    const { session: _signedOut, ...frame } = frameOf(c, "Signed out");
    return c.html(layout(frame, html`<section class="card narrow"><h1>Signed out</h1><p>Open a new link from the bot to come back.</p></section>`));
  });
  return routes;
}
