// Test bed for the console: a real SQLite file with seeded conversations, the Hono app over it, and sign-in helpers.

import type { AgentPresentation } from "../../src/bot/ports.js";
import { createConsoleApp } from "../../src/admin/app.js";
import type { ConsoleActor, ConsoleScope } from "../../src/admin/scope.js";
import { signLink } from "../../src/admin/signed-link.js";
import { costPerMillion } from "../../src/admin/usage-cost.js";
import { SqliteConsoleStore } from "../../src/store/console/sqlite-console-store.js";
import { DEFAULT_MODEL_PRICES } from "../../src/config/safety-settings.js";
import type { ConversationStore, Database } from "../../src/store/index.js";
import { UsageStore } from "../../src/store/usage-store.js";
import { tempStore } from "../store/temp-database.js";

export const SECRET = "test-secret-0123456789abcdef0123456789abcdef";
export const OPERATOR_TOKEN = "operator-token-0123456789";
export const MODERATOR: ConsoleActor = { id: "discord:mod-1", name: "Ms Rivera" };

export const AGENTS: ReadonlyMap<string, AgentPresentation> = new Map([
  ["triage_agent", { name: "triage_agent", displayName: "Triage", emoji: ":compass:" }],
  ["math_tutor", { name: "math_tutor", displayName: "Math Tutor", emoji: ":triangular_ruler:", avatarUrl: "https://avatars.example/math.png" }],
  ["history_tutor", { name: "history_tutor", displayName: "History Tutor", emoji: ":scroll:" }],
]);

export const GRAPH = {
  start: "triage_agent",
  agents: [...AGENTS.values()].map((a) => ({ name: a.name, displayName: a.displayName })),
  edges: [
    { from: "triage_agent", to: "math_tutor" },
    { from: "triage_agent", to: "history_tutor" },
    { from: "math_tutor", to: "triage_agent" },
    { from: "history_tutor", to: "triage_agent" },
  ],
};

export interface Seeded {
  /** discord guild-1: a math question handed from triage to the math tutor, with usage. */
  readonly math: number;
  /** discord guild-1: a history question whose turn failed. */
  readonly failed: number;
  /** discord guild-2: another server's conversation. */
  readonly otherGuild: number;
  /** slack T1. */
  readonly slack: number;
}

/** Four conversations over two Discord servers and one Slack workspace, an hour apart (newest: slack). */
export async function seed(store: ConversationStore, clock: { now: number }, usage: UsageStore): Promise<Seeded> {
  const discord = (workspace: string, thread: string) => ({ platform: "discord", workspace, channel: "homework", thread });
  const math = (await store.getOrCreateConversation(discord("guild-1", "t-math"))).id;
  const q1 = await store.appendUserMessage(math, { userId: "stu-1", userName: "Ada", text: "How do I solve quadratic equations?" });
  clock.now += 1_000;
  await store.appendAgentReply(math, {
    message: { role: "assistant", text: "", authorAgent: "triage_agent", usage: { promptTokens: 120, completionTokens: 8, totalTokens: 128 } },
    handoff: { from: "triage_agent", to: "math_tutor", reason: "a math question" },
  });
  clock.now += 1_000;
  await store.appendAgentReply(math, {
    message: {
      role: "assistant",
      text: "Use the quadratic formula: x = (-b ± √(b²-4ac)) / 2a. What are a, b and c in yours?",
      authorAgent: "math_tutor",
      usage: { promptTokens: 300, completionTokens: 40, totalTokens: 340 },
    },
    reply: { agentName: "math_tutor", text: "…" },
  });
  await store.completeTurn(q1.id, "completed");
  // What the usage meter records at the end of the turn: the turn's tokens, per student, day and model.
  usage.add({ platform: "discord", workspace: "guild-1", day: "2023-11-14", userId: "stu-1", model: "gpt-4o-mini", promptTokens: 420, completionTokens: 48 });

  clock.now += 3_600_000;
  const failed = (await store.getOrCreateConversation(discord("guild-1", "t-hist"))).id;
  const q2 = await store.appendUserMessage(failed, { userId: "stu-2", userName: "Bruno", text: "Who crowned Charlemagne? <script>alert(1)</script>" });
  await store.completeTurn(q2.id, "failed", "model_unavailable");

  clock.now += 3_600_000;
  const otherGuild = (await store.getOrCreateConversation(discord("guild-2", "t-x"))).id;
  await store.appendUserMessage(otherGuild, { userId: "stu-9", userName: "Other", text: "quadratic question from another server" });

  clock.now += 3_600_000;
  const slack = (await store.getOrCreateConversation({ platform: "slack", workspace: "T1", channel: "C1", thread: "1700.1" })).id;
  await store.appendUserMessage(slack, { userId: "U1", userName: "Chloé", text: "<img src=x onerror=alert(1)> what is photosynthesis" });
  return { math, failed, otherGuild, slack };
}

export async function consoleBed(options: { publicUrl?: string; setup?: (db: Database) => void } = {}) {
  const { db, store, clock, path } = tempStore();
  options.setup?.(db);
  const seeded = await seed(store, clock, new UsageStore(db));
  const consoleStore = new SqliteConsoleStore(db);
  const app = createConsoleApp({
    store: consoleStore,
    secret: SECRET,
    operatorToken: OPERATOR_TOKEN,
    publicUrl: options.publicUrl ?? "http://127.0.0.1:8080",
    agents: AGENTS,
    graph: GRAPH,
    cost: costPerMillion({ input: 0.15, output: 0.6 }),
    prices: DEFAULT_MODEL_PRICES,
    now: () => clock.now,
  });

  const link = (scope: ConsoleScope, path = "/conversations", actor: ConsoleActor = MODERATOR) =>
    `/auth?t=${signLink(SECRET, { scope, actor, path, now: clock.now })}`;

  /** Uses a link and returns the session cookie ("name=value"). */
  const signIn = async (scope: ConsoleScope, actor: ConsoleActor = MODERATOR): Promise<string> => {
    const response = await app.request(link(scope, "/conversations", actor));
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status}`);
    return sessionCookie(response);
  };

  const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { ...(cookie === undefined ? {} : { Cookie: cookie }), ...headers } });

  const post = (path: string, cookie: string | undefined, form: Record<string, string>) =>
    app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie === undefined ? {} : { Cookie: cookie }) },
      body: new URLSearchParams(form).toString(),
    });

  return { app, db, store, consoleStore, clock, path, seeded, link, signIn, get, post };
}

export const guild1: ConsoleScope = { kind: "workspace", platform: "discord", workspace: "guild-1" };

export function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => /^(__Host-)?baton_session=/.test(c));
  if (cookie === undefined) throw new Error("no session cookie set");
  return cookie.split(";")[0]!;
}

/** The CSRF token of the page's forms. */
export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (match === null) throw new Error("no CSRF field on the page");
  return match[1]!;
}
