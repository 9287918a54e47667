// `npm start` with bot credentials (or `serve`): tracing, the app, health checks, the web console and the bots, in order.

import type { Logger } from "pino";
import { whenConfigured } from "../config/configured.js";
import { describeLlm, type Settings } from "../config/env.js";
import type { HealthCheck } from "../health.js";
import { consoleCost } from "./console-cost.js";
import { appFromSettings, type ConversationApp } from "./create-app.js";

/** Whether a bot is configured; a token without its companion setting stops here with a message naming what is missing. */
export function botsConfigured(settings: Settings): boolean {
  return whenConfigured(settings.discord) !== undefined || whenConfigured(settings.slack) !== undefined;
}

export async function serveBots(settings: Settings, logger: Logger): Promise<void> {
  const { startPlatforms } = await import("./start-platforms.js");
  const { startTracing } = await import("./tracing.js");
  const tracing = startTracing(settings.tracing);
  const app = appFromSettings(settings, logger);
  logger.info({ model: describeLlm(settings.llm) }, "starting");
  if (settings.llm.provider === "demo") warnDemoModel(logger);
  // Messages that arrive while the bots connect wait until the work left from before a restart is queued.
  app.service.pauseIntake();
  let platforms: Awaited<ReturnType<typeof startPlatforms>> | undefined;
  const { HealthProbe, startHealthServer } = await import("../health.js");
  const health = new HealthProbe(app.db);
  const healthServer = settings.health.port === undefined ? undefined : await startHealthServer(health, settings.health.port, settings.health.host);
  if (healthServer !== undefined) logger.info({ port: healthServer.port }, "health checks on /healthz and /readyz");
  const adminConsole = await startAdminConsole(settings, app, logger, health);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    health.markStopping();
    // Interrupt the turns first (they stay pending and resume at the next start), so the adapters' own drains are quick.
    await app.service.close();
    await platforms?.stop();
    await adminConsole?.close();
    healthServer?.server.close();
    app.db.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  platforms = await startPlatforms({ settings, app, logger, health, ...(adminConsole !== undefined && { consoleLinks: adminConsole.links }) });
  logger.info({ platforms: platforms.names }, "bots running");
  app.service.startRetention();
  await app.service.recover();
  health.markReady();
}

/** The moderators' web console, when ADMIN_PORT is set: same process, same database. */
async function startAdminConsole(settings: Settings, app: ConversationApp, logger: Logger, health: HealthCheck) {
  const config = whenConfigured(settings.adminConsole);
  if (config === undefined) return undefined;
  const { startConsoleServer } = await import("../admin/console-server.js");
  return startConsoleServer({ settings: config, db: app.db, workflow: app.workflow, agents: app.service.agents(), logger, health, prices: settings.safety.prices, ...consoleCost(settings) });
}

/** The bots on the demo model answer every student with canned text: say so loudly, and how to fix it. */
function warnDemoModel(logger: Logger): void {
  const bar = "!".repeat(78);
  process.stderr.write(
    `${bar}\n!! The bots are running on the OFFLINE DEMO MODEL: students get canned demo answers, not a tutor.\n` +
      "!! Set OPENAI_API_KEY (or OPENAI_BASE_URL, or AZURE_OPENAI_ENDPOINT) in .env, then check with npm run doctor.\n" +
      `${bar}\n`,
  );
  logger.warn("the bots run on the offline demo model: set OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT");
}
