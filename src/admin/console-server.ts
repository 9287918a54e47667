// Serves the console over HTTP (@hono/node-server) next to the bots, and hands the bots their link maker.

import type { HealthCheck } from "../health.js";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import type { AgentPresentation } from "../bot/ports.js";
import type { ConsoleSettings } from "../config/console-settings.js";
import { SqliteConsoleStore } from "../store/console/sqlite-console-store.js";
import type { Database } from "../store/database.js";
import type { Workflow } from "../workflow/workflow.js";
import { createConsoleApp } from "./app.js";
import { SignedConsoleLinks, type ConsoleLinks } from "./console-links.js";
import type { CostEstimator, ModelPrices } from "./usage-cost.js";
import type { GraphSpec } from "./views/workflow-graph.js";

export interface RunningConsole {
  /** Where it listens (the bound port, even when ADMIN_PORT=0). */
  readonly url: string;
  readonly links: ConsoleLinks;
  close(): Promise<void>;
}

export function graphOf(workflow: Workflow): GraphSpec {
  return {
    start: workflow.startAgent.name,
    agents: [...workflow.agents.values()].map((a) => ({ name: a.name, displayName: a.displayName })),
    edges: workflow.edges.map((e) => ({ from: e.from, to: e.to })),
  };
}

export async function startConsoleServer(options: {
  readonly settings: ConsoleSettings;
  readonly db: Database;
  readonly workflow: Workflow;
  readonly agents: ReadonlyMap<string, AgentPresentation>;
  readonly logger: Logger;
  readonly cost?: CostEstimator;
  readonly prices?: ModelPrices;
  readonly health?: HealthCheck;
}): Promise<RunningConsole> {
  const { settings, logger } = options;
  const app = createConsoleApp({
    store: new SqliteConsoleStore(options.db),
    secret: settings.secret,
    ...(settings.operatorToken !== undefined && { operatorToken: settings.operatorToken }),
    // Only its scheme matters to the app (Secure cookies); the bound address is http.
    publicUrl: settings.publicUrl ?? "http://127.0.0.1",
    agents: options.agents,
    graph: graphOf(options.workflow),
    ...(options.cost !== undefined && { cost: options.cost }),
    ...(options.prices !== undefined && { prices: options.prices }),
    ...(options.health !== undefined && { health: options.health }),
    logger,
  });
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, (info) => resolve({ server, address: info }));
    server.once("error", reject);
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const publicUrl = settings.publicUrl ?? url;
  logger.info({ url, publicUrl, operatorSignIn: settings.operatorToken !== undefined }, "console: listening");
  return {
    url,
    links: new SignedConsoleLinks({ secret: settings.secret, publicUrl }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
