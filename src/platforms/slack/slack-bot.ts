// Starts the Slack adapter: Bolt over Socket Mode or the HTTP receiver, wired to the ConversationGateway.

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { App, webApi } from "@slack/bolt";
import type { Logger } from "pino";
import type { ConsoleLinks } from "../../bot/console-links.js";
import type { StoredInbound } from "../../bot/inbound-envelope.js";
import type { ModeratorReads } from "../../bot/moderator-reads-port.js";
import type { ConversationGateway } from "../../bot/ports.js";
import { describeNetworkFailure } from "../../network-failure.js";
import { UserError } from "../../workflow/errors.js";
import { AgentIdentityMode } from "./agent-identity.js";
import { InFlightWork } from "../common/in-flight.js";
import { registerListeners } from "./bolt-listeners.js";
import { boltLevelFor, createBoltLogger } from "./bolt-logger.js";
import { ConversationEntry } from "./conversation-entry.js";
import { reviveOlderSlackEvent } from "./older-received.js";
import { GuardedReceiver, type GuardedReceiverOptions } from "./guarded-receiver.js";
import { answerHealth, type HealthCheck } from "../../health.js";
import { SlackAdapterError, toSlackAdapterError } from "./errors.js";
import { ModerationCommands } from "./moderation-commands.js";
import { SafetyCommands } from "./safety-commands.js";
import { SlackAlertPoster, SlackModeratorDMs } from "./alert-poster.js";
import { DeferredAckSocketModeReceiver } from "./socket-mode-receiver.js";
import { SlackReplyPoster, type ReplyPosterOptions } from "./reply-poster.js";
import { DEFAULT_COMMAND_NAME, DEFAULT_MAX_BODY_BYTES, type SlackSettings } from "./settings.js";
import { slackThreadStatus } from "./thread-status.js";
import { SlackUserDirectory } from "./user-directory.js";

export interface StartSlackBotOptions {
  readonly settings: SlackSettings;
  readonly gateway: ConversationGateway;
  /** What the moderator commands read, in the command's workspace. */
  readonly reads: ModeratorReads;
  readonly logger: Logger;
  /** How the Web API client retries failed calls (p-retry options). Default: 4 retries with backoff from 1 s. */
  readonly retryConfig?: webApi.RetryOptions;
  /** How long stop() waits for conversations still running. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** The wait before a formula image refused as not yet usable is tried again (ReplyPosterOptions.fileSettleMs). */
  readonly fileSettleMs?: number;
  /** The pace of streamed replies (ReplyPosterOptions.streamPace); tests and the bench shorten it. */
  readonly streamPace?: ReplyPosterOptions["streamPace"];
  /** The web console's signed links (when it runs), for the moderator commands' answers. */
  readonly consoleLinks?: ConsoleLinks;
  /** HTTP events mode: GET /healthz and /readyz answered on the same port. */
  readonly health?: HealthCheck;
}

export interface SlackBot {
  /** The HTTP receiver's bound port; undefined in Socket Mode. */
  readonly port?: number;
  /** The bot's own user id (from auth.test). */
  readonly botUserId: string;
  /** Resolves when no work started by a Slack delivery is still running (for tests and orderly shutdown). */
  idle(): Promise<void>;
  /** Stops receiving, then waits (up to drainTimeoutMs) for conversations in progress. */
  stop(): Promise<void>;
}

const DEFAULT_RETRY: webApi.RetryOptions = { retries: 4, factor: 2, minTimeout: 1_000, maxTimeout: 30_000, randomize: true };

interface BotIdentity {
  readonly userId: string;
  readonly botId: string;
  readonly name: string;
  readonly teamId: string;
  readonly scopes?: readonly string[];
}

/** Checks the token before anything listens, and learns who the bot is and which scopes it has. */
async function identify(client: webApi.WebClient, apiUrl: string): Promise<BotIdentity> {
  try {
    const result = await client.auth.test();
    if (result.user_id === undefined || result.bot_id === undefined) {
      throw new SlackAdapterError("slack_auth", "SLACK_BOT_TOKEN is not a bot token (auth.test named no bot user).");
    }
    return {
      userId: result.user_id,
      botId: result.bot_id,
      name: result.user ?? "bot",
      teamId: result.team_id ?? "",
      ...(result.response_metadata?.scopes === undefined ? {} : { scopes: result.response_metadata.scopes }),
    };
  } catch (error) {
    if (error instanceof SlackAdapterError) throw error;
    const network = describeNetworkFailure(error, apiUrl);
    if (network !== undefined) throw new SlackAdapterError("slack_unreachable", `Slack: ${network}`, { cause: error });
    const wrapped = toSlackAdapterError("auth.test", error);
    throw new SlackAdapterError("slack_auth", `Slack refused SLACK_BOT_TOKEN: ${wrapped.message}`, {
      cause: error,
      ...(wrapped.slackError === undefined ? {} : { slackError: wrapped.slackError }),
    });
  }
}

type ReceiverChoice = { readonly socketMode: true; readonly appToken: string } | { readonly signingSecret: string };

function chooseReceiver(settings: SlackSettings): ReceiverChoice {
  if (settings.appToken !== undefined && settings.appToken !== "") return { socketMode: true, appToken: settings.appToken };
  if (settings.signingSecret !== undefined && settings.signingSecret !== "") return { signingSecret: settings.signingSecret };
  throw new UserError("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP events).", { code: "configuration" });
}

function healthRoutes(health: HealthCheck): NonNullable<GuardedReceiverOptions["customRoutes"]> {
  const handler = (req: IncomingMessage, res: ServerResponse) => void answerHealth(health, req, res);
  return ["/healthz", "/readyz"].map((path) => ({ path, method: ["GET", "HEAD"], handler }));
}

/** Starts the Slack adapter; resolves once it is receiving events. */
export async function startSlackBot(options: StartSlackBotOptions): Promise<SlackBot> {
  const { settings, gateway } = options;
  const receiver = chooseReceiver(settings);
  const logger = options.logger.child({ platform: "slack" });
  const boltLogger = createBoltLogger(logger);
  const commandName = (settings.commandName || DEFAULT_COMMAND_NAME).replace(/^\//, "");
  const apiUrl = settings.apiUrl === undefined ? {} : { slackApiUrl: settings.apiUrl };
  const client = new webApi.WebClient(settings.botToken, { ...apiUrl, logger: boltLogger, retryConfig: options.retryConfig ?? DEFAULT_RETRY });
  // The status is cosmetic: its calls never wait out a rate limit or retry.
  // Streamed replies see a 429 at once, so its Retry-After slows their throttle instead of stalling one call.
  const streamClient = new webApi.WebClient(settings.botToken, { ...apiUrl, logger: boltLogger, retryConfig: options.retryConfig ?? DEFAULT_RETRY, rejectRateLimitedCalls: true });
  const statusClient = new webApi.WebClient(settings.botToken, { ...apiUrl, logger: boltLogger, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });

  const bot = await identify(client, settings.apiUrl ?? "https://slack.com/api/");
  const identity = new AgentIdentityMode(logger);
  identity.learnScopes(bot.scopes);
  const work = new InFlightWork(logger);
  const status = slackThreadStatus({ client: statusClient, logger, identity });
  const users = new SlackUserDirectory({ client, logger });
  const entry = new ConversationEntry({ gateway, client, users, status, work, logger, bot: { userId: bot.userId, name: bot.name }, commandName, botToken: settings.botToken, isModerator: (userId) => moderation.isModerator(userId) });
  const moderation = new ModerationCommands({
    gateway,
    reads: options.reads,
    users,
    moderatorIds: settings.moderatorIds,
    commandName,
    logger,
    ...(options.consoleLinks !== undefined && { consoleLinks: options.consoleLinks }),
  });

  const clientOptions: webApi.WebClientOptions = { ...apiUrl, retryConfig: options.retryConfig ?? DEFAULT_RETRY, logger: boltLogger };
  const app = new App({
    token: settings.botToken,
    botId: bot.botId,
    botUserId: bot.userId,
    logger: boltLogger,
    logLevel: boltLevelFor(logger),
    clientOptions,
    // Both receivers answer Slack when the listeners return, and those return once a student's event is stored.
    processBeforeResponse: false,
    receiver:
      "socketMode" in receiver
        ? new DeferredAckSocketModeReceiver({ appToken: receiver.appToken, boltLogger, logLevel: boltLevelFor(logger), clientOptions })
        : new GuardedReceiver({
            signingSecret: receiver.signingSecret,
            maxBodyBytes: settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
            logger,
            boltLogger,
            ...(options.health !== undefined && { customRoutes: healthRoutes(options.health) }),
          }),
  });
  const safety = new SafetyCommands({
    gateway,
    reads: options.reads,
    isModerator: (userId, rights) => moderation.isModerator(userId, rights),
    displayName: async (userId) => (await users.lookup(userId))?.displayName,
    commandName,
    logger,
    ...(options.consoleLinks !== undefined && { consoleLinks: options.consoleLinks }),
  });
  registerListeners(app, { entry, moderation, safety, work, commandName, teamId: bot.teamId, logger });
  const alerts =
    settings.alertChannel !== undefined
      ? { alerts: new SlackAlertPoster({ client, channel: settings.alertChannel, logger }) }
      : settings.moderatorIds.length > 0
        ? { teacherRequests: new SlackModeratorDMs({ client, moderatorIds: settings.moderatorIds, logger }) }
        : {};
  const settle = {
    ...(options.fileSettleMs === undefined ? {} : { fileSettleMs: options.fileSettleMs }),
    ...(options.streamPace === undefined ? {} : { streamPace: options.streamPace }),
  };
  // With the port comes how events stored before a restart are finished (e.g. killed while users.info was answering).
  const revive = { revive: (stored: StoredInbound) => entry.revive(stored), reviveOlder: reviveOlderSlackEvent };
  gateway.registerPort(new SlackReplyPoster({ client, logger, identity, status, ...alerts, ...settle, ...revive, stream: settings.streamReplies !== false, streamClient }));
  if (settings.alertChannel === undefined) logger.warn("slack: SLACK_ALERT_CHANNEL is not set, so safety alerts are not posted anywhere (flags are still stored)");

  let port: number | undefined;
  if ("socketMode" in receiver) {
    await app.start();
  } else {
    const listen = settings.host === undefined ? settings.port : { port: settings.port, host: settings.host };
    const server = (await app.start(listen)) as Server;
    port = (server.address() as AddressInfo).port;
  }
  logger.info(
    { mode: "socketMode" in receiver ? "socket" : "http", port, team: bot.teamId, bot: bot.name, commands: [`/${commandName}`, moderation.historyCommand, moderation.forgetCommand, safety.flagsCommand, safety.usageCommand, moderation.handbackCommand] },
    "slack adapter started",
  );

  let stopped: Promise<void> | undefined;
  return {
    ...(port === undefined ? {} : { port }),
    botUserId: bot.userId,
    idle: () => work.idle(),
    stop() {
      stopped ??= (async () => {
        await app.stop();
        await work.drain(options.drainTimeoutMs ?? 10_000);
        logger.info("slack adapter stopped");
      })();
      return stopped;
    },
  };
}
