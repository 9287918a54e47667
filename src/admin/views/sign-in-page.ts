// The operator's sign-in form (ADMIN_TOKEN), and the page a used sign-in link lands on.

import { html, type Html } from "./html.js";

export function signInBody(options: { csrf: string; enabled: boolean; failed: boolean }): Html {
  if (!options.enabled) {
    return html`<section class="card narrow"><h1>Sign in</h1><p>Open the console with the link Baton gives moderators: <code>/history</code> or <code>/flags</code> on Discord, <code>/homework-history</code> or <code>/homework-flags</code> on Slack. Links last 15 minutes and work once.</p></section>`;
  }
  return html`<section class="card narrow"><h1>Operator sign-in</h1>
  <p class="muted">Moderators: use the link from <code>/history</code> or <code>/flags</code> (Discord), <code>/homework-history</code> or <code>/homework-flags</code> (Slack). The operator token (ADMIN_TOKEN) opens every conversation.</p>
  ${options.failed ? html`<p class="error-text">That token is not right.</p>` : ""}
  <form method="post" action="/sign-in" class="stack">
    <input type="hidden" name="csrf" value="${options.csrf}">
    <label>Operator token<input type="password" name="token" autocomplete="current-password" required></label>
    <button class="primary">Sign in</button>
  </form></section>`;
}

/** A real page (not a redirect), so the next request is same-site and the SameSite=Strict cookie goes with it. */
export function continueBody(target: string): Html {
  return html`<section class="card narrow"><h1>Signed in</h1><p><a class="button primary" id="continue" href="${target}">Continue to the console →</a></p></section>`;
}
