// The Slack bot as `baton serve` runs it, in its own process for crash tests: real service, real Bolt, fake Slack and model.
// Env: DB, MODEL_URL, SLACK_API_URL, SLACK_BOT_TOKEN, and SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket
// Mode); LOG_LEVEL (default silent) logs to stderr.
// KILL_AFTER_ACK=1: SIGKILL the moment the first event's 200 (HTTP) or envelope ack (Socket Mode) is written to the
// socket (Slack will not retry it).
// STREAM=1: replies stream as they are written.
// MODERATION=1: answers and messages are moderated by the fake model server's /v1/moderations.
// Prints "listening <port>", then "recovered …".

import { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import pino from "pino";
import { startSlackBot } from "../../src/platforms/slack/index.js";
import { childConversationApp, requiredEnv } from "./child-app.js";

const env = requiredEnv;

if (process.env.KILL_AFTER_ACK === "1") {
  // The worst instruction to die at: the 200 is written to the socket, and nothing after it runs.
  const end = ServerResponse.prototype.end as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  (ServerResponse.prototype as { end: unknown }).end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    const response = end.apply(this, args);
    if (this.req.url === "/slack/events" && this.statusCode === 200) process.kill(process.pid, "SIGKILL");
    return response;
  };
  // Socket Mode: Bolt's SocketModeClient (the very module instance Bolt loads) sends every ack through send().
  const require = createRequire(createRequire(import.meta.url).resolve("@slack/bolt"));
  const socketMode = require("@slack/socket-mode") as { SocketModeClient: { prototype: { send: (...args: unknown[]) => Promise<void> } } };
  const send = socketMode.SocketModeClient.prototype.send;
  socketMode.SocketModeClient.prototype.send = function (this: unknown, ...args: unknown[]): Promise<void> {
    const sent = send.apply(this, args); // the frame is written to the socket before send() returns
    process.kill(process.pid, "SIGKILL");
    return sent;
  };
}

const logger = pino({ level: process.env.LOG_LEVEL ?? "silent" }, pino.destination(2));
const app = childConversationApp(logger);
const bot = await startSlackBot({
  settings: {
    botToken: env("SLACK_BOT_TOKEN"),
    ...(process.env.SLACK_APP_TOKEN === undefined ? { signingSecret: env("SLACK_SIGNING_SECRET") } : { appToken: process.env.SLACK_APP_TOKEN }),
    port: 0,
    host: "127.0.0.1",
    commandName: "homework",
    moderatorIds: [],
    apiUrl: env("SLACK_API_URL"),
    // STREAM=1: replies stream (the adapter contract's crash case); otherwise each is posted whole.
    streamReplies: process.env.STREAM === "1",
  },
  gateway: app.service,
  reads: app.service.moderatorReads,
  logger,
  retryConfig: { retries: 0 },
  // Streamed replies at a test's pace (the shape of the real one: per message, and a shared budget per channel).
  streamPace: { perMessageMs: 20, shared: { calls: 5, windowMs: 100 } },
});
process.stdout.write(`listening ${bot.port ?? 0}\n`);
const recovered = await app.service.recover();
process.stdout.write(`recovered ${JSON.stringify(recovered)}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void (async () => {
    await bot.stop();
    await app.close();
    process.stdout.write("done\n");
    process.exit(0);
  })();
});
