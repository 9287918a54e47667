// GET /healthz (the process answers) and GET /readyz (the bots are started and the database answers), for probes.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HealthAnswer {
  readonly status: 200 | 503;
  readonly body: { readonly status: string };
}

/** What a probe asks; each HTTP server Baton opens (Slack HTTP, the console, HEALTH_PORT) answers through one. */
export interface HealthCheck {
  /** The answer for GET `path`, or undefined when the path is not a health route. */
  answer(path: string): HealthAnswer | undefined;
}

export class HealthProbe implements HealthCheck {
  #phase: "starting" | "ready" | "stopping" = "starting";

  constructor(private readonly database: { prepare(sql: string): { get(): unknown } }) {}

  /** The bots are connected and the work left from before a restart is queued. */
  markReady(): void {
    this.#phase = "ready";
  }

  /** Shutting down: a load balancer should stop sending work here. */
  markStopping(): void {
    this.#phase = "stopping";
  }

  answer(path: string): HealthAnswer | undefined {
    if (path === "/healthz") return { status: 200, body: { status: "ok" } };
    if (path !== "/readyz") return undefined;
    if (this.#phase !== "ready") return { status: 503, body: { status: this.#phase } };
    try {
      this.database.prepare("SELECT 1").get();
      return { status: 200, body: { status: "ready" } };
    } catch {
      return { status: 503, body: { status: "database unavailable" } };
    }
  }
}

/** Answers a health route on a node:http request; false when it is not one (the caller routes it). */
export function answerHealth(check: HealthCheck, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const answer = check.answer(new URL(req.url ?? "/", "http://localhost").pathname);
  if (answer === undefined) return false;
  res.writeHead(answer.status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : JSON.stringify(answer.body));
  return true;
}

/** HEALTH_PORT: a server with the health routes only, for Socket Mode deployments that open no other port. */
export async function startHealthServer(check: HealthCheck, port: number, host?: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (!answerHealth(check, req, res)) res.writeHead(404, { "content-type": "application/json" }).end('{"status":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(host === undefined ? { port } : { port, host }, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
