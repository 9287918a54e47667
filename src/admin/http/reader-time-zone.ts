// The reader's zone for rendering times: the baton_tz cookie (set by the page's script or the footer's picker), else UTC.

import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { ConsoleEnv } from "../context.js";
import { TIME_ZONE_CHOSEN_COOKIE, TIME_ZONE_COOKIE, validTimeZone } from "../time-zone.js";

export const readerTimeZone: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  c.set("timeZone", validTimeZone(getCookie(c, TIME_ZONE_COOKIE)) ?? "UTC");
  c.set("timeZoneChosen", getCookie(c, TIME_ZONE_CHOSEN_COOKIE) === "1");
  await next();
};
