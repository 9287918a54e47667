// Slack platform faults: chat.postMessage rate limited (HTTP 429, Retry-After) or failing (ok:false internal_error).

import { tally, type SentQuestion } from "./ledger.js";
import type { FaultRow } from "./results.js";
import { FAILURE_NOTICES, within } from "./settle.js";
import { startSlackRig } from "./slack-rig.js";
import { tagOf } from "./soak-model.js";

export interface PlatformFaultOptions {
  readonly turnsPerKind: number;
  readonly budgetMs: number;
}

/** Delivery makes 5 attempts per reply (then a notice): 1 failure is absorbed, 6 outlast them all. */
const MILD = 1;
const SEVERE = 6;

export async function runSlackFaults(options: PlatformFaultOptions): Promise<FaultRow[]> {
  const rows: FaultRow[] = [];
  let serial = 200_000;
  const kinds = [
    { kind: "platform 429 (Slack)", detail: "chat.postMessage answers HTTP 429, Retry-After 0, 1× or 6× in a row" },
    { kind: "platform 5xx (Slack)", detail: "chat.postMessage answers ok:false internal_error, 1× or 6× in a row" },
  ] as const;
  for (const { kind, detail } of kinds) {
    const rig = await startSlackRig();
    try {
      const sent: SentQuestion[] = [];
      let injected = 0;
      const deadline = Date.now() + options.budgetMs;
      // One turn at a time: a fault applies to the next calls of the method, whichever thread they are for.
      for (let i = 0; i < options.turnsPerKind && Date.now() < deadline; i++) {
        const times = i % 2 === 0 ? MILD : SEVERE;
        injected += times;
        if (kind.startsWith("platform 429")) rig.fakeSlack.rateLimit("chat.postMessage", { times, retryAfterSeconds: 0 });
        else rig.fakeSlack.failNext("chat.postMessage", "internal_error", { times });
        const { question } = await rig.mention(tagOf(++serial), i % 3 === 0 ? "Who was Napoleon?" : "What is 7 * 6?");
        sent.push(question);
        await within(rig.bot.idle(), Math.max(deadline - Date.now(), 1));
      }
      const threads = new Set(sent.map((q) => q.thread));
      rows.push({ kind, injected, tally: tally(sent, rig.posts(threads), FAILURE_NOTICES), detail });
    } finally {
      await rig.close();
    }
  }
  return rows;
}
