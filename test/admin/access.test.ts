// Who gets in: signed links (signature, expiry, single use, scope), the operator form, sessions, CSRF, headers.

import { describe, expect, it } from "vitest";
import { LINK_LIFETIME_MS, signLink } from "../../src/admin/signed-link.js";
import { SESSION_LIFETIME_MS } from "../../src/admin/session.js";
import { consoleBed, csrfOf, guild1, MODERATOR, OPERATOR_TOKEN, sessionCookie } from "./console-harness.js";

const PROTECTED = ["/", "/conversations", "/conversations/1", "/conversations/1/export.md", "/conversations/1/export.json", "/flags", "/usage", "/attachments/1"];

describe("signed links", () => {
  it("a valid link opens a session of its scope, recorded in the access log, and a page that continues to its path", async () => {
    const bed = await consoleBed();
    const response = await bed.get(bed.link(guild1, `/conversations/${bed.seeded.math}`));
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`<meta http-equiv="refresh" content="0;url=/conversations/${bed.seeded.math}">`);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("baton_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(new RegExp(`Max-Age=${SESSION_LIFETIME_MS / 1000}`));
    expect(cookie).not.toMatch(/Secure/);
    const view = await bed.get(`/conversations/${bed.seeded.math}`, sessionCookie(response));
    expect(view.status).toBe(200);
    const html = await view.text();
    expect(html).toContain("Ms Rivera");
    expect(html).toMatch(/<ul class="access"><li>.*Ms Rivera.* · view /);
  });

  it("over https the cookie is Secure with the __Host- prefix", async () => {
    const bed = await consoleBed({ publicUrl: "https://console.school.example" });
    const response = await bed.get(bed.link(guild1));
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-baton_session="))!;
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
    expect((await bed.get("/conversations", sessionCookie(response))).status).toBe(200);
  });

  it("refuses a reused link", async () => {
    const bed = await consoleBed();
    const link = bed.link(guild1);
    expect((await bed.get(link)).status).toBe(200);
    const again = await bed.get(link);
    expect(again.status).toBe(403);
    expect(await again.text()).toContain("already used");
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it("refuses an expired link (15 minutes)", async () => {
    const bed = await consoleBed();
    const link = bed.link(guild1);
    bed.clock.now += LINK_LIFETIME_MS;
    const response = await bed.get(link);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("expired");
  });

  it("refuses a link with a wrong signature, another secret, a changed scope, or garbage", async () => {
    const bed = await consoleBed();
    const token = bed.link(guild1).slice("/auth?t=".length);
    const [payload, signature] = token.split(".") as [string, string];
    const widened = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), scope: { kind: "all" } }),
    ).toString("base64url");
    const foreign = signLink("another-secret-0123456789abcdef0123456789", { scope: guild1, actor: MODERATOR, path: "/conversations", now: bed.clock.now });
    for (const bad of [`${payload}.${signature.slice(0, -2)}AA`, `${widened}.${signature}`, foreign, "", "abc", `${payload}.`]) {
      const response = await bed.get(`/auth?t=${bad}`);
      expect(response.status, bad).toBe(403);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it("a link preview fetcher (Discordbot, Slackbot) or a HEAD does not use up the link", async () => {
    const bed = await consoleBed();
    const link = bed.link(guild1);
    const preview = await bed.get(link, undefined, { "User-Agent": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)" });
    expect(preview.status).toBe(200);
    expect(preview.headers.getSetCookie()).toEqual([]);
    expect((await bed.app.request(link, { method: "HEAD" })).headers.getSetCookie()).toEqual([]);
    expect((await bed.get(link)).headers.getSetCookie()).toHaveLength(1);
  });
});

describe("sessions", () => {
  it("nothing is readable without a session: every page and export is a 403 page", async () => {
    const bed = await consoleBed();
    for (const path of PROTECTED) {
      const response = await bed.get(path);
      expect(response.status, path).toBe(403);
      const body = await response.text();
      expect(body).toContain("Sign-in needed");
      expect(body).not.toContain("quadratic");
    }
    for (const path of PROTECTED) expect((await bed.get(path, "baton_session=forged")).status, path).toBe(403);
  });

  it("a session expires after 8 hours", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    bed.clock.now += SESSION_LIFETIME_MS - 1;
    expect((await bed.get("/conversations", cookie)).status).toBe(200);
    bed.clock.now += 1;
    expect((await bed.get("/conversations", cookie)).status).toBe(403);
  });

  it("sign-out needs the CSRF token, then ends the session", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    const csrf = csrfOf(await (await bed.get("/conversations", cookie)).text());
    expect((await bed.post("/sign-out", cookie, {})).status).toBe(403);
    // One character changed, always (a fixed "x" would leave a token that starts with x unchanged: 1 run in 64).
    const altered = (csrf[0] === "x" ? "y" : "x") + csrf.slice(1);
    expect((await bed.post("/sign-out", cookie, { csrf: altered })).status).toBe(403);
    expect((await bed.get("/conversations", cookie)).status).toBe(200);
    expect((await bed.post("/sign-out", cookie, { csrf })).status).toBe(200);
    expect((await bed.get("/conversations", cookie)).status).toBe(403);
  });

  it("another session's CSRF token is refused", async () => {
    const bed = await consoleBed();
    const mine = await bed.signIn(guild1);
    const theirs = await bed.signIn(guild1);
    const theirCsrf = csrfOf(await (await bed.get("/conversations", theirs)).text());
    expect((await bed.post("/sign-out", mine, { csrf: theirCsrf })).status).toBe(403);
  });
});

describe("scope", () => {
  it("a Discord server's session lists and opens that server's conversations only", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    const list = await (await bed.get("/conversations", cookie)).text();
    expect(list).toContain(`href="/conversations/${bed.seeded.math}"`);
    expect(list).toContain(`href="/conversations/${bed.seeded.failed}"`);
    expect(list).not.toContain(`href="/conversations/${bed.seeded.otherGuild}"`);
    expect(list).not.toContain(`href="/conversations/${bed.seeded.slack}"`);
    for (const id of [bed.seeded.otherGuild, bed.seeded.slack]) {
      expect((await bed.get(`/conversations/${id}`, cookie)).status).toBe(404);
      expect((await bed.get(`/conversations/${id}/export.json`, cookie)).status).toBe(404);
      expect((await bed.get(`/conversations/${id}/export.md`, cookie)).status).toBe(404);
    }
    const searched = await (await bed.get("/conversations?q=quadratic", cookie)).text();
    expect(searched).not.toContain(`/conversations/${bed.seeded.otherGuild}"`);
    // A filter cannot widen the scope.
    const widened = await (await bed.get("/conversations?platform=slack&workspace=T1", cookie)).text();
    expect(widened).not.toContain(`/conversations/${bed.seeded.slack}"`);
  });

  it("a conversation's session opens that conversation only", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn({ kind: "conversation", conversationId: bed.seeded.math, platform: "discord", workspace: "guild-1" });
    expect((await bed.get(`/conversations/${bed.seeded.math}`, cookie)).status).toBe(200);
    expect((await bed.get(`/conversations/${bed.seeded.failed}`, cookie)).status).toBe(404);
    const list = await (await bed.get("/conversations", cookie)).text();
    expect(list).toContain(`/conversations/${bed.seeded.math}"`);
    expect(list).not.toContain(`/conversations/${bed.seeded.failed}"`);
  });

  it("the operator signs in with ADMIN_TOKEN (form with CSRF) and sees every scope", async () => {
    const bed = await consoleBed();
    const form = await bed.get("/sign-in");
    const signInCookie = form.headers.getSetCookie()[0]!.split(";")[0]!;
    const csrf = csrfOf(await form.text());
    expect((await bed.post("/sign-in", signInCookie, { token: OPERATOR_TOKEN })).status).toBe(403);
    expect((await bed.post("/sign-in", undefined, { csrf, token: OPERATOR_TOKEN })).status).toBe(403);
    const wrong = await bed.post("/sign-in", signInCookie, { csrf, token: "not-the-token" });
    expect(wrong.status).toBe(303);
    expect(wrong.headers.get("Location")).toBe("/sign-in?failed=1");
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith("baton_session="))).toBe(false);
    const right = await bed.post("/sign-in", signInCookie, { csrf, token: OPERATOR_TOKEN });
    expect(right.status).toBe(303);
    const cookie = sessionCookie(right);
    const list = await (await bed.get("/conversations", cookie)).text();
    for (const id of Object.values(bed.seeded)) expect(list).toContain(`href="/conversations/${id}"`);
    expect(list).toContain("every conversation");
  });
});

describe("response headers", () => {
  it("every response has a strict CSP whose nonce is the page script's, nosniff and no referrer", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    for (const [path, auth] of [["/conversations", cookie], ["/sign-in", undefined], ["/nowhere", cookie], ["/conversations", undefined]] as const) {
      const response = await bed.get(path, auth);
      const csp = response.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
      const body = await response.text();
      const scripts = [...body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attributes of scripts) expect(attributes).toBe(` nonce="${nonce}"`);
    }
    // The script goes in as written (escaped, its quotes would be a syntax error and it would never run).
    const page = await (await bed.get("/conversations", cookie)).text();
    expect(page).toContain('h.dataset.tzChosen==="1"');
    expect(page).not.toContain("&quot;1&quot;");
    // A sign-in link's page navigates on at once: no script there, whose reload would use the link a second time.
    const landing = await (await bed.get(bed.link(guild1))).text();
    expect(landing).toContain('<meta http-equiv="refresh"');
    expect(landing).not.toContain("<script");
    const again = /nonce-([^']+)/.exec((await bed.get("/conversations", cookie)).headers.get("Content-Security-Policy")!)?.[1];
    const other = /nonce-([^']+)/.exec((await bed.get("/conversations", cookie)).headers.get("Content-Security-Policy")!)?.[1];
    expect(again).not.toBe(other);
  });

  it("allows the agents' avatar origins for images, and nothing else from outside", async () => {
    const bed = await consoleBed();
    const csp = (await bed.get("/sign-in")).headers.get("Content-Security-Policy")!;
    expect(csp).toContain("img-src 'self' https://avatars.example;");
  });
});

