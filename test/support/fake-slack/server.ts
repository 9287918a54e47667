// A strict fake of Slack's Web API on 127.0.0.1: POST /api/<method> (form or JSON), response_url posts, recorded calls, faults.

import { FakeSlackFiles } from "./files.js";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { HeldCalls, type Hold } from "../held-calls.js";
import { ResponseUrls, type FakeEphemeral } from "./response-urls.js";
import { messageEvent } from "./signed-requests.js";
import { FakeSocketMode } from "./socket-mode.js";
import { APP_METHODS, BOT_METHODS, type MethodOptions, type Params, type SlackAnswer } from "./methods.js";
import { STREAM_METHODS } from "./streams.js";
import { FakeWorld, FULL_SCOPES, type FakeSlackIdentity, type FakeSlackMessage, type FakeSlackUser } from "./world.js";

export interface RecordedCall {
  readonly method: string;
  readonly params: Params;
  /** The bearer token (or `token` parameter) the call carried, if any. */
  readonly token?: string;
  readonly contentType: string;
  readonly status: number;
  readonly answer: SlackAnswer;
}

export interface RecordedResponse {
  /** The id in the response_url path. */
  readonly id: string;
  readonly body: Record<string, unknown>;
  /** 200, or what Slack answered a post it refused (404 used up or unknown, 400 invalid blocks). */
  readonly status: number;
}

export interface FakeSlackOptions extends Partial<FakeSlackIdentity> {
  readonly scopes?: readonly string[];
  readonly users?: readonly FakeSlackUser[];
  /** Every Web API call is answered (and takes effect) this long after it arrives, as over a real network; default 0. */
  readonly latencyMs?: number;
}

interface Fault {
  /** Calls to let through before this fault applies. */
  skip: number;
  remaining: number;
  readonly answer: (method: string) => { status: number; headers: Record<string, string>; body: SlackAnswer };
  /** A rate limit that lasts this long after each 429 it serves: the method's calls meanwhile are refused too. */
  readonly holdsMs?: number;
  blockedUntil?: number;
}

/** Slack's 429: Retry-After in whole seconds, and `{ok:false,error:"ratelimited"}`. */
const rateLimited = (retryAfterSeconds: number) => ({
  status: 429,
  headers: { "retry-after": String(retryAfterSeconds) },
  body: { ok: false, error: "ratelimited" } as SlackAnswer,
});

const DEFAULT_IDENTITY: FakeSlackIdentity = {
  teamId: "T0BATON",
  teamDomain: "baton-school",
  teamName: "Baton School",
  botToken: "xoxb-fake-bot-token",
  appToken: "xapp-fake-app-token",
  botUserId: "U0BATONBOT",
  botId: "B0BATON",
  botName: "baton",
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An upload URL's body: the raw bytes, or the one file of a multipart form (both are accepted, as by Slack). */
async function uploadedBytes(contentType: string, bytes: Buffer): Promise<Uint8Array | undefined> {
  if (!contentType.startsWith("multipart/form-data")) return new Uint8Array(bytes);
  try {
    const form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    for (const value of form.values()) if (typeof value !== "string") return new Uint8Array(await value.arrayBuffer());
    return undefined;
  } catch {
    return undefined;
  }
}

function parseBody(contentType: string, raw: string): Params | undefined {
  if (contentType.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  if (contentType.startsWith("application/json")) {
    try {
      const parsed = JSON.parse(raw === "" ? "{}" : raw) as unknown;
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Params) : undefined;
    } catch {
      return undefined;
    }
  }
  return raw === "" ? {} : undefined;
}

export class FakeSlack {
  readonly world: FakeWorld;
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** POSTs to upload URLs, in order. */
  readonly uploadPosts: Array<{ readonly fileId: string; readonly status: number; readonly bytes: number }> = [];
  /** What chat.postMessage does with username/icon_* without chat:write.customize: "ignore" as Slack does, or refuse. */
  customizeWithoutScope: MethodOptions["customizeWithoutScope"] = "ignore";
  /** Socket Mode: apps.connections.open hands out this endpoint's ws:// URL. */
  readonly socketMode = new FakeSocketMode();
  readonly #server: Server;
  readonly #latencyMs: number;
  readonly #faults = new Map<string, Fault[]>();
  readonly #streamRefusals: Array<{ readonly error: string; readonly channelPrefix: string }> = [];
  readonly #held = new HeldCalls();
  readonly #waiters = new Set<() => void>();
  readonly #responseUrls: ResponseUrls;
  #url = "";
  /** Hosted files (uploads in file_share events), downloaded with the bot token and files:read. */
  readonly files: FakeSlackFiles;

  private constructor(options: FakeSlackOptions) {
    this.world = new FakeWorld({ ...DEFAULT_IDENTITY, ...options }, options.scopes ?? FULL_SCOPES);
    this.#latencyMs = options.latencyMs ?? 0;
    this.#responseUrls = new ResponseUrls(() => this.world.nextTs());
    const { teamId, botToken } = this.world.identity;
    this.files = new FakeSlackFiles({ url: () => this.#url, teamId, botToken, scopes: () => this.world.scopes });
    for (const user of options.users ?? []) this.world.users.set(user.id, user);
    this.#server = createServer((req, res) => void (this.files.serve(req, res) || this.#handle(req, res)));
    this.#server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
      if (new URL(req.url ?? "/", "http://fake").pathname === "/socket-mode") this.socketMode.accept(req, socket);
      else socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
    });
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    fake.#server.listen(0, "127.0.0.1");
    await once(fake.#server, "listening");
    fake.#url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The server's origin, e.g. http://127.0.0.1:41234. */
  get url(): string {
    return this.#url;
  }

  /** For SLACK_API_URL / WebClient's slackApiUrl. */
  get apiUrl(): string {
    return `${this.#url}/api/`;
  }

  get identity(): FakeSlackIdentity {
    return this.world.identity;
  }

  /** A fresh response_url for one slash command (run by `user` in `channel`: its ephemeral answers are theirs). */
  responseUrl(context: { channel?: string; user?: string } = {}): string {
    return `${this.#url}/responses/${this.#responseUrls.create(context)}`;
  }

  /** Ephemeral messages posted through response_urls, oldest first (only their person sees them). */
  get ephemerals(): readonly FakeEphemeral[] {
    return this.#responseUrls.ephemerals;
  }

  /**
   * A person clicks a button of an ephemeral message: the block_actions payload Slack would send (to be sent with
   * SlackEventSender.sendAction), with a response_url of its own that can replace that message. Only the person the
   * message was for can see it, so only they can click; a link button sends nothing.
   */
  clickButton(init: { user: string; messageTs: string; actionId: string }): Record<string, unknown> {
    const user = this.world.users.get(init.user);
    return this.#responseUrls.click({ ...init, userName: user?.name ?? init.user.toLowerCase(), team: this.world.identity, baseUrl: this.#url });
  }

  addUser(user: FakeSlackUser): void {
    this.world.users.set(user.id, user);
  }

  setChannel(id: string, state: { member?: boolean; exists?: boolean; name?: string; private?: boolean; archived?: boolean }): void {
    this.world.channels.set(id, { ...state, member: state.member ?? true, exists: state.exists ?? true });
  }

  setScopes(scopes: readonly string[]): void {
    this.world.scopes = [...scopes];
  }

  /**
   * The next `times` calls of `method` get HTTP 429 with Retry-After and `{ok:false,error:"ratelimited"}`. `lasting`:
   * each 429 also refuses the method until Retry-After has passed, as Slack does (a call retried early is refused again).
   */
  rateLimit(method: string, options: { times?: number; retryAfterSeconds?: number; afterCalls?: number; lasting?: boolean } = {}): void {
    const seconds = options.retryAfterSeconds ?? 0;
    this.#addFault(method, options.times ?? 1, options.afterCalls ?? 0, () => rateLimited(seconds), options.lasting === true ? seconds * 1000 : undefined);
  }

  /**
   * The next `times` calls of `method` (default 1; Infinity for all) answer `{ok:false,error}` plus `extra`;
   * with `afterCalls`, that many calls succeed first.
   */
  failNext(method: string, error: string, options: { times?: number; extra?: Record<string, unknown>; afterCalls?: number } = {}): void {
    this.#addFault(method, options.times ?? 1, options.afterCalls ?? 0, () => ({ status: 200, headers: {}, body: { ok: false, error, ...options.extra } }));
  }

  /**
   * Every chat.startStream in a channel whose id starts with `channelPrefix` (default: any) answers `error`, as a
   * workspace without streaming or a channel type it does not support would (e.g. method_not_supported_for_channel_type).
   */
  refuseStreaming(error: string, options: { channelPrefix?: string } = {}): void {
    this.#streamRefusals.push({ error, channelPrefix: options.channelPrefix ?? "" });
  }

  /** The platform drops a live stream (it expired): later appends and stops answer message_not_in_streaming_state. */
  expireStream(channel: string, ts: string): void {
    const stream = this.world.findMessage(channel, ts)?.stream;
    if (stream === undefined) throw new Error(`no stream ${channel}/${ts}`);
    stream.state = "stopped";
  }

  /** Calls of `method` wait, unanswered, until the hold is released (the bot may be killed meanwhile). */
  hold(method: string): Hold {
    return this.#held.hold(method);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /**
   * A person writes in a channel or thread: the message is stored (so permalinks and thread reads find it, as on Slack)
   * and the message event an app would receive is returned, to be sent with SlackEventSender.
   */
  userWrites(init: { channel: string; user: string; text: string; threadTs?: string }): { ts: string; event: Record<string, unknown> } {
    const ts = this.world.nextTs();
    this.world.messages.push({ channel: init.channel, ts, ...(init.threadTs === undefined ? {} : { threadTs: init.threadTs }), text: init.text, user: init.user, edits: [] });
    return { ts, event: messageEvent({ channel: init.channel, user: init.user, text: init.text, ts, ...(init.threadTs === undefined ? {} : { threadTs: init.threadTs }) }) };
  }

  /** Posted messages (chat.postMessage), optionally of one thread. */
  messages(filter: { channel?: string; threadTs?: string } = {}): FakeSlackMessage[] {
    return this.world.messages.filter(
      (m) => (filter.channel === undefined || m.channel === filter.channel) && (filter.threadTs === undefined || m.threadTs === filter.threadTs),
    );
  }

  /** Resolves with the first value `probe` returns that is not undefined, checking now and after every request. */
  waitFor<T>(probe: () => T | undefined): Promise<T> {
    const now = probe();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        this.#waiters.delete(check);
        resolve(value);
      };
      this.#waiters.add(check);
    });
  }

  /** Resolves once at least `count` messages matching `predicate` have been posted; gives them all. */
  waitForMessages(count: number, predicate: (m: FakeSlackMessage) => boolean = () => true): Promise<FakeSlackMessage[]> {
    return this.waitFor(() => {
      const found = this.world.messages.filter(predicate);
      return found.length >= count ? found : undefined;
    });
  }

  waitForResponses(count: number): Promise<RecordedResponse[]> {
    return this.waitFor(() => (this.responses.length >= count ? [...this.responses] : undefined));
  }

  async close(): Promise<void> {
    this.socketMode.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #addFault(method: string, times: number, skip: number, answer: Fault["answer"], holdsMs?: number): void {
    const list = this.#faults.get(method) ?? [];
    list.push({ skip, remaining: times, answer, ...(holdsMs === undefined ? {} : { holdsMs }) });
    this.#faults.set(method, list);
  }

  #takeFault(method: string): ReturnType<Fault["answer"]> | undefined {
    const now = Date.now();
    const blocking = this.#faults.get(method)?.find((f) => f.blockedUntil !== undefined && f.blockedUntil > now);
    if (blocking !== undefined) return rateLimited(Math.ceil((blocking.blockedUntil! - now) / 1000));
    const fault = this.#faults.get(method)?.find((f) => f.remaining > 0);
    if (fault === undefined) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.holdsMs !== undefined) fault.blockedUntil = now + fault.holdsMs;
    return fault.answer(method);
  }

  #streamRefusal(params: Params): string | undefined {
    const channel = typeof params.channel === "string" ? params.channel : "";
    return this.#streamRefusals.find((refusal) => channel.startsWith(refusal.channelPrefix))?.error;
  }

  #notify(): void {
    for (const check of [...this.#waiters]) check();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const contentType = req.headers["content-type"] ?? "";
    const bytes = await readBody(req);
    if (req.method !== "POST") return this.#send(res, 405, {}, { ok: false, error: "method_not_allowed" });

    const upload = /^\/upload\/([A-Z0-9]+)$/.exec(path);
    if (upload) {
      const data = await uploadedBytes(contentType, bytes);
      const answer = data === undefined ? { status: 400, body: "no file" } : this.world.uploads.upload(upload[1] ?? "", data);
      this.uploadPosts.push({ fileId: upload[1] ?? "", status: answer.status, bytes: data?.byteLength ?? 0 });
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body);
      return this.#notify();
    }

    const params = parseBody(contentType, bytes.toString("utf8"));

    const response = /^\/responses\/(\d+)$/.exec(path);
    if (response) {
      if (params === undefined) return this.#send(res, 400, {}, { ok: false, error: "invalid_payload" });
      const answer = this.#responseUrls.post(response[1] ?? "", params);
      this.responses.push({ id: response[1] ?? "", body: { ...params }, status: answer.status });
      this.#send(res, answer.status, {}, answer.body as SlackAnswer);
      return this.#notify();
    }

    const method = /^\/api\/([A-Za-z.]+)$/.exec(path)?.[1];
    if (method === undefined) return this.#send(res, 404, {}, { ok: false, error: "unknown_method" });
    await this.#held.wait(method);
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    if (res.destroyed) return;
    const { status, headers, body, token } = this.#answer(method, req, params);
    this.calls.push({ method, params: params ?? {}, ...(token === undefined ? {} : { token }), contentType, status, answer: body });
    this.#send(res, status, headers, body);
    this.#notify();
  }

  #answer(method: string, req: IncomingMessage, params: Params | undefined): { status: number; headers: Record<string, string>; body: SlackAnswer; token?: string } {
    const header = req.headers.authorization;
    const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    const token = bearer ?? (typeof params?.token === "string" ? params.token : undefined);
    const scopesHeader = { "x-oauth-scopes": this.world.scopes.join(",") };
    if (params === undefined) return { status: 200, headers: {}, body: { ok: false, error: "invalid_form_data" }, ...(token ? { token } : {}) };
    const isAppMethod = APP_METHODS[method] !== undefined;
    const handler = APP_METHODS[method] ?? BOT_METHODS[method] ?? STREAM_METHODS[method];
    if (handler === undefined) return { status: 200, headers: {}, body: { ok: false, error: "unknown_method" }, ...(token ? { token } : {}) };
    const expected = isAppMethod ? this.world.identity.appToken : this.world.identity.botToken;
    if (token === undefined) return { status: 200, headers: {}, body: { ok: false, error: "not_authed" } };
    if (token !== expected) return { status: 200, headers: {}, body: { ok: false, error: "invalid_auth" }, token };
    const fault = this.#takeFault(method);
    if (fault !== undefined) return { ...fault, headers: { ...scopesHeader, ...fault.headers }, token };
    const refusal = method === "chat.startStream" ? this.#streamRefusal(params) : undefined;
    if (refusal !== undefined) return { status: 200, headers: scopesHeader, body: { ok: false, error: refusal }, token };
    const options: MethodOptions = {
      customizeWithoutScope: this.customizeWithoutScope,
      socketModeUrl: `${this.#url.replace(/^http/, "ws")}/socket-mode`,
      uploadBaseUrl: `${this.#url}/upload/`,
    };
    return { status: 200, headers: isAppMethod ? {} : scopesHeader, body: handler(params, this.world, options), token };
  }

  #send(res: ServerResponse, status: number, headers: Record<string, string>, body: SlackAnswer): void {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }
}
