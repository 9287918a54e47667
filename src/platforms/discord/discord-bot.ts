// Starts the Discord adapter: registers the commands, logs in (without Message Content if Discord refuses it),
// wires the events to the service, and offers the service a port to deliver replies through.

import { once } from "node:events";
import { Client, Events, GatewayCloseCodes, GatewayIntentBits, Partials, type Webhook } from "discord.js";
import type { Logger } from "pino";
import type { ModeratorReads } from "../../bot/moderator-reads-port.js";
import type { ConversationGateway } from "../../bot/ports.js";
import { UserError } from "../../workflow/errors.js";
import { webhookName } from "./agent-identity.js";
import { NO_MENTIONS, type BotContext } from "./bot-context.js";
import { registerDiscordCommands } from "./commands.js";
import { describeNetworkFailure } from "../../network-failure.js";
import { DiscordAdapterError } from "./errors.js";
import { discordInviteUrl } from "./invite-url.js";
import { onInteraction } from "./interaction-handler.js";
import { onMessage } from "./message-handler.js";
import type { ConsoleLinks } from "../../bot/console-links.js";
import { DiscordAlertPoster } from "./alert-poster.js";
import { reviveDiscordEvent } from "./inbound-envelopes.js";
import { reviveOlderDiscordEvent } from "./older-received.js";
import { InFlightWork } from "../common/in-flight.js";
import { discordTyping } from "./typing-indicator.js";
import type { StoredInbound } from "../../bot/inbound-envelope.js";
import { DiscordReplyPort } from "./reply-port.js";
import { discordSettingsSchema, type DiscordSettings } from "./settings.js";
import { WebhookRegistry } from "./webhook-registry.js";

export interface DiscordBotOptions {
  readonly settings: DiscordSettings;
  readonly gateway: ConversationGateway;
  /** What the moderator commands read, in this server's scope. */
  readonly reads: ModeratorReads;
  readonly logger: Logger;
  /** Register the slash commands at start-up; default true. */
  readonly registerCommands?: boolean;
  /** How often the typing indicator is renewed; default 8 s (Discord shows it for about 10). */
  readonly typingIntervalMs?: number;
  /** How long stop() waits for messages still being handled. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** The web console's signed links (when it runs), for /history. */
  readonly consoleLinks?: ConsoleLinks;
}

export interface DiscordBot {
  /** The bot's user id (mentions of it start conversations). */
  readonly userId: string;
  /** False when Discord refused the privileged Message Content intent: only mentions are seen then. */
  readonly messageContent: boolean;
  /** Stops taking events, waits for the messages being handled, then disconnects. */
  stop(): Promise<void>;
}

const WITH_CONTENT = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];
const WITHOUT_CONTENT = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];

export async function startDiscordBot(options: DiscordBotOptions): Promise<DiscordBot> {
  const parsed = discordSettingsSchema.safeParse(options.settings);
  if (!parsed.success) {
    throw new UserError(`Invalid Discord settings: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`, {
      code: "configuration",
    });
  }
  const settings = options.settings;
  const logger = options.logger.child({ platform: "discord" });
  if (options.registerCommands !== false) {
    const registered = await registerDiscordCommands(settings);
    logger.info(registered, "discord: slash commands registered");
  }
  const { client, messageContent } = await connect(settings, logger);
  const typing = discordTyping(client, logger, options.typingIntervalMs);
  const context: BotContext = { client, gateway: options.gateway, reads: options.reads, settings, logger, typing, consoleLinks: options.consoleLinks };
  const work = new InFlightWork(logger);
  const onMessageCreate = (message: Parameters<typeof onMessage>[1]) => work.run("discord message", () => onMessage(context, message));
  const onInteractionCreate = (interaction: Parameters<typeof onInteraction>[1]) => work.run("discord interaction", () => onInteraction(context, interaction));
  client.on(Events.MessageCreate, onMessageCreate);
  client.on(Events.InteractionCreate, onInteractionCreate);

  const webhooks = new WebhookRegistry<Webhook>({ applicationId: settings.applicationId, botUserId: client.user.id, webhookName: webhookName(client.user.username), logger });
  const alerts = settings.alertChannelId === undefined ? {} : { alerts: new DiscordAlertPoster(client, settings.alertChannelId) };
  const streaming = { stream: settings.streamReplies ?? true, ...(settings.streamPace === undefined ? {} : { streamPace: settings.streamPace }) };
  // With the port comes how events stored before a restart are finished (e.g. killed while the thread was being created).
  const revive = (stored: StoredInbound) => reviveDiscordEvent(context, stored);
  options.gateway.registerPort(new DiscordReplyPort({ client, webhooks, logger, ...alerts, ...streaming, revive, reviveOlder: reviveOlderDiscordEvent }));
  if (settings.alertChannelId === undefined) {
    logger.warn("discord: DISCORD_ALERT_CHANNEL_ID is not set, so safety alerts are not posted anywhere (flags are still stored)");
  }
  logger.info({ user: client.user.tag, guilds: client.guilds.cache.size, messageContent }, "discord: logged in");
  if (client.guilds.cache.size === 0) {
    const invite = discordInviteUrl(settings.applicationId);
    logger.warn({ invite }, `discord: the bot is in no server yet; invite it with ${invite}`);
  }

  let stopping: Promise<void> | undefined;
  return {
    userId: client.user.id,
    messageContent,
    stop() {
      stopping ??= (async () => {
        client.off(Events.MessageCreate, onMessageCreate);
        client.off(Events.InteractionCreate, onInteractionCreate);
        // What is still running past the limit is stored, and finished at the next start.
        await work.drain(options.drainTimeoutMs ?? 10_000);
        await client.destroy();
        logger.info("discord: disconnected");
      })();
      return stopping;
    },
  };
}

/** Logs in with the Message Content intent; if Discord refuses it (4014), logs in again without, and says why. */
async function connect(settings: DiscordSettings, logger: Logger): Promise<{ client: Client<true>; messageContent: boolean }> {
  try {
    return { client: await login(settings, logger, WITH_CONTENT), messageContent: true };
  } catch (error) {
    if (!(error instanceof DisallowedIntentsError)) throw error;
    logger.warn(
      "discord: the Message Content intent is not enabled for this application, so only messages that mention the bot are seen; " +
        "enable it in the Developer Portal (Bot → Privileged Gateway Intents → Message Content Intent) for follow-ups without a mention",
    );
    return { client: await login(settings, logger, WITHOUT_CONTENT), messageContent: false };
  }
}

class DisallowedIntentsError extends Error {}

async function login(settings: DiscordSettings, logger: Logger, intents: readonly GatewayIntentBits[]): Promise<Client<true>> {
  const client = new Client({
    intents: [...intents],
    // Threads unarchived after a restart may not be cached yet; their messages still arrive, with a partial channel.
    partials: [Partials.Channel],
    // A default for anything posted without its own allowedMentions: nothing the bot posts may ping.
    allowedMentions: { ...NO_MENTIONS, repliedUser: false },
    ...(settings.apiUrl === undefined ? {} : { rest: { api: settings.apiUrl } }),
  });
  let closeCode: number | undefined;
  client.on(Events.ShardDisconnect, (event) => {
    closeCode = event.code;
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord: client error"));
  client.on(Events.ShardError, (error) => logger.warn({ err: error }, "discord: gateway connection error"));
  client.on(Events.Warn, (message) => logger.warn(message));
  const abort = new AbortController();
  const ready = once(client, Events.ClientReady, { signal: abort.signal });
  ready.catch(() => undefined);
  try {
    await client.login(settings.token);
    await ready;
  } catch (error) {
    abort.abort();
    await client.destroy();
    if (closeCode === GatewayCloseCodes.DisallowedIntents) throw new DisallowedIntentsError("Disallowed intents", { cause: error });
    const network = describeNetworkFailure(error, settings.apiUrl ?? "https://discord.com/api");
    if (network !== undefined) throw new DiscordAdapterError("discord_unreachable", `Discord: ${network}`, { cause: error });
    throw new DiscordAdapterError("discord_login_failed", `Discord login failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (!client.isReady()) throw new DiscordAdapterError("discord_login_failed", "Discord login finished without a ready client");
  return client;
}
