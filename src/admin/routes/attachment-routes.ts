// GET /attachments/:id — a message's file, for a session whose scope holds its conversation.

import { Hono } from "hono";
import { frameOf, type ConsoleAppOptions, type ConsoleEnv } from "../context.js";
import { attachmentHeaders, INLINE_IMAGE_TYPES } from "../http/attachment-headers.js";
import { describeScope } from "../scope.js";
import { errorPage } from "../views/layout.js";

export function attachmentRoutes(options: ConsoleAppOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  const now = options.now ?? Date.now;

  routes.get("/attachments/:id{[0-9]+}", async (c) => {
    const session = c.get("session");
    const attachment = await options.store.attachment(session.scope, Number(c.req.param("id")));
    // One answer for "no such file" and "not yours": which ids exist outside the scope is not this session's business.
    if (attachment === undefined) {
      return c.html(errorPage(frameOf(c, "Refused"), "Refused", "This file is not in what this session may read."), 403);
    }
    // Inline images are part of the page view already logged; a download is logged on its own.
    if (!INLINE_IMAGE_TYPES.has(attachment.mediaType)) {
      await options.store.recordAccess({
        at: now(),
        actor: session.actor,
        scope: describeScope(session.scope),
        action: "attachment",
        conversationId: attachment.conversationId,
      });
    }
    for (const [name, value] of Object.entries(attachmentHeaders(attachment))) c.header(name, value);
    // Private: the session's cookie gates it, so no shared cache may keep it; the browser may, for the session's length.
    c.header("Cache-Control", "private, max-age=3600");
    // Should a browser ever render it as a document anyway, it runs nothing and reaches nothing.
    c.header("Content-Security-Policy", "default-src 'none'; sandbox");
    return c.body(attachment.data as Uint8Array<ArrayBuffer>);
  });

  return routes;
}
