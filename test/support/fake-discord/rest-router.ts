// The fake Discord's REST plumbing: /api/v10 routing, bot-token checks, JSON bodies, and a record of every call.

import { EventEmitter, once } from "node:events";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { HeldCalls, type Hold } from "../held-calls.js";
import { DiscordApiFailure, notFound, unauthorized } from "./api-errors.js";
import { FaultPlan } from "./faults.js";
import { parseMultipart, type UploadedFile } from "./uploads.js";
import type { RouteLimits } from "./route-limits.js";

const API_PREFIX = "/api/v10";

export interface RecordedCall {
  readonly method: string;
  /** The route path after /api/v10, without the query, e.g. "/channels/123/messages". */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body, or a multipart body's payload_json (undefined when none was sent). */
  readonly body: unknown;
  /** A multipart body's files[n], in the order sent. */
  readonly files: readonly UploadedFile[];
  /** Filled in once the fake has answered. */
  status: number;
  response: unknown;
}

export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly files: readonly UploadedFile[];
  readonly headers: IncomingHttpHeaders;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** e.g. "/channels/:channelId/messages"; ":name" matches one path segment. */
  readonly path: string;
  /** Whether the route needs `Authorization: Bot <token>` (webhook-token and interaction routes do not). */
  readonly botAuth: boolean;
  readonly handle: (context: RouteContext) => RouteResult | Promise<RouteResult>;
}

interface CompiledRoute extends Route {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

export class RestRouter {
  readonly calls: RecordedCall[] = [];
  /** Exceptions thrown by route handlers (bugs of the fake or of a test), answered with 500. */
  readonly internalErrors: unknown[] = [];
  /** Rate limits and outages answered instead of the routes (see faults.ts). */
  readonly faults = new FaultPlan();
  private readonly routes: CompiledRoute[] = [];
  private readonly events = new EventEmitter();
  private readonly held = new HeldCalls();
  /** Per-route rate limits, when the fake was asked to enforce them. */
  limits: RouteLimits | undefined;
  /** Every answer waits this long first (the platform's latency, for the bench). */
  latencyMs = 0;

  constructor(private readonly token: string) {
    this.events.setMaxListeners(0);
  }

  add(...routes: Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path
        .split("/")
        .map((segment) => {
          if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(segment.slice(1));
          return "([^/]+)";
        })
        .join("/");
      this.routes.push({ ...route, pattern: new RegExp(`^${source}$`), names });
    }
  }

  /**
   * Holds calls of one route (as written in the route table, e.g. "POST /channels/:channelId/threads") open, after
   * their authorisation and before the route acts, until released; then the route acts as usual, whether or not the
   * caller is still there (as Discord may have acted on a request whose caller died).
   */
  hold(route: string): Hold {
    return this.held.hold(route);
  }

  /** Resolves with the first call (past or future) that matches. */
  async waitForCall(matches: (call: RecordedCall) => boolean): Promise<RecordedCall> {
    for (;;) {
      const found = this.calls.find((call) => call.status !== 0 && matches(call));
      if (found !== undefined) return found;
      await once(this.events, "answered");
    }
  }

  /** Resolves once `condition` holds, checking it again after every answered call. */
  async waitUntil(condition: () => boolean): Promise<void> {
    while (!condition()) await once(this.events, "answered");
  }

  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://fake");
    const bytes = await readBody(request);
    const call: RecordedCall = {
      method: request.method ?? "GET",
      // Decoded segment by segment, as Discord reads it ("%40original" is "@original").
      path: decodePath(url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname),
      query: url.searchParams,
      headers: request.headers,
      body: undefined,
      files: [],
      status: 0,
      response: undefined,
    };
    this.calls.push(call);
    let result: RouteResult;
    try {
      if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw notFound();
      const parsed = await parseBody(bytes, request.headers["content-type"]);
      Object.assign(call, parsed);
      const limited = this.limits?.take(call.method, call.path) ?? {};
      result = this.faults.take(call.method, call.path) ?? limited.refusal ?? (await this.route(call));
      if (limited.headers !== undefined && limited.refusal === undefined) result = { ...result, headers: { ...limited.headers, ...result.headers } };
    } catch (error) {
      if (error instanceof DiscordApiFailure) {
        result = { status: error.status, body: error.body };
      } else {
        this.internalErrors.push(error);
        result = { status: 500, body: { code: 0, message: `fake Discord failed: ${String(error)}` } };
      }
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    call.status = result.status;
    call.response = result.body;
    if (result.body === undefined) {
      response.writeHead(result.status, { ...result.headers }).end();
    } else {
      response.writeHead(result.status, { "content-type": "application/json", ...result.headers }).end(JSON.stringify(result.body));
    }
    this.events.emit("answered");
  }

  private async route(call: RecordedCall): Promise<RouteResult> {
    for (const route of this.routes) {
      if (route.method !== call.method) continue;
      const match = route.pattern.exec(call.path);
      if (match === null) continue;
      if (route.botAuth && call.headers.authorization !== `Bot ${this.token}`) throw unauthorized();
      const params = Object.fromEntries(route.names.map((name, index) => [name, match[index + 1]!]));
      await this.held.wait(`${route.method} ${route.path}`);
      return route.handle({ params, query: call.query, body: call.body, files: call.files, headers: call.headers });
    }
    throw notFound();
  }
}

function decodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or multipart/form-data (Uploading Files) with payload_json and files[n]. */
async function parseBody(bytes: Buffer, contentType: string | undefined): Promise<{ body: unknown; files: readonly UploadedFile[] }> {
  if ((contentType ?? "").startsWith("multipart/form-data")) return parseMultipart(bytes, contentType!);
  return { body: parseJson(bytes.toString("utf8"), contentType), files: [] };
}

function parseJson(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  if (!(contentType ?? "").startsWith("application/json")) {
    throw new DiscordApiFailure(400, 50035, "Invalid Form Body", { _root: "the fake accepts JSON and multipart/form-data bodies only" });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DiscordApiFailure(400, 50109, "The request body contains invalid JSON.");
  }
}
