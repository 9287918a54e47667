// The console's Hono environment: what middleware puts on each request, and the options every route reads.

import type { Context } from "hono";
import type { Logger } from "pino";
import type { AgentPresentation } from "../bot/ports.js";
import type { ConsoleStore } from "./ports.js";
import type { ConsoleSession } from "./session.js";
import type { CostEstimator, ModelPrices } from "./usage-cost.js";
import type { PageFrame } from "./views/layout.js";
import type { GraphSpec } from "./views/workflow-graph.js";
import type { HealthCheck } from "../health.js";

export interface ConsoleAppOptions {
  readonly store: ConsoleStore;
  /** ADMIN_SECRET: signs links and derives CSRF tokens. */
  readonly secret: string;
  /** ADMIN_TOKEN: the operator's sign-in for every scope; without it, the form is off. */
  readonly operatorToken?: string;
  /** ADMIN_PUBLIC_URL: https there makes cookies Secure. */
  readonly publicUrl: string;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
  readonly graph: GraphSpec;
  /** The configured chat model's price: per-message costs, conversation totals, the per-agent usage. */
  readonly cost?: CostEstimator;
  /** Every model's price: usage_daily's rows (per model) on the usage page. */
  readonly prices?: ModelPrices;
  readonly now?: () => number;
  readonly logger?: Logger;
  /** GET /healthz and /readyz, answered without a session (for a load balancer or Docker's HEALTHCHECK). */
  readonly health?: HealthCheck;
}

export interface ConsoleEnv {
  Variables: {
    nonce: string;
    timeZone: string;
    timeZoneChosen: boolean;
    session: ConsoleSession;
  };
}

export type ConsoleContext = Context<ConsoleEnv>;

/** The page frame for this request (nonce, zone, session if any). */
export function frameOf(c: ConsoleContext, title: string, active?: PageFrame["active"]): PageFrame {
  const session = c.get("session") as ConsoleSession | undefined;
  return {
    title,
    nonce: c.get("nonce"),
    timeZone: c.get("timeZone"),
    timeZoneChosen: c.get("timeZoneChosen"),
    path: c.req.path + (new URL(c.req.url).search || ""),
    ...(session !== undefined && { session }),
    ...(active !== undefined && { active }),
  };
}

/** Only local paths: "/x" but not "//host" or "/\host", so a form's return address cannot leave the console. */
export function localPath(value: string | undefined, fallback: string): string {
  return value !== undefined && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) ? value : fallback;
}
