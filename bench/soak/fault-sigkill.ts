// SIGKILL at random points: the Slack bot in a child process killed again and again over hundreds of turns, restarted on its file.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { startFakeOpenAI } from "../../test/support/fake-openai-server.js";
import { appMentionEvent, eventCallback, FakeSlack, nextEventId, SlackEventSender } from "../../test/support/fake-slack/index.js";
import { startLineChild, waitForLine, type LineChild } from "../../test/support/child-lines.js";
import { tally, type SentQuestion } from "./ledger.js";
import type { FaultRow } from "./results.js";
import { between } from "./seeded-random.js";
import { FAILURE_NOTICES, until, within } from "./settle.js";
import { CHANNEL, SIGNING_SECRET, STUDENT } from "./slack-rig.js";
import { SoakModel, tagOf } from "./soak-model.js";
import { whereIs } from "./where-is.js";

const CHILD = new URL("../../test/support/slack-service-child.ts", import.meta.url).pathname;

export interface SigkillOptions {
  readonly turns: number;
  /** Kills to make in all; lives go on (recovering, answering) until this many were made. */
  readonly kills: number;
  /** A child is killed a random 0–this many ms after a random number of replies (up to twice turns/kills) were posted. */
  readonly jitterMs: number;
  /** The longest a life lasts before its kill, whatever it posted. */
  readonly maxLifeMs: number;
  /** One question sent every this many ms while a child lives... */
  readonly paceMs: number;
  /** ...while fewer than this many acked questions wait for their answer (a busy class, not a crash loop of hundreds). */
  readonly window: number;
  readonly random: () => number;
  /** For the lives that are killed; the last life, which finishes the work, has as long again. */
  readonly budgetMs: number;
}

interface Question {
  readonly sent: SentQuestion;
  /** The Events API body, the same on every delivery: Slack retries with the same event_id. */
  readonly body: Record<string, unknown>;
  deliveries: number;
  acked: boolean;
  inFlight: boolean;
}

export async function runSigkill(options: SigkillOptions): Promise<FaultRow> {
  const dir = mkdtempSync(join(tmpdir(), "baton-soak-kill-"));
  const fakeModel = await startFakeOpenAI();
  const model = new SoakModel();
  fakeModel.setResponder((request) => {
    // A model that takes a little time, so that kills land in the middle of turns.
    model.latencyMs = between(options.random, 2, 40);
    return model.respond(request);
  });
  const fakeSlack = await FakeSlack.start({ users: [STUDENT] });
  const env = {
    DB: join(dir, "baton.db"),
    MODEL_URL: fakeModel.url,
    SLACK_API_URL: fakeSlack.apiUrl,
    SLACK_BOT_TOKEN: fakeSlack.identity.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
  };
  const questions: Question[] = Array.from({ length: options.turns }, (_, i) => {
    const tag = tagOf(500_000 + i);
    const text = `<@${fakeSlack.identity.botUserId}> ${tag} ${i % 2 === 0 ? "What is 5 * 5?" : "Who was Cleopatra?"}`;
    // In the channel as on Slack, so that reading the thread back at recovery finds its root.
    const { ts } = fakeSlack.userWrites({ channel: CHANNEL, user: STUDENT.id, text });
    const event = appMentionEvent({ channel: CHANNEL, user: STUDENT.id, text, ts });
    return { sent: { thread: ts, tag }, body: eventCallback({ teamId: fakeSlack.identity.teamId, event, eventId: nextEventId() }), deliveries: 0, acked: false, inFlight: false };
  });
  let deadline = Date.now() + options.budgetMs;
  const posted = () => readBack(fakeSlack).length;
  const unanswered = (): number => {
    const now = results();
    return now.sent - now.completed - now.failedAndTold;
  };
  const perLife = Math.max(1, Math.ceil((2 * options.turns) / Math.max(options.kills, 1)));
  const results = () => tally(questions.filter((q) => q.acked).map((q) => q.sent), readBack(fakeSlack), FAILURE_NOTICES);
  let kills = 0;
  let child: LineChild | undefined;
  try {
    while (kills < options.kills && Date.now() < deadline) {
      child = startLineChild(CHILD, env);
      const sender = await listening(child, deadline);
      if (sender === undefined) break;
      // Killed after a random number of replies this life (so that every life makes some progress), a few ms into
      // whatever comes next: a model call, a post, a commit or a recovery.
      const replies = posted() + between(options.random, 1, perLife);
      const lifeEnd = Date.now() + options.maxLifeMs;
      while (posted() < replies && Date.now() < lifeEnd) {
        const next = questions.find((q) => !q.acked && !q.inFlight);
        if (next !== undefined && unanswered() < options.window) void deliver(sender, next);
        await delay(options.paceMs);
      }
      await delay(between(options.random, 0, options.jitterMs));
      child.child.kill("SIGKILL");
      await child.exited;
      kills++;
    }
    // The last life is not killed: whatever was left unacked is delivered again, and the work of every life finishes.
    deadline = Date.now() + options.budgetMs;
    child = startLineChild(CHILD, env);
    const sender = await listening(child, deadline);
    if (sender !== undefined) {
      while (questions.some((q) => !q.acked) && Date.now() < deadline) {
        await Promise.all(questions.filter((q) => !q.acked && !q.inFlight).map((q) => deliver(sender, q)));
      }
      await until(() => results().lost === 0, Math.max(deadline - Date.now(), 1), 50);
    }
    child.child.stdin?.end();
    await within(child.exited, 10_000);
    const unacked = questions.filter((q) => !q.acked).length;
    const final = results();
    // A loss is reported with where the question ended up, so that it can be fixed rather than guessed at.
    const missing = questions.filter((q) => final.lostTags.includes(q.sent.tag));
    const trail = missing.length === 0 ? [] : whereIs(env.DB, missing.map((q) => ({ tag: q.sent.tag, thread: q.sent.thread, eventId: String(q.body.event_id) })));
    const redelivered = questions.filter((q) => q.deliveries > 1).length;
    return {
      kind: "SIGKILL + restart",
      injected: kills,
      tally: final,
      detail: `${kills} kills, each 0–${options.jitterMs} ms after a random number of replies (1–${perLife}) in that life; ${redelivered} events redelivered by "Slack" after no ack${unacked > 0 ? `, ${unacked} never acked` : ""}${trail.length === 0 ? "" : `; LOST: ${trail.join(" | ")}`}`,
    };
  } finally {
    if (child !== undefined && child.child.exitCode === null && child.child.signalCode === null) child.child.kill("SIGKILL");
    await fakeSlack.close();
    await fakeModel.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listening(child: LineChild, deadline: number): Promise<SlackEventSender | undefined> {
  let port: string | undefined;
  const ready = waitForLine(child.lines, "listening").then((line) => (port = line.split(" ")[1]));
  if (!(await within(ready, Math.max(deadline - Date.now(), 1))) || port === undefined) return undefined;
  return new SlackEventSender({ url: `http://127.0.0.1:${port}/slack/events`, signingSecret: SIGNING_SECRET });
}

/** One delivery as Slack makes it: acked only by a 200; a dead connection or another status means Slack retries. */
async function deliver(sender: SlackEventSender, question: Question): Promise<void> {
  question.inFlight = true;
  question.deliveries++;
  try {
    const retry = question.deliveries > 1 ? { retryNum: question.deliveries - 1, retryReason: "http_error" } : {};
    const { status } = await sender.sendEvent(question.body, retry);
    if (status === 200) question.acked = true;
  } catch {
    // The process died mid-request: not acknowledged, so Slack will deliver it again.
  } finally {
    question.inFlight = false;
  }
}

function readBack(fake: FakeSlack) {
  return fake
    .messages({ channel: CHANNEL })
    .filter((m) => m.botId !== undefined && m.threadTs !== undefined)
    .map((m) => ({ thread: m.threadTs!, author: m.username ?? "bot", text: m.text }));
}
