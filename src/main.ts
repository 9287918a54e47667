// Baton's command line: `npm start` runs the bots (or the console chat without credentials); plus admin commands.

import { Command } from "commander";
import { runChatSession } from "./app/chat-session.js";
import { consoleCost } from "./app/console-cost.js";
import { appFromSettings, type ConversationApp } from "./app/create-app.js";
import { botsConfigured, serveBots } from "./app/serve-bots.js";
import { buildWorkflow } from "./app/workflow-from-roster.js";
import { loadRoster } from "./config/agents-file.js";
import { colourOutput } from "./config/colour-output.js";
import { whenConfigured } from "./config/configured.js";
import { loadSettings, type Settings } from "./config/env.js";
import { DemoChatClient } from "./llm/demo-chat-client.js";
import { createLogger, createServiceLogger, logFormatFor, type Logger } from "./logger.js";
import { findThreads, formatHistory, operatorScope, threadQuery } from "./history-command.js";
import { ALL_WORKSPACES, type ReadScope } from "./bot/moderator-reads-port.js";
import { DatabaseOpenError } from "./store/database-open-error.js";
import { runMigrateCommand } from "./store/migrate-command.js";
import { BatonError, UserError } from "./workflow/errors.js";

function serviceLogger(settings: Settings): Logger {
  return createServiceLogger(settings.logLevel, logFormatFor(settings.logFormat), settings.colour !== "never");
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
      if (botsConfigured(settings)) await serveBots(settings, serviceLogger(settings));
      else await runChatSession(settings, options.thread);
    });

  program
    .command("chat")
    .description("the console chat, on the embedded database")
    .option("--thread <name>", "the conversation to continue")
    .action(async (options: { thread?: string }) => {
      const settings = loadSettings();
      await runChatSession(settings, options.thread);
    });

  program
    .command("serve")
    .description("run the Discord and/or Slack bots that are configured")
    .action(async () => {
      const settings = loadSettings();
      await serveBots(settings, serviceLogger(settings));
    });

  program
    .command("discord:register")
    .description("register (overwrite) the Discord slash commands: in DISCORD_GUILD_ID if set, else globally")
    .action(async () => {
      const settings = loadSettings();
      const discord = whenConfigured(settings.discord);
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
      const result = await runDoctor(settings, { color: colourOutput(settings.colour, process.stdout) });
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
      const app = appFromSettings(settings, createLogger("silent"));
      try {
        if (options.format !== "text") process.stdout.write(await exportHistory(app, settings, options.platform, thread, options.format));
        else process.stdout.write(await formatHistory(app, options.platform, thread));
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
      const app = appFromSettings(settings, serviceLogger(settings));
      try {
        // Without --workspace the operator forgets the user in every workspace of the platform, by name, not by omission.
        const scope: ReadScope = { platform: options.platform, workspace: options.workspace ?? ALL_WORKSPACES };
        process.stdout.write(`Deleted ${await app.service.moderatorReads.forgetUser(scope, options.user)} messages.\n`);
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
  const conversationId = conversationNumber(thread) ?? (refs.length === 1 ? (await app.service.moderatorReads.transcript(operatorScope(platform), refs[0]!))?.conversationId : undefined);
  const text = conversationId === undefined ? undefined : await exportConversation({ db: app.db, agents: app.service.agents(), conversationId, format: chosen, ...consoleCost(settings) });
  if (text === undefined) throw new UserError(`No conversation "${thread}".`, { code: "configuration" });
  return text;
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
