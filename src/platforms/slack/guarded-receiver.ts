// Bolt's HTTP receiver behind a guard: bodies over the limit get 413 while they stream, stamps off by 5+ minutes get 401.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ListenOptions } from "node:net";
import { ErrorCode, HTTPReceiver, type App, type HTTPReceiverOptions, type Receiver } from "@slack/bolt";
import type { Logger } from "pino";

/** Slack's own bound: a request stamped further than this from our clock, either way, is a replay or a forgery. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** How long a refused upload may hold its connection (paused) before it is cut, so the client can read the 413. */
const REFUSED_CONNECTION_GRACE_MS = 2_000;
const EVENTS_PATH = "/slack/events";

export interface GuardedReceiverOptions {
  readonly signingSecret: string;
  /** SLACK_MAX_BODY_BYTES: the largest body read from the network. */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** Bolt's logger (the inner receiver logs through it). */
  readonly boltLogger: NonNullable<HTTPReceiverOptions["logger"]>;
  /** Other routes served on the same port (e.g. a health check), as Bolt's customRoutes. */
  readonly customRoutes?: HTTPReceiverOptions["customRoutes"];
  readonly now?: () => number;
}

/** A request whose body the guard read (within the limit): Bolt takes `rawBody` as already buffered. */
type BufferedRequest = IncomingMessage & { rawBody?: Buffer };

/**
 * Bolt's HTTPReceiver reads the whole body before it checks anything, and checks only that a stamp is not too old.
 * This receiver owns the server: it reads the body itself, counting as it streams, and hands Bolt a request whose
 * body is already buffered (Bolt then verifies the signature and dispatches exactly as it would).
 */
export class GuardedReceiver implements Receiver {
  readonly #inner: HTTPReceiver;
  readonly #o: GuardedReceiverOptions;
  readonly #now: () => number;
  #server: Server | undefined;

  constructor(options: GuardedReceiverOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#inner = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: [EVENTS_PATH],
      logger: options.boltLogger,
      // The 200 goes when the listeners return: theirs return once a student's event is stored (bolt-listeners.ts).
      processBeforeResponse: true,
      ...(options.customRoutes === undefined ? {} : { customRoutes: options.customRoutes }),
    });
  }

  init(app: App): void {
    this.#inner.init(app);
  }

  async start(listen: number | ListenOptions): Promise<Server> {
    if (this.#server !== undefined) throw new Error("The Slack receiver is already started.");
    const server = createServer((req, res) => this.#route(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(listen, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "POST" && path === EVENTS_PATH) {
      this.#guard(req, res);
      return;
    }
    this.#dispatch(req, res);
  }

  /** Bolt routes the request (custom routes), or throws for a path it does not serve. */
  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.#inner.requestListener(req, res);
    } catch (error) {
      const unhandled = error instanceof Error && "code" in error && error.code === ErrorCode.HTTPReceiverDeferredRequestError;
      if (!unhandled) this.#o.logger.error({ err: error }, "slack receiver failed to dispatch a request");
      if (!res.headersSent) res.writeHead(unhandled ? 404 : 500).end();
    }
  }

  #guard(req: BufferedRequest, res: ServerResponse): void {
    const limit = this.#o.maxBodyBytes;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      this.#refuse(req, res, 413, "slack request body over SLACK_MAX_BODY_BYTES refused", { declared, limit });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData).off("end", onEnd);
        chunks.length = 0;
        this.#refuse(req, res, 413, "slack request body over SLACK_MAX_BODY_BYTES refused", { read: size, limit });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      req.rawBody = Buffer.concat(chunks, size);
      this.#checked(req, res);
    };
    req.on("data", onData).on("end", onEnd);
    req.on("error", () => res.destroy());
  }

  /** The body is in hand: refuse a stamp too far off either way, then let Bolt verify the signature and dispatch. */
  #checked(req: BufferedRequest, res: ServerResponse): void {
    const stamp = req.headers["x-slack-request-timestamp"];
    const seconds = typeof stamp === "string" && /^\d+$/.test(stamp) ? Number(stamp) : undefined;
    // ssl_check pings are unsigned by design (Bolt answers them); a missing or malformed stamp is Bolt's 401 to give.
    if (seconds !== undefined && !isSslCheck(req)) {
      const skew = seconds - Math.floor(this.#now() / 1000);
      if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
        this.#o.logger.warn({ skewSeconds: skew }, "slack request with a timestamp more than five minutes off refused");
        res.writeHead(401).end();
        return;
      }
    }
    this.#dispatch(req, res);
  }

  /**
   * Answers at once and reads no more: the paused socket pushes back on the sender through TCP, so nothing piles up in
   * memory, and it is cut after a short grace that lets the client read the answer first.
   */
  #refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string, details: Record<string, number>): void {
    this.#o.logger.warn(details, message);
    req.pause();
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(status === 413 ? "Payload Too Large\n" : "");
    const socket = req.socket;
    const cut = setTimeout(() => socket.destroy(), REFUSED_CONNECTION_GRACE_MS);
    cut.unref();
    socket.once("close", () => clearTimeout(cut));
  }
}

function isSslCheck(req: BufferedRequest): boolean {
  if (req.headers["content-type"] !== "application/x-www-form-urlencoded" || req.rawBody === undefined) return false;
  return new URLSearchParams(req.rawBody.toString("utf8")).get("ssl_check") === "1";
}
