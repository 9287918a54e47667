// Flags (list, mark reviewed) and usage: the pages a moderator reviews from.

import { Hono } from "hono";
import { csrfMatches, csrfRefusal } from "../http/csrf.js";
import { frameOf, localPath, type ConsoleAppOptions, type ConsoleEnv } from "../context.js";
import { describeScope } from "../scope.js";
import { noCost } from "../usage-cost.js";
import { flagsBody } from "../views/flags-page.js";
import { layout } from "../views/layout.js";
import { usageBody } from "../views/usage-page.js";
import { notFound } from "./conversation-routes.js";

const DAY = 86_400_000;

export function reviewRoutes(options: ConsoleAppOptions): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  const now = options.now ?? Date.now;

  routes.get("/flags", async (c) => {
    const session = c.get("session");
    const includeReviewed = c.req.query("reviewed") === "1";
    const flags = await options.store.listFlags(session.scope, { includeReviewed, limit: 200 });
    await options.store.recordAccess({ at: now(), actor: session.actor, scope: describeScope(session.scope), action: "flags" });
    const body = flagsBody({ flags, available: options.store.features.flags, includeReviewed, csrf: session.csrf, timeZone: c.get("timeZone") });
    return c.html(layout(frameOf(c, "Flags", "flags"), body));
  });

  routes.post("/flags/:id{[0-9]+}/review", async (c) => {
    const session = c.get("session");
    const form = await c.req.parseBody();
    if (!csrfMatches(options.secret, session.tokenHash, form.csrf)) return csrfRefusal(c);
    const id = Number(c.req.param("id"));
    const marked = await options.store.markFlagReviewed(session.scope, id, session.actor.name, now());
    if (marked === undefined) return notFound(c, "flag");
    // Reviewed twice (two tabs) is no error; only the first review is recorded.
    if (marked.changed) {
      await options.store.recordAccess({
        at: now(),
        actor: session.actor,
        scope: describeScope(session.scope),
        action: `review flag #${id}`,
        conversationId: marked.conversationId,
      });
    }
    const back = localPath(typeof form.back === "string" ? form.back : undefined, "/flags");
    return c.redirect(`${back}${back.includes("#") ? "" : `#flag-${id}`}`, 303);
  });

  routes.get("/usage", async (c) => {
    const session = c.get("session");
    const wanted = Number.parseInt(c.req.query("days") ?? "30", 10);
    const days = [7, 30, 90].includes(wanted) ? wanted : 30;
    const to = now();
    const report = await options.store.usage(session.scope, { from: to - days * DAY, to: to + 1 });
    await options.store.recordAccess({ at: to, actor: session.actor, scope: describeScope(session.scope), action: "usage" });
    const body = usageBody({ report, days, pricing: { cost: options.cost ?? noCost, prices: options.prices ?? new Map() } });
    return c.html(layout(frameOf(c, "Usage", "usage"), body));
  });

  return routes;
}
