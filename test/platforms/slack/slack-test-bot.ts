// Starts the real Slack adapter (Bolt's HTTP receiver) against the fake Slack, with a log that tests can read.

import { Writable } from "node:stream";
import pino from "pino";
import type { ModeratorReads } from "../../../src/bot/moderator-reads-port.js";
import type { ConversationGateway } from "../../../src/bot/ports.js";
import type { ConsoleLinks } from "../../../src/bot/console-links.js";
import { startSlackBot, type SlackBot, type SlackSettings, type StartSlackBotOptions } from "../../../src/platforms/slack/index.js";
import { FakeSlack, SlackEventSender, type FakeSlackOptions } from "../../support/fake-slack/index.js";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const STUDENT = { id: "U0STUDENT", name: "ada", displayName: "Ada Lovelace" } as const;
export const MODERATOR = { id: "U0MOD", name: "mod" } as const;
export const ADMIN = { id: "U0ADMIN", name: "admin", isAdmin: true } as const;
export const CHANNEL = "C0HOMEWORK";

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface SlackTestBot {
  readonly fake: FakeSlack;
  readonly bot: SlackBot;
  readonly sender: SlackEventSender;
  readonly logs: LogLine[];
  close(): Promise<void>;
}

/** A pino logger at debug level whose lines land in `logs`, parsed. */
export function captureLogger(logs: LogLine[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return pino({ level: "debug" }, sink);
}

export async function startSlackTestBot(options: {
  /** The service (or a FakeGateway), with the moderator reads it offers beside it. */
  gateway: ConversationGateway & { readonly moderatorReads: ModeratorReads };
  fake?: FakeSlack;
  fakeOptions?: FakeSlackOptions;
  settings?: Partial<SlackSettings>;
  consoleLinks?: ConsoleLinks;
  fileSettleMs?: number;
  /** The streamed replies' pace (default: the real one's shape, faster: replies stream by default). */
  streamPace?: StartSlackBotOptions["streamPace"];
}): Promise<SlackTestBot> {
  const fake =
    options.fake ??
    (await FakeSlack.start({
      users: [STUDENT, MODERATOR, ADMIN, { id: "U0OTHER", name: "other" }],
      ...options.fakeOptions,
    }));
  const logs: LogLine[] = [];
  const bot = await startSlackBot({
    settings: {
      botToken: fake.identity.botToken,
      signingSecret: SIGNING_SECRET,
      port: 0,
      host: "127.0.0.1",
      commandName: "homework",
      moderatorIds: [MODERATOR.id],
      apiUrl: fake.apiUrl,
      ...options.settings,
    },
    gateway: options.gateway,
    reads: options.gateway.moderatorReads,
    logger: captureLogger(logs),
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50, factor: 2 },
    fileSettleMs: options.fileSettleMs ?? 10,
    streamPace: options.streamPace ?? { perMessageMs: 20, shared: { calls: 5, windowMs: 100 } },
    ...(options.consoleLinks !== undefined && { consoleLinks: options.consoleLinks }),
  });
  const sender = new SlackEventSender({ url: `http://127.0.0.1:${bot.port}/slack/events`, signingSecret: SIGNING_SECRET });
  return {
    fake,
    bot,
    sender,
    logs,
    async close() {
      await bot.stop();
      await fake.close();
    },
  };
}
