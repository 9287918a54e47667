// An unreachable Slack at start-up is named as a network failure, never as a refused SLACK_BOT_TOKEN.

import { createServer } from "node:net";
import pino from "pino";
import { expect, it } from "vitest";
import { startSlackBot } from "../../../src/platforms/slack/index.js";
import { FakeModeratorReads } from "../../support/fake-moderator-reads.js";

it("says it cannot reach Slack, with the transport error and what it usually means", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const gateway = { registerPort: () => undefined } as unknown as Parameters<typeof startSlackBot>[0]["gateway"];
  const start = startSlackBot({
    settings: { botToken: "xoxb-any", appToken: "xapp-any", port: 0, commandName: "homework", moderatorIds: [], apiUrl: `http://127.0.0.1:${port}/api/` },
    gateway,
    reads: new FakeModeratorReads(),
    logger: pino({ level: "silent" }),
    retryConfig: { retries: 0 },
  });
  await expect(start).rejects.toMatchObject({
    code: "slack_unreachable",
    message: `Slack: cannot reach 127.0.0.1:${port}: ECONNREFUSED — nothing is listening there: a wrong URL, or a firewall or proxy refusing the connection`,
  });
});
