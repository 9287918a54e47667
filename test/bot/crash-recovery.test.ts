// A process killed mid-turn: a new process on the same file completes the turn; every message once, every reply once.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";

const CHILD = new URL("../support/service-child.ts", import.meta.url).pathname;

function startChild(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterator<string>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

async function waitForLine(lines: AsyncIterator<string>, prefix: string): Promise<string> {
  for (;;) {
    const next = await lines.next();
    if (next.done) throw new Error(`child ended before printing "${prefix}"`);
    if (next.value.startsWith(prefix)) return next.value;
  }
}

let fake: FakeOpenAI | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("crash recovery", () => {
  it("completes a turn after SIGKILL mid-turn, storing and delivering everything exactly once", async () => {
    fake = await startFakeOpenAI();
    dir = mkdtempSync(join(tmpdir(), "baton-crash-"));
    const env = { DB: join(dir, "baton.db"), MODEL_URL: fake.url, DELIVERIES: join(dir, "deliveries.jsonl") };
    const stalled = new Promise<void>(() => {}); // the math tutor never answers in the first process
    fake.setResponder((request) => (requestAgent(request) === "math_tutor" ? { ...seedResponder(request), stallUntil: stalled } : seedResponder(request)));

    const first = startChild({ ...env, MESSAGE: "What is the derivative of x^2?", EVENT_ID: "ev-1" });
    await waitForLine(first.lines, "delivered"); // triage's narration reached the platform
    await fake.waitForRequests(2); // the math tutor is now being asked, and stalls
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);

    fake.setResponder(seedResponder);
    const second = startChild(env);
    expect(await waitForLine(second.lines, "recovered")).toBe('recovered {"replies":0,"turns":1,"queued":0}');
    await waitForLine(second.lines, "done");
    expect(await second.exited).toBe(0);

    const deliveries = readFileSync(env.DELIVERIES, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { agent: string; text: string; replyId: number });
    expect(deliveries.map((d) => d.agent)).toEqual(["triage_agent", "math_tutor"]);
    expect(new Set(deliveries.map((d) => d.replyId)).size).toBe(2);
    // the resumed turn went straight to the math tutor: triage was not asked again
    expect(fake.requests.slice(2).map(requestAgent)).toEqual(["math_tutor"]);

    const db = new BetterSqlite3(env.DB, { readonly: true });
    const rows = db.prepare("SELECT role, author_agent, text, turn_status, turn_attempts FROM messages ORDER BY seq").all() as Array<Record<string, unknown>>;
    const outbox = db.prepare("SELECT status FROM outbox").all() as Array<{ status: string }>;
    db.close();
    expect(rows.map((r) => `${r.role}:${r.author_agent ?? ""}`)).toEqual(["user:", "assistant:triage_agent", "tool:triage_agent", "assistant:math_tutor"]);
    expect(rows[0]).toMatchObject({ text: "What is the derivative of x^2?", turn_status: "completed", turn_attempts: 2 });
    expect(outbox.map((o) => o.status)).toEqual(["sent", "sent"]);

    // a third start finds nothing left to do
    const third = startChild(env);
    expect(await waitForLine(third.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":0}');
    expect(await third.exited).toBe(0);
  });

  it("processes a message that was accepted but still waiting behind another turn when the process died", async () => {
    fake = await startFakeOpenAI();
    dir = mkdtempSync(join(tmpdir(), "baton-crash-"));
    const env = { DB: join(dir, "baton.db"), MODEL_URL: fake.url, DELIVERIES: join(dir, "deliveries.jsonl") };
    // Simulate what a killed process leaves: an accepted event in the inbox, no message yet.
    const { openDatabase } = await import("../../src/store/database.js");
    const { Inbox } = await import("../../src/store/inbox.js");
    const db = openDatabase(env.DB);
    const payload = { platform: "test", workspace: "w", channel: "c", thread: "t", eventId: "ev-9", user: { id: "u1", name: "Ada" }, text: "Tell me about World War 2" };
    expect(new Inbox(db).accept("test", "ev-9", "u1", JSON.stringify(payload))).toBeTypeOf("number");
    db.close();
    fake.setResponder(seedResponder);
    const child = startChild(env);
    expect(await waitForLine(child.lines, "recovered")).toBe('recovered {"replies":0,"turns":0,"queued":1}');
    expect(await child.exited).toBe(0);
    const agents = readFileSync(env.DELIVERIES, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { agent: string }).agent);
    expect(agents).toEqual(["triage_agent", "history_tutor"]);
  });
});
