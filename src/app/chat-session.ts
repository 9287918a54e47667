// `npm start` without bot credentials: the console chat on the embedded database, its log in a file beside it.

import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { colourOutput } from "../config/colour-output.js";
import { describeLlm, type Settings } from "../config/env.js";
import { createFileLogger } from "../logger.js";
import { runConsoleChat } from "../platforms/console/console-chat.js";
import { appFromSettings } from "./create-app.js";

/** The console chat logs to a file beside the database, so that no log line lands in the conversation. */
function chatLogPath(settings: Settings): string {
  return join(dirname(settings.databasePath), "baton.log");
}

export async function runChatSession(settings: Settings, thread: string | undefined): Promise<void> {
  const logPath = chatLogPath(settings);
  const logger = createFileLogger(settings.logLevel, logPath);
  // Node's own warnings would print into the conversation: they go to the log file like the rest.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => logger.warn({ err: warning }, "node warning"));
  // The console has one user, at the keyboard: a rate limit would only get in their way.
  const app = appFromSettings({ ...settings, limits: { ...settings.limits, rateLimitPerMinute: 0 } }, logger);
  const name = thread ?? `session-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const color = colourOutput(settings.colour, process.stdout);
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
