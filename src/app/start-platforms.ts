// Starts the platform adapters whose credentials are configured (Discord, Slack, or both in one process).

import type { Logger } from "pino";
import type { ConversationApp } from "./create-app.js";
import type { ConsoleLinks } from "../bot/console-links.js";
import type { Settings } from "../config/env.js";
import type { HealthCheck } from "../health.js";
import { whenConfigured } from "../config/configured.js";
import { UserError } from "../workflow/errors.js";
import { startDiscordBot } from "../platforms/discord/index.js";
import { startSlackBot } from "../platforms/slack/index.js";

export interface RunningPlatforms {
  readonly names: readonly string[];
  stop(): Promise<void>;
}

export async function startPlatforms(options: {
  settings: Settings;
  app: ConversationApp;
  logger: Logger;
  /** The web console's link maker, when it runs: moderator replies then carry a signed link. */
  consoleLinks?: ConsoleLinks;
  /** Answered on the Slack HTTP port (HTTP events mode). */
  health?: HealthCheck;
}): Promise<RunningPlatforms> {
  const { settings, app, logger } = options;
  const links = options.consoleLinks === undefined ? {} : { consoleLinks: options.consoleLinks };
  const discord = whenConfigured(settings.discord);
  const slack = whenConfigured(settings.slack);
  if (discord === undefined && slack === undefined) {
    throw new UserError("Set DISCORD_TOKEN and/or SLACK_BOT_TOKEN to run the bots.", { code: "configuration" });
  }
  const running: Array<{ name: string; stop(): Promise<void> }> = [];
  try {
    if (discord !== undefined) {
      const bot = await startDiscordBot({ settings: discord, gateway: app.service, reads: app.service.moderatorReads, logger, ...links });
      running.push({ name: "discord", stop: () => bot.stop() });
      logger.info({ messageContent: bot.messageContent }, "discord: connected");
    }
    if (slack !== undefined) {
      const bot = await startSlackBot({ settings: slack, gateway: app.service, reads: app.service.moderatorReads, logger, ...links, ...(options.health !== undefined && { health: options.health }) });
      running.push({ name: "slack", stop: () => bot.stop() });
      logger.info({ mode: slack.appToken !== undefined ? "socket" : "http", port: bot.port }, "slack: listening");
    }
  } catch (error) {
    await Promise.allSettled(running.map((platform) => platform.stop()));
    throw error;
  }
  return {
    names: running.map((platform) => platform.name),
    async stop() {
      await Promise.allSettled(running.map((platform) => platform.stop()));
    },
  };
}
