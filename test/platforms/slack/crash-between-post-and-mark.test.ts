// A process killed after Slack has a reply but before it is marked sent: the next start finds it by its metadata, posts nothing twice.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeSlack } from "../../support/fake-slack/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../support/fake-openai-server.js";
import { seedResponder } from "../../support/seed-responder.js";

const CHILD = new URL("../../support/slack-reply-child.ts", import.meta.url).pathname;
const CHANNEL = "C0HOMEWORK";

async function runChild(env: Record<string, string>): Promise<{ lines: string[]; code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => lines.push(line));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once("exit", (c, s) => resolve([c, s])));
  return { lines, code, signal };
}

let fakeModel: FakeOpenAI | undefined;
let fakeSlack: FakeSlack | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fakeModel?.close();
  await fakeSlack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Slack: killed between post and mark-sent", () => {
  it("reads the thread back at the next start, finds the reply by its reply_id metadata and does not post it again", async () => {
    fakeModel = await startFakeOpenAI();
    fakeModel.setResponder(seedResponder);
    fakeSlack = await FakeSlack.start();
    dir = mkdtempSync(join(tmpdir(), "baton-slack-crash-"));
    const thread = fakeSlack.world.nextTs();
    const env = {
      DB: join(dir, "baton.db"),
      MODEL_URL: fakeModel.url,
      SLACK_API_URL: fakeSlack.apiUrl,
      SLACK_TOKEN: fakeSlack.identity.botToken,
      CHANNEL,
      THREAD: thread,
    };

    const first = await runChild({ ...env, MESSAGE: "Who was Napoleon?", KILL_AFTER_POST: "1" });
    expect(first.signal).toBe("SIGKILL");
    expect(first.lines.filter((line) => line.startsWith("posted"))).toHaveLength(1);
    expect(fakeSlack.messages({ threadTs: thread })).toHaveLength(1);

    const second = await runChild(env);
    expect(second.code).toBe(0);
    // The narration was found (not posted again); the interrupted turn then went on to the tutor.
    const posted = fakeSlack.messages({ threadTs: thread });
    expect(posted.map((m) => m.username)).toEqual(["Triage", "History Tutor"]);
    const reads = fakeSlack.callsTo("conversations.replies");
    expect(reads.length).toBeGreaterThanOrEqual(1);
    const db = new BetterSqlite3(env.DB, { readonly: true });
    const outbox = db.prepare("SELECT status, platform_message_id FROM outbox ORDER BY id").all() as Array<{ status: string; platform_message_id: string }>;
    db.close();
    expect(outbox).toEqual(posted.map((m) => ({ status: "sent", platform_message_id: m.ts })));
  });
});
