// Bolt's and the Web API client's logs, sent to pino at the matching level, with anything token-shaped scrubbed.

import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "pino";

const TOKEN = /\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+/g;

/** Tokens never reach a log line, whatever a library chooses to print. */
export function scrubTokens(text: string): string {
  return text.replace(TOKEN, "$1-[redacted]");
}

function render(parts: readonly unknown[]): string {
  return scrubTokens(
    parts
      .map((part) => {
        if (typeof part === "string") return part;
        if (part instanceof Error) return part.stack ?? part.message;
        try {
          return JSON.stringify(part);
        } catch {
          return String(part);
        }
      })
      .join(" "),
  );
}

const SEVERITY: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 20,
  [LogLevel.INFO]: 30,
  [LogLevel.WARN]: 40,
  [LogLevel.ERROR]: 50,
};

/** The Bolt level that lets through what pino would keep, so Bolt does no work pino would drop. */
export function boltLevelFor(logger: Logger): LogLevel {
  const value = logger.levelVal;
  if (value <= 20) return LogLevel.DEBUG;
  if (value <= 30) return LogLevel.INFO;
  if (value <= 40) return LogLevel.WARN;
  return LogLevel.ERROR;
}

/**
 * A @slack/logger Logger over a pino child logger; setLevel filters only the SDK's lines, never the parent's.
 * One instance is shared by Bolt and every WebClient, which each call setName on it: names are ignored.
 */
export function createBoltLogger(logger: Logger): BoltLogger {
  let level = boltLevelFor(logger);
  const log = logger.child({ lib: "slack-sdk" });
  const emit = (at: LogLevel, parts: readonly unknown[]): void => {
    if (SEVERITY[at] < SEVERITY[level]) return;
    const message = render(parts);
    if (at === LogLevel.DEBUG) log.debug(message);
    else if (at === LogLevel.INFO) log.info(message);
    else if (at === LogLevel.WARN) log.warn(message);
    else log.error(message);
  };
  return {
    debug: (...parts: unknown[]) => emit(LogLevel.DEBUG, parts),
    info: (...parts: unknown[]) => emit(LogLevel.INFO, parts),
    warn: (...parts: unknown[]) => emit(LogLevel.WARN, parts),
    error: (...parts: unknown[]) => emit(LogLevel.ERROR, parts),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
