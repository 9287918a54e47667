// Turns the environment's ADMIN_* variables into the moderators' web console settings (off without ADMIN_PORT).

import { UserError } from "../workflow/errors.js";
import type { Env } from "./env.js";

export interface ConsoleSettings {
  readonly port: number;
  readonly host: string;
  /** The origin links point at, e.g. https://baton.school.example (no path: the console is served at the root). */
  readonly publicUrl?: string;
  readonly secret: string;
  readonly operatorToken?: string;
}

/** Undefined when ADMIN_PORT is not set; an error when it is set without ADMIN_SECRET or with a public URL path. */
export function consoleSettings(env: Env): ConsoleSettings | undefined {
  if (env.ADMIN_PORT === undefined) return undefined;
  if (env.ADMIN_SECRET === undefined) {
    throw new UserError("ADMIN_PORT is set but ADMIN_SECRET is not: the console signs its links with it (e.g. `openssl rand -hex 32`).", {
      code: "configuration",
    });
  }
  const publicUrl = env.ADMIN_PUBLIC_URL === undefined ? undefined : new URL(env.ADMIN_PUBLIC_URL);
  if (publicUrl !== undefined && (publicUrl.pathname !== "/" || publicUrl.search !== "" || publicUrl.hash !== "")) {
    throw new UserError(`ADMIN_PUBLIC_URL must be an origin without a path (the console is served at its root), not ${publicUrl.href}.`, {
      code: "configuration",
    });
  }
  return {
    port: env.ADMIN_PORT,
    host: env.ADMIN_HOST,
    // Without it, links point where the console listens (known once it is bound: ADMIN_PORT may be 0).
    ...(publicUrl !== undefined && { publicUrl: publicUrl.origin }),
    secret: env.ADMIN_SECRET,
    ...(env.ADMIN_TOKEN !== undefined && { operatorToken: env.ADMIN_TOKEN }),
  };
}
