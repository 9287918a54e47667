// The page frame: header with navigation and the session's scope, the time-zone picker, the tiny time-zone script.

import type { ConsoleSession } from "../session.js";
import { describeScope } from "../scope.js";
import { html, raw, type Html } from "./html.js";

export interface PageFrame {
  readonly title: string;
  readonly nonce: string;
  readonly timeZone: string;
  /** The reader picked the zone with the form: the script must not replace it with the browser's. */
  readonly timeZoneChosen: boolean;
  readonly session?: ConsoleSession;
  readonly active?: "conversations" | "flags" | "usage";
  /** Where the time-zone form returns to. */
  readonly path?: string;
  /** Navigate here at once (a meta refresh: no script needed). */
  readonly refresh?: string;
}

const ZONES = ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"];

/**
 * The only script: it tells the server the browser's time zone once (a cookie, then one reload), so times are rendered
 * in the reader's zone. Without JavaScript, the picker in the footer does the same. It is a constant, so it goes in
 * unescaped (escaped, its quotes would be a syntax error); it is left off a page that navigates on at once (a sign-in
 * link's page, whose reload would use the single-use link a second time).
 */
const TIME_ZONE_SCRIPT = `(function(){try{var h=document.documentElement,z=Intl.DateTimeFormat().resolvedOptions().timeZone;
if(!z||h.dataset.tz===z||h.dataset.tzChosen==="1"||sessionStorage.getItem("baton-tz")===z)return;
sessionStorage.setItem("baton-tz",z);document.cookie="baton_tz="+encodeURIComponent(z)+";path=/;max-age=31536000;samesite=strict";
location.reload();}catch(e){}})();`;

export function layout(frame: PageFrame, body: Html): Html {
  const nav = (key: NonNullable<PageFrame["active"]>, href: string, label: string): Html =>
    html`<a href="${href}" class="${frame.active === key ? "active" : ""}" ${frame.active === key ? html`aria-current="page"` : ""}>${label}</a>`;
  const zones = ZONES.includes(frame.timeZone) ? ZONES : [frame.timeZone, ...ZONES];
  return html`<!doctype html>
<html lang="en" data-tz="${frame.timeZone}" data-tz-chosen="${frame.timeZoneChosen ? "1" : "0"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${frame.refresh === undefined ? "" : html`<meta http-equiv="refresh" content="0;url=${frame.refresh}">`}
<title>${frame.title} · Baton console</title>
<link rel="stylesheet" href="/assets/console.css">
${frame.refresh === undefined ? html`<script nonce="${frame.nonce}">${raw(TIME_ZONE_SCRIPT)}</script>` : ""}
</head>
<body>
<header class="top">
  <a class="brand" href="/conversations"><span class="logo" aria-hidden="true">B</span> Baton <span class="muted">moderator console</span></a>
  ${frame.session === undefined
    ? ""
    : html`<nav>${nav("conversations", "/conversations", "Conversations")}${nav("flags", "/flags", "Flags")}${nav("usage", "/usage", "Usage")}</nav>
  <div class="who">
    <span class="scope" title="What this session can read">${describeScope(frame.session.scope)}</span>
    <span class="actor">${frame.session.actor.name}</span>
    <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="${frame.session.csrf}"><button class="link">Sign out</button></form>
  </div>`}
</header>
<main>
${body}
</main>
<footer>
  <form method="get" action="/time-zone" class="tz">
    <input type="hidden" name="back" value="${frame.path ?? "/conversations"}">
    <label>Times shown in <select name="tz">${zones.map((z) => html`<option ${z === frame.timeZone ? "selected" : ""}>${z}</option>`)}</select></label>
    <button>Set</button>
  </form>
  <span class="muted">Baton · every access is recorded</span>
</footer>
</body>
</html>`;
}

export function errorPage(frame: PageFrame, heading: string, detail: string, extra: Html | string = ""): Html {
  return layout(frame, html`<section class="card narrow error"><h1>${heading}</h1><p>${detail}</p>${extra}</section>`);
}
