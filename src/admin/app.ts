// The moderators' web console as a Hono app: public sign-in routes, then everything else behind a session.

import { Hono } from "hono";
import { CONSOLE_CSS } from "./assets/console-css.js";
import { frameOf, type ConsoleAppOptions, type ConsoleEnv } from "./context.js";
import { readerTimeZone } from "./http/reader-time-zone.js";
import { requireSession } from "./http/require-session.js";
import { avatarOrigins, securityHeaders } from "./http/security-headers.js";
import { accessRoutes, signOutRoute } from "./routes/access-routes.js";
import { attachmentRoutes } from "./routes/attachment-routes.js";
import { conversationRoutes } from "./routes/conversation-routes.js";
import { reviewRoutes } from "./routes/review-routes.js";
import { errorPage } from "./views/layout.js";

export type { ConsoleAppOptions } from "./context.js";

export function createConsoleApp(options: ConsoleAppOptions): Hono<ConsoleEnv> {
  const secure = new URL(options.publicUrl).protocol === "https:";
  const app = new Hono<ConsoleEnv>();
  app.use("*", securityHeaders(avatarOrigins([...options.agents.values()].map((a) => a.avatarUrl))));
  app.use("*", readerTimeZone);

  app.get("/assets/console.css", (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(CONSOLE_CSS);
  });
  const { health } = options;
  if (health !== undefined) {
    for (const path of ["/healthz", "/readyz"]) {
      app.get(path, (c) => {
        const answer = health.answer(path)!;
        c.header("Cache-Control", "no-store");
        return c.json(answer.body, answer.status);
      });
    }
  }
  app.route("/", accessRoutes(options, secure));

  const guarded = new Hono<ConsoleEnv>();
  guarded.use("*", requireSession(options, secure));
  guarded.route("/", signOutRoute(options, secure));
  guarded.route("/", conversationRoutes(options));
  guarded.route("/", attachmentRoutes(options));
  guarded.route("/", reviewRoutes(options));
  app.route("/", guarded);

  app.notFound((c) => c.html(errorPage(frameOf(c, "Not found"), "Not found", "There is no such page."), 404));
  app.onError((error, c) => {
    options.logger?.error({ err: { name: error.name, message: error.message } }, "console: request failed");
    return c.html(errorPage(frameOf(c, "Error"), "Something went wrong", "The console could not answer this request; it was logged."), 500);
  });
  return app;
}
