// Floods over Slack: a hundred messages in one thread within a second, and a thousand threads at once; all answered, in order.

import { setTimeout as delay } from "node:timers/promises";
import { percentile } from "../lib/stats.js";
import { answerMark, tally, type SentQuestion } from "./ledger.js";
import type { FloodRow } from "./results.js";
import { FAILURE_NOTICES, within } from "./settle.js";
import { startSlackRig, type SlackRig } from "./slack-rig.js";
import { tagOf } from "./soak-model.js";

export interface FloodOptions {
  /** Messages sent into one thread, evenly within one second. */
  readonly oneThread: number;
  /** Threads opened at the same moment, one question each. */
  readonly threads: number;
  readonly budgetMs: number;
}

/** Records when each tag's final answer reached the fake Slack, checked after every Web API call it answers. */
function answerClock(rig: SlackRig, tags: readonly string[]): Map<string, number> {
  const seen = new Map<string, number>();
  const wanted = new Map(tags.map((tag) => [answerMark(tag), tag]));
  let scanned = 0;
  void rig.fakeSlack.waitFor(() => {
    const messages = rig.fakeSlack.world.messages;
    for (; scanned < messages.length; scanned++) {
      const mark = /Answer to Q\d{6}/.exec(messages[scanned]!.text)?.[0];
      const tag = mark === undefined ? undefined : wanted.get(mark);
      if (tag !== undefined && !seen.has(tag)) seen.set(tag, performance.now());
    }
    return seen.size === wanted.size ? true : undefined;
  });
  return seen;
}

function row(kind: string, rig: SlackRig, sent: readonly SentQuestion[], sentAt: ReadonlyMap<string, number>, seen: ReadonlyMap<string, number>, wallMs: number): FloodRow {
  const latencies = Float64Array.from([...seen].map(([tag, at]) => at - sentAt.get(tag)!)).sort();
  const threads = new Set(sent.map((q) => q.thread));
  return {
    kind,
    tally: tally(sent, rig.posts(threads), FAILURE_NOTICES),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    wallMs,
    redelivered: rig.redeliveries(),
  };
}

async function oneThreadFlood(options: FloodOptions, serial: number): Promise<FloodRow> {
  const rig = await startSlackRig();
  try {
    const opener = tagOf(serial++);
    const { question: first } = await rig.mention(opener, "What is 1 + 1?");
    await within(rig.bot.idle(), options.budgetMs);
    const tags = Array.from({ length: options.oneThread }, () => tagOf(serial++));
    const seen = answerClock(rig, tags);
    const sentAt = new Map<string, number>();
    const sent: SentQuestion[] = [first];
    const start = performance.now();
    for (const [i, tag] of tags.entries()) {
      // Each delivery is acked before the next is sent, as one Slack connection would: the order sent is the order received.
      const due = start + (i * 1_000) / options.oneThread;
      if (performance.now() < due) await delay(due - performance.now());
      sentAt.set(tag, performance.now());
      sent.push({ thread: first.thread, tag });
      await rig.reply(first.thread, tag, `and what is ${i} + 1?`);
    }
    await within(rig.bot.idle(), options.budgetMs);
    return row(`${options.oneThread} messages in one thread in 1 s`, rig, sent, sentAt, seen, performance.now() - start);
  } finally {
    await rig.close();
  }
}

async function manyThreads(options: FloodOptions, serial: number): Promise<FloodRow> {
  const rig = await startSlackRig();
  try {
    const tags = Array.from({ length: options.threads }, () => tagOf(serial++));
    const seen = answerClock(rig, tags);
    const sentAt = new Map<string, number>();
    const start = performance.now();
    const sent = await Promise.all(
      tags.map(async (tag, i) => {
        sentAt.set(tag, performance.now());
        return (await rig.mention(tag, i % 2 === 0 ? "What is the integral of 2x?" : "Who was Charlemagne?")).question;
      }),
    );
    await within(rig.bot.idle(), options.budgetMs);
    return row(`${options.threads} threads at once`, rig, sent, sentAt, seen, performance.now() - start);
  } finally {
    await rig.close();
  }
}

export async function runFloods(options: FloodOptions): Promise<FloodRow[]> {
  return [await oneThreadFlood(options, 600_000), await manyThreads(options, 700_000)];
}
