// Downloading a student's file: the size limit before and during the download, failures and Slack's sign-in page.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { downloadAll, downloadAttachment } from "../../../src/bot/attachments/download.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("downloadAttachment", () => {
  it("returns the bytes, sending the given headers", async () => {
    let auth: string | undefined;
    const url = await serve((request, response) => {
      auth = request.headers.authorization;
      response.writeHead(200, { "content-type": "image/png" }).end(Buffer.from("abc"));
    });
    const file = await downloadAttachment({ name: "a.png", url: `${url}/a.png`, size: 3 }, { maxBytes: 10, headers: { Authorization: "Bearer xoxb-1" } });
    expect(Buffer.from(file.data!).toString()).toBe("abc");
    expect(auth).toBe("Bearer xoxb-1");
  });

  it("refuses a file declared over the limit without a request", async () => {
    let requests = 0;
    const url = await serve((_request, response) => {
      requests += 1;
      response.end();
    });
    const file = await downloadAttachment({ name: "big.png", url, size: 11 }, { maxBytes: 10 });
    expect(file).toEqual({ name: "big.png", size: 11, problem: "too_large" });
    expect(requests).toBe(0);
  });

  it("stops reading once a body that declared less passes the limit (chunked, no Content-Length)", async () => {
    let written = 0;
    let closedEarly = false;
    let closed: () => void = () => undefined;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(64 * 1024);
      const timer = setInterval(() => {
        written += chunk.length;
        response.write(chunk);
        if (written >= 8 * 1024 * 1024) {
          clearInterval(timer);
          response.end();
        }
      }, 1);
      response.on("close", () => {
        clearInterval(timer);
        closedEarly = written < 8 * 1024 * 1024;
        closed();
      });
    });
    const file = await downloadAttachment({ name: "liar.png", url, size: 100 }, { maxBytes: 256 * 1024 });
    expect(file.problem).toBe("too_large");
    expect(file.data).toBeUndefined();
    await hungUp;
    expect(closedEarly).toBe(true);
  });

  it("refuses a Content-Length over the limit", async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-length": "2048" }).end(Buffer.alloc(2048));
    });
    expect((await downloadAttachment({ name: "x", url, size: 10 }, { maxBytes: 1024 })).problem).toBe("too_large");
  });

  it("names a failed download, and Slack's HTML sign-in page (or a 403) a missing scope", async () => {
    const url = await serve((request, response) => {
      if (request.url === "/gone") response.writeHead(404).end("no");
      else if (request.url === "/forbidden") response.writeHead(403).end("no");
      else response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!DOCTYPE html><title>Slack</title>");
    });
    expect((await downloadAttachment({ name: "x", url: `${url}/gone`, size: 1 }, { maxBytes: 10 })).problem).toBe("download_failed");
    expect((await downloadAttachment({ name: "x", url: `${url}/login`, size: 1 }, { maxBytes: 100, htmlMeansMissingScope: true })).problem).toBe("missing_scope");
    expect((await downloadAttachment({ name: "x", url: `${url}/forbidden`, size: 1 }, { maxBytes: 100, htmlMeansMissingScope: true })).problem).toBe("missing_scope");
    expect((await downloadAttachment({ name: "x", url: "file:///etc/passwd", size: 1 }, { maxBytes: 100 })).problem).toBe("download_failed");
  });
});

describe("downloadAll", () => {
  it("fetches at most maxCount files and, with vision off, no image", async () => {
    const fetched: string[] = [];
    const url = await serve((request, response) => {
      fetched.push(request.url ?? "");
      response.end("x");
    });
    const refs = ["a.txt", "b.png", "c.txt", "d.txt"].map((name) => ({ name, url: `${url}/${name}`, size: 1, mediaType: name.endsWith(".png") ? "image/png" : "text/plain" }));
    const files = await downloadAll(refs, { maxBytes: 10, maxCount: 3, vision: false });
    expect(fetched).toEqual(["/a.txt", "/c.txt"]);
    expect(files.map((file) => file.problem ?? (file.data === undefined ? "none" : "ok"))).toEqual(["ok", "vision_off", "ok", "none"]);
  });
});
