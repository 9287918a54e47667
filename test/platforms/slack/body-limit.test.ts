// Oversized bodies at the Slack HTTP endpoint: refused with 413 while streaming, never buffered, memory flat.
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { FakeGateway } from "./fake-gateway.js";
import { startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(256 * 1024, "a");

interface Upload {
  readonly status: number;
  /** Bytes the client had written when the answer came. */
  readonly sent: number;
}

/**
 * Streams up to `total` bytes of unsigned junk to the endpoint (chunked, or with a declared length), reusing one chunk,
 * and stops writing as soon as the server answers. Bounded: it never writes more than `total`.
 */
function upload(port: number, total: number, options: { declareLength?: boolean } = {}): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (options.declareLength === true) headers["content-length"] = String(total);
    const req = request({ host: "127.0.0.1", port, path: "/slack/events", method: "POST", headers }, (res) => {
      answered = true;
      res.resume();
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sent });
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const pump = (): void => {
      while (!answered && sent < total) {
        const piece = total - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("SLACK_MAX_BODY_BYTES", () => {
  it("answers 413 to a 256 MB unsigned body while it streams, with RSS growth far below the body size", async () => {
    t = await startSlackTestBot({ gateway: new FakeGateway() });
    const port = t.bot.port!;
    global.gc?.();
    const before = process.memoryUsage().rss;
    const result = await upload(port, 256 * MiB);
    const growth = process.memoryUsage().rss - before;
    expect(result.status).toBe(413);
    // Refused near the limit (1 MiB by default), not after the whole body.
    expect(result.sent).toBeLessThan(64 * MiB);
    expect(growth).toBeLessThan(64 * MiB);
  });

  it("refuses a declared Content-Length over the limit before reading the body", async () => {
    t = await startSlackTestBot({ gateway: new FakeGateway(), settings: { maxBodyBytes: 64 * 1024 } });
    const result = await upload(t.bot.port!, 8 * MiB, { declareLength: true });
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(8 * MiB);
  });

  it("still takes a signed request under the limit, and a body just over a small limit is refused", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway, settings: { maxBodyBytes: 2048 } });
    const ok = await t.sender.sendEvent({ type: "url_verification", challenge: "abc", token: "x" });
    expect(ok).toEqual({ status: 200, body: JSON.stringify({ challenge: "abc" }) });
    const big = await t.sender.sendEvent({ type: "url_verification", challenge: "x".repeat(4096), token: "x" });
    expect(big.status).toBe(413);
  });
});
