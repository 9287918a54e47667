// The end-to-end rig: the real discord.js client against the fake Discord, the real service on SQLite and a fake model.

import { EventEmitter, once } from "node:events";
import { Writable } from "node:stream";
import pino from "pino";
import type { ConsoleLinks } from "../../../src/bot/console-links.js";
import type { ConversationGateway, PlatformPort, ThreadRef } from "../../../src/bot/ports.js";
import { startDiscordBot, type DiscordBot, type DiscordSettings } from "../../../src/platforms/discord/index.js";
import type { FakeResponder } from "../../support/fake-openai-server.js";
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions, type RecordedCall } from "../../support/fake-discord/index.js";
import { startServiceHarness, type ServiceHarness, type ServiceHarnessOptions } from "../../support/service-harness.js";

export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface DiscordTestBedOptions {
  readonly responder?: FakeResponder;
  readonly fake?: FakeDiscordOptions;
  /** Overrides of the settings the bot gets (token, ids and apiUrl come from the fake). */
  readonly settings?: (fake: FakeDiscord) => Partial<DiscordSettings>;
  /** Called before the bot starts, e.g. to give the fake a webhook the bot made in an earlier run. */
  readonly beforeStart?: (fake: FakeDiscord) => void;
  /** The web console's links, for the moderator commands. */
  readonly consoleLinks?: ConsoleLinks;
  /** Moderation and caps in the service; with it, the service logs into `logs` too. */
  readonly safety?: ServiceHarnessOptions["safety"];
  /** Another agents file, written once the fake's channel ids are known (e.g. for `channels:`). */
  readonly agentsFile?: (fake: FakeDiscord) => string;
  /** Attachment limits of the service (default: the defaults). */
  readonly attachments?: ServiceHarnessOptions["attachments"];
}

export interface DiscordTestBed {
  readonly fake: FakeDiscord;
  readonly service: ServiceHarness;
  readonly bot: DiscordBot;
  readonly settings: DiscordSettings;
  /** The port the bot registered with the service, for driving deliveries directly. */
  readonly port: PlatformPort;
  readonly logs: LogLine[];
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(matches: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves once the service has handled the event (message or interaction id), its replies all posted. */
  handled(eventId: string): Promise<LogLine>;
  readonly homework: string;
  readonly general: string;
  /** Starts the bot again on the same fake Discord and database (after `bot.stop()`), as after a restart. */
  restart(): Promise<DiscordBot>;
  close(): Promise<void>;
}

export async function startDiscordTestBed(options: DiscordTestBedOptions = {}): Promise<DiscordTestBed> {
  const fake = await startFakeDiscord(options.fake);
  const logs: LogLine[] = [];
  const logged = new EventEmitter();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") logs.push(JSON.parse(line) as LogLine);
      logged.emit("line");
      done();
    },
  });
  const waitForLog = async (matches: (line: LogLine) => boolean): Promise<LogLine> => {
    for (;;) {
      const found = logs.find(matches);
      if (found !== undefined) return found;
      await once(logged, "line");
    }
  };
  const logger = pino({ level: "trace" }, sink);
  const service = await startServiceHarness({
    ...(options.responder === undefined ? {} : { responder: options.responder }),
    ...(options.safety === undefined ? {} : { safety: options.safety, logger }),
    ...(options.agentsFile === undefined ? {} : { agentsFile: options.agentsFile(fake) }),
    ...(options.attachments === undefined ? {} : { attachments: options.attachments }),
  });
  options.beforeStart?.(fake);
  const settings: DiscordSettings = {
    token: fake.token,
    applicationId: fake.applicationId,
    guildId: fake.guildId,
    apiUrl: fake.apiUrl,
    // Tests of whole replies read each reply's one post; the streaming tests turn it on (test/platforms/discord/streaming.test.ts).
    streamReplies: false,
    ...options.settings?.(fake),
  };
  let port: PlatformPort | undefined;
  const gateway = capturingPort(service.gateway, (registered) => {
    port = registered;
  });
  const start = () => startDiscordBot({ settings, gateway, reads: service.gateway.moderatorReads, logger, ...(options.consoleLinks !== undefined && { consoleLinks: options.consoleLinks }) });
  let bot = await start();
  return {
    fake,
    service,
    get bot() {
      return bot;
    },
    settings,
    get port() {
      if (port === undefined) throw new Error("the bot registered no port");
      return port;
    },
    logs,
    waitForLog,
    handled: (eventId) => waitForLog((line) => line.msg === "discord: message handled" && line.eventId === eventId),
    homework: fake.channelId("homework"),
    general: fake.channelId("general"),
    async restart() {
      bot = await start();
      return bot;
    },
    async close() {
      await bot.stop();
      await service.close();
      await fake.close();
    },
  };
}

/** The service, with the port the adapter registers also handed to `onPort`. */
function capturingPort(gateway: ConversationGateway, onPort: (port: PlatformPort) => void): ConversationGateway {
  return {
    registerPort(port) {
      onPort(port);
      gateway.registerPort(port);
    },
    accept: (envelope) => gateway.accept(envelope),
    agents: () => gateway.agents(),
    attachmentLimits: () => gateway.attachmentLimits?.(),
    waitingFor: async (ref) => gateway.waitingFor?.(ref),
    handBack: (ref) => gateway.handBack!(ref),
  };
}

/** The key the service stores a Discord thread under. */
export function discordThread(bed: DiscordTestBed, parentId: string, threadId: string): ThreadRef {
  return { platform: "discord", workspace: bed.fake.guildId, channel: parentId, thread: threadId };
}

/** Webhook executions (the agents' replies) into one thread, in order. */
export function webhookPostsTo(fake: FakeDiscord, threadId: string): RecordedCall[] {
  return fake.callsTo("POST", /^\/webhooks\/\d+\/[^/]+$/).filter((call) => call.query.get("thread_id") === threadId);
}

/** The JSON body of a recorded call, as an object. */
export function bodyOf(call: RecordedCall): Record<string, unknown> {
  return (call.body ?? {}) as Record<string, unknown>;
}

/** Every message-creating or message-editing call the bot made, for checks that must hold on all of them. */
export function postingCalls(fake: FakeDiscord): RecordedCall[] {
  return fake.calls.filter(
    (call) =>
      (call.method === "POST" && /^\/channels\/\d+\/messages$/.test(call.path)) ||
      (call.method === "POST" && /^\/webhooks\/\d+\/[^/]+$/.test(call.path)) ||
      (call.method === "PATCH" && /^\/webhooks\/\d+\/[^/]+\/messages\//.test(call.path)) ||
      (call.method === "POST" && /^\/interactions\/\d+\/[^/]+\/callback$/.test(call.path) && bodyOf(call).type === 4),
  );
}
