// SQLite busy: another connection holds BEGIN IMMEDIATE while students keep asking over Slack; nothing may be dropped.

import { setTimeout as delay } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import { SAVING_SLOWLY_NOTICE } from "../../src/bot/received-intake.js";
import { tally, type SentQuestion } from "./ledger.js";
import type { FaultRow } from "./results.js";
import { FAILURE_NOTICES, within } from "./settle.js";
import { startSlackRig } from "./slack-rig.js";
import { tagOf } from "./soak-model.js";

export interface BusyOptions {
  /** How long each lock is held, one episode after another. */
  readonly holdsMs: readonly number[];
  /** Questions sent during each episode, spread over the hold. */
  readonly questionsPerHold: number;
  readonly budgetMs: number;
}

export async function runBusyDatabase(options: BusyOptions): Promise<FaultRow> {
  const rig = await startSlackRig({ slowSaveNoticeMs: Math.min(...options.holdsMs) / 2 });
  const holder = new BetterSqlite3(rig.databasePath);
  let serial = 400_000;
  try {
    const sent: SentQuestion[] = [];
    let slowestAckMs = 0;
    for (const holdMs of options.holdsMs) {
      holder.exec("BEGIN IMMEDIATE");
      const started = Date.now();
      const sends: Array<Promise<void>> = [];
      for (let i = 0; i < options.questionsPerHold; i++) {
        const tag = tagOf(++serial);
        sends.push(
          (async () => {
            const sentAt = Date.now();
            const { question } = await rig.mention(tag, i % 2 === 0 ? "What is 9 - 4?" : "Who built the pyramids?");
            slowestAckMs = Math.max(slowestAckMs, Date.now() - sentAt);
            sent.push(question);
          })(),
        );
        await delay(holdMs / (options.questionsPerHold + 1));
      }
      await Promise.all(sends);
      await delay(Math.max(0, holdMs - (Date.now() - started)));
      holder.exec("COMMIT");
      await within(rig.bot.idle(), options.budgetMs);
    }
    const threads = new Set(sent.map((q) => q.thread));
    const result = tally(sent, rig.posts(threads), FAILURE_NOTICES);
    const slowNotices = rig.posts(threads).filter((p) => p.text === SAVING_SLOWLY_NOTICE).length;
    return {
      kind: "SQLite busy",
      injected: options.holdsMs.length,
      tally: result,
      detail: `write lock held ${options.holdsMs.map((ms) => `${ms / 1000} s`).join(", ")} by a second connection; slowest Slack ack ${slowestAckMs} ms; ${slowNotices} "kept, will answer" notices`,
    };
  } finally {
    if (holder.inTransaction) holder.exec("COMMIT");
    holder.close();
    await rig.close();
  }
}
