// GET /healthz and /readyz: on HEALTH_PORT's own server and on the Slack HTTP events port, with a real SQLite file.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, expect, it } from "vitest";
import { HealthProbe, startHealthServer } from "../src/health.js";
import { startSlackBot } from "../src/platforms/slack/index.js";
import { openDatabase } from "../src/store/database.js";
import { FakeSlack } from "./support/fake-slack/index.js";
import { FakeModeratorReads } from "./support/fake-moderator-reads.js";

const closers: Array<() => unknown> = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as unknown };
};

it("HEALTH_PORT: live at once, ready only once the bots have started, not ready while stopping or without a database", async () => {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), "baton-health-")), "baton.db"));
  const probe = new HealthProbe(db);
  const { server, port } = await startHealthServer(probe, 0, "127.0.0.1");
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const base = `http://127.0.0.1:${port}`;
  expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: { status: "ok" } });
  expect(await get(`${base}/readyz`)).toEqual({ status: 503, body: { status: "starting" } });
  probe.markReady();
  expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: { status: "ready" } });
  db.close();
  expect(await get(`${base}/readyz`)).toEqual({ status: 503, body: { status: "database unavailable" } });
  probe.markStopping();
  expect(await get(`${base}/readyz`)).toEqual({ status: 503, body: { status: "stopping" } });
  expect((await fetch(`${base}/other`)).status).toBe(404);
});

it("Slack HTTP events mode answers the health routes on its own port, unsigned", async () => {
  const fake = await FakeSlack.start();
  closers.push(() => fake.close());
  const db = openDatabase(":memory:");
  const probe = new HealthProbe(db);
  probe.markReady();
  const gateway = { registerPort: () => undefined } as unknown as Parameters<typeof startSlackBot>[0]["gateway"];
  const bot = await startSlackBot({
    settings: { botToken: fake.identity.botToken, signingSecret: "0123456789abcdef0123456789abcdef", port: 0, host: "127.0.0.1", commandName: "homework", moderatorIds: [], apiUrl: fake.apiUrl },
    gateway,
    reads: new FakeModeratorReads(),
    logger: pino({ level: "silent" }),
    health: probe,
  });
  closers.push(() => bot.stop());
  expect(await get(`http://127.0.0.1:${bot.port}/healthz`)).toEqual({ status: 200, body: { status: "ok" } });
  expect(await get(`http://127.0.0.1:${bot.port}/readyz`)).toEqual({ status: 200, body: { status: "ready" } });
});
