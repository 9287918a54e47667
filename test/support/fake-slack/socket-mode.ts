// Slack's Socket Mode side, faked: a minimal WebSocket server (RFC 6455) that says hello, sends envelopes and awaits acks.

import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export interface Envelope {
  readonly type: "events_api" | "slash_commands" | "interactive";
  readonly payload: Record<string, unknown>;
  /** Slack's redelivery counter; 0 on the first attempt. */
  readonly retryAttempt?: number;
  readonly retryReason?: string;
}

export interface EnvelopeAck {
  readonly envelope_id: string;
  readonly payload?: Record<string, unknown>;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65_536) {
    header = Buffer.from([0x80 | opcode, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One client connection: decodes masked client frames, answers pings and closes, routes acks. */
class Connection {
  #buffer = Buffer.alloc(0);
  #fragments: Buffer[] = [];
  #closed = false;

  constructor(
    readonly socket: Duplex,
    private readonly onText: (text: string) => void,
  ) {
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("error", () => socket.destroy());
  }

  sendText(text: string): void {
    if (!this.#closed) this.socket.write(frame(OP_TEXT, Buffer.from(text, "utf8")));
  }

  destroy(): void {
    this.#closed = true;
    this.socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#buffer.length < 2) return;
      const first = this.#buffer[0] ?? 0;
      const second = this.#buffer[1] ?? 0;
      let length = second & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.#buffer.length < 4) return;
        length = this.#buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.#buffer.length < 10) return;
        length = Number(this.#buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (second & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + length;
      if (this.#buffer.length < total) return;
      const mask = masked ? this.#buffer.subarray(offset, offset + 4) : undefined;
      const payload = Buffer.from(this.#buffer.subarray(total - length, total));
      if (mask !== undefined) for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      this.#buffer = this.#buffer.subarray(total);
      this.#frame((first & 0x80) !== 0, first & 0x0f, payload);
    }
  }

  #frame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OP_PING) return void this.socket.write(frame(OP_PONG, payload));
    if (opcode === OP_CLOSE) {
      if (!this.#closed) this.socket.end(frame(OP_CLOSE, payload.subarray(0, 2)));
      this.#closed = true;
      return;
    }
    if (opcode === OP_TEXT || opcode === OP_CONTINUATION) {
      this.#fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.#fragments).toString("utf8");
      this.#fragments = [];
      this.onText(text);
    }
  }
}

/** The Socket Mode endpoint: accept upgrades, greet with hello, push envelopes, resolve their acks. */
export class FakeSocketMode {
  readonly #connections = new Set<Connection>();
  readonly #acks = new Map<string, (ack: EnvelopeAck) => void>();
  readonly #connectWaiters: Array<() => void> = [];
  readonly acks: EnvelopeAck[] = [];
  connections = 0;

  /** Completes the WebSocket handshake of an `upgrade` request and says hello. */
  accept(req: IncomingMessage, socket: Duplex): void {
    const key = req.headers["sec-websocket-key"];
    if (typeof key !== "string") {
      socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      return;
    }
    const accept = createHash("sha1").update(key + GUID).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const connection = new Connection(socket, (text) => this.#onText(text));
    this.#connections.add(connection);
    socket.on("close", () => this.#connections.delete(connection));
    this.connections += 1;
    connection.sendText(JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0BATON" }, debug_info: { host: "fake" } }));
    for (const wake of this.#connectWaiters.splice(0)) wake();
  }

  /** Resolves once a client has connected (at once if one is connected). */
  waitForConnection(): Promise<void> {
    if (this.#connections.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.#connectWaiters.push(resolve));
  }

  /** Sends an envelope to the connected client; resolves with its ack. */
  send(envelope: Envelope): Promise<EnvelopeAck> {
    const connection = [...this.#connections][0];
    if (connection === undefined) return Promise.reject(new Error("no Socket Mode client is connected"));
    const envelopeId = randomUUID();
    const acked = new Promise<EnvelopeAck>((resolve) => this.#acks.set(envelopeId, resolve));
    connection.sendText(
      JSON.stringify({
        envelope_id: envelopeId,
        type: envelope.type,
        payload: envelope.payload,
        accepts_response_payload: envelope.type !== "events_api",
        ...(envelope.type === "events_api" ? { retry_attempt: envelope.retryAttempt ?? 0, retry_reason: envelope.retryReason ?? "" } : {}),
      }),
    );
    return acked;
  }

  close(): void {
    for (const connection of this.#connections) connection.destroy();
    this.#connections.clear();
  }

  #onText(text: string): void {
    const ack = JSON.parse(text) as EnvelopeAck;
    this.acks.push(ack);
    this.#acks.get(ack.envelope_id)?.(ack);
    this.#acks.delete(ack.envelope_id);
  }
}
