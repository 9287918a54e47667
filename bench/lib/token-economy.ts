// Scenario 6: model calls and prompt tokens per turn, for the seed's sample interaction and for a 500-message thread.

import type { ModelCallRecord } from "./seed-chat-client.js";
import { QUESTION, SAMPLE_QUESTIONS } from "./seed-scenario.js";
import { ask, BENCH_LIMITS, startBenchApp } from "./service-fixture.js";

export interface TurnEconomy {
  readonly question: string;
  readonly calls: number;
  readonly promptTokens: number;
}

export interface SampleEconomy {
  readonly returnToPrevious: boolean;
  readonly turns: readonly TurnEconomy[];
  readonly calls: number;
  readonly promptTokens: number;
}

export interface LongThreadEconomy {
  readonly storedMessages: number;
  readonly calls: number;
  readonly promptTokens: number;
  /** The largest prompt of one call, and the most messages one call was sent. */
  readonly maxCallPromptTokens: number;
  readonly maxCallMessages: number;
  /** What one call's prompt may reach: the window's token budget plus the agent's system prompt, tools and question. */
  readonly callPromptLimit: number;
  /** What the thread's stored messages add up to: what a turn would send without a window. */
  readonly wholeThreadTokens: number;
}

export interface TokenEconomyResult {
  readonly sample: readonly SampleEconomy[];
  readonly longThread: LongThreadEconomy;
}

async function sampleInteraction(returnToPrevious: boolean): Promise<SampleEconomy> {
  const calls: ModelCallRecord[] = [];
  const bench = startBenchApp({ returnToPrevious, countTokens: true, onCall: (call) => calls.push(call) });
  try {
    const turns: TurnEconomy[] = [];
    for (const question of SAMPLE_QUESTIONS) {
      const before = calls.length;
      await ask(bench, "sample", question);
      const turn = calls.slice(before);
      turns.push({ question, calls: turn.length, promptTokens: turn.reduce((sum, call) => sum + call.promptTokens, 0) });
    }
    return {
      returnToPrevious,
      turns,
      calls: turns.reduce((sum, turn) => sum + turn.calls, 0),
      promptTokens: turns.reduce((sum, turn) => sum + turn.promptTokens, 0),
    };
  } finally {
    await bench.close();
  }
}

async function longThread(storedMessages: number): Promise<LongThreadEconomy> {
  const calls: ModelCallRecord[] = [];
  const bench = startBenchApp({ countTokens: true, onCall: (call) => calls.push(call) });
  try {
    // Real turns (four messages each), so that the thread is exactly what the service stores.
    while (countMessages(bench.app.db) < storedMessages) await ask(bench, "long", QUESTION);
    const stored = countMessages(bench.app.db);
    const wholeThreadTokens = bench.app.db.prepare<[], number>("SELECT SUM(token_estimate) FROM messages").pluck().get() ?? 0;
    // A fresh thread's first call is all overhead: system prompt, tools and the question.
    calls.length = 0;
    await ask(bench, "fresh", QUESTION);
    const overhead = Math.max(...calls.map((call) => call.promptTokens));
    calls.length = 0;
    await ask(bench, "long", QUESTION);
    return {
      storedMessages: stored,
      calls: calls.length,
      promptTokens: calls.reduce((sum, call) => sum + call.promptTokens, 0),
      maxCallPromptTokens: Math.max(...calls.map((call) => call.promptTokens)),
      maxCallMessages: Math.max(...calls.map((call) => call.messages)),
      callPromptLimit: BENCH_LIMITS.historyTokens + overhead,
      wholeThreadTokens,
    };
  } finally {
    await bench.close();
  }
}

function countMessages(db: import("../../src/store/database.js").Database): number {
  return db.prepare<[], number>("SELECT COUNT(*) FROM messages").pluck().get() ?? 0;
}

export async function runTokenEconomy(options: { readonly longThreadMessages: number }): Promise<TokenEconomyResult> {
  return {
    sample: [await sampleInteraction(false), await sampleInteraction(true)],
    longThread: await longThread(options.longThreadMessages),
  };
}
