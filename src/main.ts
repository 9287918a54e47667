// Baton's command line: `npm start` runs the bots (or the console chat without credentials); plus admin commands.

import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { createConversationApp, type ConversationApp } from "./app/create-app.js";
import { buildWorkflow } from "./app/workflow-from-roster.js";
import { loadRoster } from "./config/agents-file.js";
import { describeLlm, loadSettings, type Settings } from "./config/env.js";
import { DemoChatClient } from "./llm/demo-chat-client.js";
import { createFileLogger, createLogger, createServiceLogger, logFormatFor, type Logger } from "./logger.js";
import { findThreads, formatHistory, threadQuery } from "./history-command.js";
import type { HealthCheck } from "./health.js";
import { runConsoleChat } from "./platforms/console/console-chat.js";
import { DatabaseOpenError } from "./store/database-open-error.js";
import { runMigrateCommand } from "./store/migrate-command.js";
import { costPerMillion, type CostEstimator } from "./admin/usage-cost.js";
import { colourOutput } from "./config/colour-output.js";
import { consoleSettings } from "./config/console-settings.js";
import { discordSettings, slackSettings } from "./config/platform-settings.js";
import { BatonError, UserError } from "./workflow/errors.js";

function openApp(settings: Settings, logger: Logger): ConversationApp {
  return createConversationApp({
    databasePath: settings.databasePath,
    agentsFile: settings.agentsFile,
    llm: settings.llm,
    limits: settings.limits,
    safety: settings.safety,
    attachments: settings.attachments,
    logger,
    traceContent: settings.tracing.content,
  });
}

/** The console chat logs to a file beside the database, so that no log line lands in the conversation. */
function chatLogPath(settings: Settings): string {
  return join(dirname(settings.databasePath), "baton.log");
}

function serviceLogger(settings: Settings): Logger {
  return createServiceLogger(settings.logLevel, logFormatFor(settings.env.LOG_FORMAT));
}

async function chat(settings: Settings, thread: string | undefined): Promise<void> {
  const logPath = chatLogPath(settings);
  const logger = createFileLogger(settings.logLevel, logPath);
  // Node's own warnings would print into the conversation: they go to the log file like the rest.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => logger.warn({ err: warning }, "node warning"));
  // The console has one user, at the keyboard: a rate limit would only get in their way.
  const app = openApp({ ...settings, limits: { ...settings.limits, rateLimitPerMinute: 0 } }, logger);
  const name = thread ?? `session-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const color = colourOutput(process.env, process.stdout);
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const err = process.stderr;
  err.write(`Baton console chat — model: ${describeLlm(settings.llm)}\n`);
  if (settings.llm.provider === "demo") err.write("Demo mode: answers come from the offline demo model, not an LLM.\n");
  const keys = terminal ? "Ctrl-C stops an answer; Ctrl-D (or Ctrl-C at an empty prompt) ends the chat." : "End with Ctrl-D.";
  err.write(`Conversation "${name}" (resume it with: npm start -- --thread ${name}). ${keys}\n`);
  err.write(`Warnings and errors are logged to ${logPath}.\n`);
  try {
    await runConsoleChat({
      service: app.service,
      input: process.stdin,
      output: process.stdout,
      thread: name,
      color,
      echo: process.stdin.isTTY !== true,
      ...(terminal && { terminal: { input: process.stdin, historyPath: join(dirname(settings.databasePath), "console-history") } }),
    });
  } finally {
    await app.close();
  }
}

async function serve(settings: Settings, logger: Logger): Promise<void> {
  const { startPlatforms } = await import("./app/start-platforms.js");
  const { startTracing } = await import("./app/tracing.js");
  const tracing = startTracing(settings.tracing);
  const app = openApp(settings, logger);
  logger.info({ model: describeLlm(settings.llm) }, "starting");
  if (settings.llm.provider === "demo") warnDemoModel(logger);
  // Messages that arrive while the bots connect wait until the work left from before a restart is queued.
  app.service.pauseIntake();
  let platforms: Awaited<ReturnType<typeof startPlatforms>> | undefined;
  const { HealthProbe, startHealthServer } = await import("./health.js");
  const health = new HealthProbe(app.db);
  const healthServer =
    settings.env.HEALTH_PORT === undefined ? undefined : await startHealthServer(health, settings.env.HEALTH_PORT, settings.env.HOST);
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
  const config = consoleSettings(settings.env);
  if (config === undefined) return undefined;
  const { startConsoleServer } = await import("./admin/console-server.js");
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

/** Incomplete credentials (a token without its companion setting) stop here with a message naming what is missing. */
function hasPlatformCredentials(settings: Settings): boolean {
  return discordSettings(settings.env) !== undefined || slackSettings(settings.env) !== undefined;
}

export function buildProgram(): Command {
  const program = new Command()
    .name("baton")
    // Options before a command name are the program's, after it the command's: `chat --thread X` reaches chat.
    .enablePositionalOptions()
    .description("Baton: multi-agent homework tutors for Discord, Slack and the console")
    .option("--thread <name>", "console chat: the conversation to continue")
    .action(async (options: { thread?: string }) => {
      const settings = loadSettings();
      if (hasPlatformCredentials(settings)) await serve(settings, serviceLogger(settings));
      else await chat(settings, options.thread);
    });

  program
    .command("chat")
    .description("the console chat, on the embedded database")
    .option("--thread <name>", "the conversation to continue")
    .action(async (options: { thread?: string }) => {
      const settings = loadSettings();
      await chat(settings, options.thread);
    });

  program
    .command("serve")
    .description("run the Discord and/or Slack bots that are configured")
    .action(async () => {
      const settings = loadSettings();
      await serve(settings, serviceLogger(settings));
    });

  program
    .command("discord:register")
    .description("register (overwrite) the Discord slash commands: in DISCORD_GUILD_ID if set, else globally")
    .action(async () => {
      const settings = loadSettings();
      const discord = discordSettings(settings.env);
      if (discord === undefined) throw new UserError("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID first.", { code: "configuration" });
      const { registerDiscordCommands } = await import("./platforms/discord/index.js");
      const registered = await registerDiscordCommands(discord);
      process.stdout.write(`Registered ${registered.names.map((n) => `/${n}`).join(", ")} (${registered.scope}).\n`);
    });

  program
    .command("doctor")
    .description("check the model, Discord, Slack and the database; exit code 0 only when everything needed works")
    .action(async () => {
      const settings = loadSettings();
      const { runDoctor } = await import("./doctor/run-doctor.js");
      const result = await runDoctor(settings, { color: colourOutput(process.env, process.stdout) });
      process.stdout.write(result.text);
      process.exitCode = result.exitCode;
    });

  program
    .command("slack:manifest-link")
    .description("print Slack's one-click link that creates the app from slack/manifest.yml")
    .action(async () => {
      const { slackManifestLink } = await import("./platforms/slack/manifest-link.js");
      process.stdout.write(`${slackManifestLink()}\n`);
    });

  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(() => {
      const settings = loadSettings();
      runMigrateCommand({ databasePath: settings.databasePath, print: (line) => process.stdout.write(`${line}\n`) });
    });

  program
    .command("graph")
    .description("print the handoff graph of the agents file as a Mermaid flowchart")
    .action(() => {
      const settings = loadSettings();
      process.stdout.write(buildWorkflow(loadRoster(settings.agentsFile), new DemoChatClient(), settings.agentsFile).toMermaid());
    });

  program
    .command("history")
    .description("print a conversation's transcript (console threads by name), or list recent conversations")
    .argument("[name]", "console: the conversation's name; discord: the thread id; slack: channel/ts or the thread's link; any: #id")
    .option("--platform <platform>", "list or look up conversations of this platform", "console")
    .option("--format <format>", "text, or md / json: the web console's export", "text")
    .action(async (thread: string | undefined, options: { platform: string; format: string }) => {
      const settings = loadSettings();
      const app = openApp(settings, createLogger("silent"));
      try {
        if (options.format !== "text") process.stdout.write(await exportHistory(app, settings, options.platform, thread, options.format));
        else process.stdout.write(formatHistory(app, options.platform, thread));
      } finally {
        await app.close();
      }
    });

  program
    .command("forget")
    .description("delete every stored message of a user")
    .requiredOption("--platform <platform>", "console | discord | slack")
    .requiredOption("--user <id>", "the user's platform id")
    .option("--workspace <id>", "only in this Discord server or Slack workspace")
    .action(async (options: { platform: string; user: string; workspace?: string }) => {
      const settings = loadSettings();
      const app = openApp(settings, serviceLogger(settings));
      try {
        process.stdout.write(`Deleted ${app.service.forgetUser(options.platform, options.user, options.workspace)} messages.\n`);
      } finally {
        await app.close();
      }
    });
  return program;
}

async function exportHistory(app: ConversationApp, settings: Settings, platform: string, thread: string | undefined, format: string): Promise<string> {
  const { EXPORT_FORMATS, conversationNumber, exportConversation } = await import("./admin/history-export.js");
  const chosen = EXPORT_FORMATS.find((f) => f === format);
  if (chosen === undefined) throw new UserError(`--format must be text, md or json, not "${format}".`, { code: "configuration" });
  if (thread === undefined) throw new UserError("history --format md|json needs a conversation: a console thread's name, or #42.", { code: "configuration" });
  const refs = conversationNumber(thread) === undefined ? findThreads(app, platform, threadQuery(platform, thread)) : [];
  const conversationId = conversationNumber(thread) ?? (refs.length === 1 ? (await app.service.transcript(refs[0]!))?.conversationId : undefined);
  const text = conversationId === undefined ? undefined : await exportConversation({ db: app.db, agents: app.service.agents(), conversationId, format: chosen, ...consoleCost(settings) });
  if (text === undefined) throw new UserError(`No conversation "${thread}".`, { code: "configuration" });
  return text;
}

/** Costs at the configured model's price (BATON_MODEL_PRICES); unknown model or demo: no cost. */
function consoleCost(settings: Settings): { cost?: CostEstimator } {
  const model = settings.llm.provider === "openai" ? settings.llm.model : settings.llm.provider === "azure" ? settings.llm.deployment : undefined;
  const price = model === undefined ? undefined : settings.safety.prices.get(model);
  return price === undefined ? {} : { cost: costPerMillion(price) };
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // Configuration mistakes are the operator's to fix: say what is wrong without a stack trace.
    const message =
      error instanceof DatabaseOpenError
        ? `BATON_DB=${error.path}: ${error.detail}. ${error.remedy}`
        : error instanceof BatonError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`baton: ${message}\n`);
    process.exit(1);
  });
