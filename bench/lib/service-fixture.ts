// A real ConversationService for the end-to-end scenarios: a SQLite file in a temp dir, the default roster, a fake model.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parse, stringify } from "yaml";
import { createConversationApp, type ConversationApp } from "../../src/app/create-app.js";
import type { ServiceLimits } from "../../src/bot/conversation-service.js";
import type { InboundMessage, OutboundReply, PlatformPort } from "../../src/bot/ports.js";
import { SeedChatClient, type SeedChatClientOptions } from "./seed-chat-client.js";
import { envelopeOf } from "../../test/support/envelope-of.js";

const ROSTER = new URL("../../agents.yaml", import.meta.url).pathname;

/** The service's defaults from src/config/env.ts, with the rate limit off: the bench is one very fast student. */
export const BENCH_LIMITS: ServiceLimits = { maxInputChars: 4_000, historyMessages: 40, historyTokens: 6_000, rateLimitPerMinute: 0 };

/** A platform that accepts every reply at once: what is measured is Baton, not a chat platform. */
export class NoopPort implements PlatformPort {
  readonly platform = "bench";
  delivered = 0;

  async deliver(_reply: OutboundReply): Promise<string> {
    return `bench-${++this.delivered}`;
  }
}

export interface BenchApp {
  readonly app: ConversationApp;
  readonly model: SeedChatClient;
  readonly port: NoopPort;
  readonly databasePath: string;
  close(): Promise<void>;
}

export interface BenchAppOptions extends SeedChatClientOptions {
  readonly returnToPrevious?: boolean;
  /** SQLite in memory instead of a file: only to show what the disk costs, never a figure of its own. */
  readonly inMemory?: boolean;
}

export function startBenchApp(options: BenchAppOptions = {}): BenchApp {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-"));
  const databasePath = options.inMemory ? ":memory:" : join(dir, "baton.db");
  let agentsFile = ROSTER;
  if (options.returnToPrevious) {
    const roster = parse(readFileSync(ROSTER, "utf8")) as { options?: Record<string, unknown> };
    roster.options = { ...roster.options, returnToPrevious: true };
    agentsFile = join(dir, "agents.yaml");
    writeFileSync(agentsFile, stringify(roster));
  }
  const model = new SeedChatClient(options);
  const app = createConversationApp({ databasePath, agentsFile, llm: model, limits: BENCH_LIMITS, logger: pino({ level: "silent" }) });
  const port = new NoopPort();
  app.service.registerPort(port);
  return {
    app,
    model,
    port,
    databasePath,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let events = 0;

/** A student's message in a thread of the bench platform; every call is a new platform event. */
export function studentMessage(thread: string, text: string): InboundMessage {
  const id = ++events;
  return { platform: "bench", workspace: "school", channel: "homework", thread, eventId: `event-${id}`, user: { id: "student-1", name: "Student" }, text };
}

/** Asks one question and checks the turn ran the scenario: a completed turn with the triage note and the tutor's answer. */
export async function ask(bench: BenchApp, thread: string, text: string): Promise<void> {
  const outcome = await bench.app.service.accept(envelopeOf(studentMessage(thread, text)));
  if (outcome.status !== "completed" || outcome.replies < 2) throw new Error(`The benchmark turn did not complete: ${JSON.stringify(outcome)}`);
}
