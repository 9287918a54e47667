// The process's structured logger (pino): one JSON event per line on stderr, secrets redacted by configuration.

import pino, { type Logger } from "pino";

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

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "baton" } }, destination);
}

export type { Logger };
