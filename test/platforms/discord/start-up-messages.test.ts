// What the Discord adapter says at start-up: the invite link when the bot is in no server, a network failure as one.

import { createServer } from "node:net";
import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { startDiscordBot } from "../../../src/platforms/discord/index.js";
import { startDiscordTestBed, type DiscordTestBed } from "./discord-test-bed.js";
import { FakeModeratorReads } from "../../support/fake-moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

it("prints the invite link with the exact permissions when the bot is in no server", async () => {
  bed = await startDiscordTestBed({ beforeStart: (fake) => void (fake.world.inGuild = false), settings: () => ({ guildId: undefined }) });
  const invite = `https://discord.com/oauth2/authorize?client_id=${bed.fake.applicationId}&scope=bot+applications.commands&permissions=309774633984`;
  const warning = await bed.waitForLog((line) => line.level === 40 && String(line.msg).includes("in no server"));
  expect(warning.msg).toBe(`discord: the bot is in no server yet; invite it with ${invite}`);
});

it("names an unreachable Discord as a network failure, not a refused token", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const gateway = { registerPort: () => undefined } as unknown as Parameters<typeof startDiscordBot>[0]["gateway"];
  const start = startDiscordBot({
    settings: { token: "any-token", applicationId: "123456789012345678", apiUrl: `http://127.0.0.1:${port}/api` },
    gateway,
    reads: new FakeModeratorReads(),
    logger: pino({ level: "silent" }),
  });
  await expect(start).rejects.toMatchObject({
    code: "discord_unreachable",
    message: `Discord: cannot reach 127.0.0.1:${port}: ECONNREFUSED — nothing is listening there: a wrong URL, or a firewall or proxy refusing the connection`,
  });
});
