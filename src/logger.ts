// The process's structured logger (pino): JSON lines, or pino-pretty's coloured lines on a terminal; secrets redacted.

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/** Field names that may carry a secret anywhere in a log event; pino replaces their values. */
const REDACT = [
  "token",
  "apiKey",
  "api_key",
  "authorization",
  "password",
  "secret",
  "signingSecret",
  "botToken",
  "appToken",
  "*.token",
  "*.apiKey",
  "*.authorization",
  "*.headers.authorization",
  "*.headers['api-key']",
  "*.botToken",
  "*.appToken",
  "*.signingSecret",
  "*.secret",
];

/** Secrets that turn up inside text: Slack and OpenAI keys, Discord webhook and interaction tokens in URLs, auth headers. */
const SECRET_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/xox[a-z]-[A-Za-z0-9-]+/g, "xox?-[redacted]"],
  [/xapp-[A-Za-z0-9-]+/g, "xapp-[redacted]"],
  [/sk-[A-Za-z0-9_-]{8,}/g, "sk-[redacted]"],
  [/(\/(?:webhooks|interactions)\/\d+\/)[A-Za-z0-9_.-]+/g, "$1[redacted]"],
  [/\b(Bot|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, "$1 [redacted]"],
];

export function scrubSecrets(text: string): string {
  return SECRET_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * Errors are logged by what they say, never by what they carry: HTTP clients hang the request URL (with a Discord
 * webhook's token), its body (a student's text) and its headers (a bot token) on their errors.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== "object" || error === null) return { message: scrubSecrets(String(error)) };
  const e = error as Error & { code?: unknown; status?: unknown; slackError?: unknown; cause?: unknown };
  const out: Record<string, unknown> = { type: e.constructor?.name ?? "Error", message: scrubSecrets(String(e.message ?? "")) };
  if (typeof e.stack === "string") out.stack = scrubSecrets(e.stack);
  if (typeof e.code === "string" || typeof e.code === "number") out.code = e.code;
  if (typeof e.status === "number") out.status = e.status;
  if (typeof e.slackError === "string") out.slackError = e.slackError;
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: "[redacted]" },
      serializers: { err: serializeError, error: serializeError },
      base: { app: "baton" },
    },
    destination,
  );
}

export type LogFormat = "pretty" | "json";

/** LOG_FORMAT when set; otherwise pretty on a terminal, JSON under systemd, docker and pipes (for log collectors). */
export function logFormatFor(setting: LogFormat | undefined, stream: { readonly isTTY?: boolean } = process.stderr): LogFormat {
  return setting ?? (stream.isTTY === true ? "pretty" : "json");
}

/** The bots' logger on stderr, in the chosen format; `colour` (pretty only) follows NO_COLOR / FORCE_COLOR. */
export function createServiceLogger(level: string, format: LogFormat, colour: boolean): Logger {
  if (format === "json") return createLogger(level);
  return createLogger(level, pretty({ destination: 2, sync: true, colorize: colour, ignore: "pid,hostname,app", translateTime: "SYS:HH:MM:ss" }));
}

/** The console chat's logger: a file (JSON lines) so that nothing is printed into the conversation. */
export function createFileLogger(level: string, path: string): Logger {
  mkdirSync(dirname(path), { recursive: true });
  return createLogger(level, pino.destination({ dest: path, append: true, sync: true }));
}

export type { Logger };
