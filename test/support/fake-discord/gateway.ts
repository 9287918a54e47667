// The fake Discord gateway: a WebSocket on 127.0.0.1 speaking v10 JSON (HELLO, IDENTIFY, READY, heartbeats, dispatches).

import { EventEmitter, once } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from "discord.js";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { guildCreatePayload, Intent, readyPayload } from "./gateway-payloads.js";
import type { FakeWorld, StoredMessage } from "./world.js";

/** What the bot sent in its IDENTIFY. */
export interface IdentifyRecord {
  readonly token: string;
  readonly intents: number;
  readonly properties: unknown;
  readonly shard: unknown;
  readonly compress: unknown;
}

export interface GatewayOptions {
  /** The ws:// URL handed out by GET /gateway/bot (and as resume_gateway_url). */
  readonly url: () => string;
  /** Whether the application may use the privileged Message Content intent (else IDENTIFY with it closes 4014). */
  readonly messageContentAllowed: boolean;
  readonly heartbeatIntervalMs: number;
}

interface Session {
  readonly socket: WebSocket;
  readonly id: string;
  identify: IdentifyRecord | undefined;
  seq: number;
}

export class FakeGateway {
  /** The IDENTIFYs accepted, in order (a refused one only shows in closeCodes). */
  readonly identifies: IdentifyRecord[] = [];
  /** Close codes the fake sent, in order (4014, 4004, …). */
  readonly closeCodes: number[] = [];
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  private readonly events = new EventEmitter();
  private readyCount = 0;

  constructor(
    private readonly world: FakeWorld,
    private readonly options: GatewayOptions,
  ) {}

  /** Called by the HTTP server for upgrade requests; only /gateway?v=10&encoding=json without compression is served. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://fake");
    if (url.pathname !== "/gateway") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, url.searchParams));
  }

  /** Resolves once `count` sessions in total have been identified and sent READY and GUILD_CREATE. */
  async waitForReady(count = 1): Promise<IdentifyRecord> {
    while (this.readyCount < count) await once(this.events, "ready");
    return this.identifies[count - 1]!;
  }

  /** Resolves once no session is open (e.g. after the bot stopped). */
  async waitForNoSessions(): Promise<void> {
    while (this.sessions.size > 0) await once(this.events, "session-closed");
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /** Sends an event to every identified session whose intents include `intent` (0: always). */
  dispatch(event: string, data: unknown, intent = 0): void {
    for (const session of this.sessions) {
      if (session.identify === undefined) continue;
      if (intent !== 0 && (session.identify.intents & intent) === 0) continue;
      this.send(session, { op: GatewayOpcodes.Dispatch, t: event, s: ++session.seq, d: data });
    }
  }

  /** MESSAGE_CREATE / MESSAGE_UPDATE, with content hidden from sessions without the Message Content intent, as Discord does. */
  dispatchMessage(event: "MESSAGE_CREATE" | "MESSAGE_UPDATE", message: StoredMessage): void {
    const channel = this.world.channels.get(message.channel_id);
    for (const session of this.sessions) {
      const intents = session.identify?.intents;
      if (intents === undefined || (intents & Intent.GuildMessages) === 0) continue;
      const seesContent =
        (intents & Intent.MessageContent) !== 0 ||
        message.author.id === this.world.botUser.id ||
        message.mentions.some((user) => user.id === this.world.botUser.id);
      const visible = seesContent ? message : { ...message, content: "", embeds: [], attachments: [], components: [] };
      const member = message.webhook_id === undefined ? { member: memberWithoutUser(this.world, message.author.id) } : {};
      const data = { ...visible, ...member, ...(channel === undefined ? {} : { channel_type: channel.type }) };
      this.send(session, { op: GatewayOpcodes.Dispatch, t: event, s: ++session.seq, d: data });
    }
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    this.server.close();
  }

  private accept(socket: WebSocket, query: URLSearchParams): void {
    const session: Session = { socket, id: this.world.nextId(), identify: undefined, seq: 0 };
    this.sessions.add(session);
    socket.on("close", () => {
      this.sessions.delete(session);
      this.events.emit("session-closed");
    });
    socket.on("message", (raw, isBinary) => this.receive(session, raw, isBinary));
    if (query.get("v") !== "10") return this.closeWith(session, GatewayCloseCodes.InvalidAPIVersion, "Invalid API version");
    if (query.get("encoding") !== "json" || query.has("compress")) {
      return this.closeWith(session, GatewayCloseCodes.DecodeError, "The fake gateway speaks uncompressed JSON only");
    }
    this.send(session, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null });
  }

  private receive(session: Session, raw: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error("binary frame");
      payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
    } catch {
      return this.closeWith(session, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        return this.send(session, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
      case GatewayOpcodes.Identify:
        return this.identify(session, payload.d);
      case GatewayOpcodes.Resume:
        // The fake keeps no replay buffer: it asks for a fresh IDENTIFY, which Discord also may do.
        return this.send(session, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (session.identify === undefined) return this.closeWith(session, GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
        return;
      case GatewayOpcodes.RequestGuildMembers:
        if (session.identify === undefined) return this.closeWith(session, GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
        return this.dispatch(GatewayDispatchEvents.GuildMembersChunk, {
          guild_id: this.world.guildId,
          members: [...this.world.users.keys()].map((id) => this.world.member(id)),
          chunk_index: 0,
          chunk_count: 1,
        });
      default:
        return this.closeWith(session, GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
    }
  }

  private identify(session: Session, data: unknown): void {
    if (session.identify !== undefined) return this.closeWith(session, GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
    const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
    if (d.token !== this.world.token) return this.closeWith(session, GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
    if (typeof d.intents !== "number") return this.closeWith(session, GatewayCloseCodes.DecodeError, "Error while decoding payload.");
    if ((d.intents & Intent.MessageContent) !== 0 && !this.options.messageContentAllowed) {
      return this.closeWith(session, GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");
    }
    const record: IdentifyRecord = { token: d.token, intents: d.intents, properties: d.properties, shard: d.shard, compress: d.compress };
    session.identify = record;
    this.identifies.push(record);
    this.dispatchTo(session, GatewayDispatchEvents.Ready, readyPayload(this.world, session.id, this.options.url()));
    if (this.world.inGuild && (record.intents & Intent.Guilds) !== 0) this.dispatchTo(session, GatewayDispatchEvents.GuildCreate, guildCreatePayload(this.world));
    this.readyCount += 1;
    this.events.emit("ready");
  }

  private dispatchTo(session: Session, event: string, data: unknown): void {
    this.send(session, { op: GatewayOpcodes.Dispatch, t: event, s: ++session.seq, d: data });
  }

  private send(session: Session, payload: unknown): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(payload));
  }

  private closeWith(session: Session, code: number, reason: string): void {
    this.closeCodes.push(code);
    session.socket.close(code, reason);
  }
}

function memberWithoutUser(world: FakeWorld, userId: string): Record<string, unknown> | undefined {
  if (!world.users.has(userId)) return undefined;
  const { user: _user, ...member } = world.member(userId);
  return member;
}
