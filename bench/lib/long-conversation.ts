// Scenario 5: a turn in a conversation with 100,000 stored messages costs what a turn with 100 does (window by index).

import type { Database } from "../../src/store/database.js";
import { estimateTokens } from "../../src/store/row-mapping.js";
import { percentile } from "./stats.js";
import { AGENTS, ANSWER_TEXT, QUESTION, SAMPLE_QUESTIONS, subjectOf, TRIAGE_TEXT } from "./seed-scenario.js";
import { ask, startBenchApp } from "./service-fixture.js";

export interface LongConversationOptions {
  readonly longMessages: number;
  readonly shortMessages: number;
  /** Timed turns in each conversation, alternating between the two. */
  readonly turns: number;
  readonly warmup: number;
}

export interface LongConversationResult {
  readonly longMessages: number;
  readonly shortMessages: number;
  readonly longP50Ms: number;
  readonly shortP50Ms: number;
  /** p50 of a turn in the long conversation ÷ p50 in the short one. */
  readonly ratio: number;
  readonly seedMs: number;
  /** SQLite's plan for the window query: the proof that it is an index range scan. */
  readonly windowPlan: string;
}

const KEY = { platform: "bench", workspace: "school", channel: "homework" };

/**
 * Writes `count` messages of earlier turns straight into the tables (one transaction), as four rows per turn like the
 * service writes them: the question, triage's note with its handoff call, the call's result, the tutor's answer.
 */
export function seedConversation(db: Database, conversationId: number, count: number): void {
  const insert = db.prepare(
    `INSERT INTO messages (conversation_id, seq, role, author_agent, user_id, user_name, text, tool_calls, tool_call_id,
       prompt_tokens, completion_tokens, token_estimate, turn_status, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const at = Date.now() - count * 1000;
  db.transaction(() => {
    for (let seq = 1; seq <= count; seq++) {
      const turn = Math.floor((seq - 1) / 4);
      const question = `${SAMPLE_QUESTIONS[turn % SAMPLE_QUESTIONS.length]!} (${turn})`;
      const subject = subjectOf(question);
      const callId = `seed_${conversationId}_${turn}`;
      const created = at + seq * 1000;
      switch ((seq - 1) % 4) {
        case 0:
          insert.run(conversationId, seq, "user", null, "student-1", "Student", question, null, null, null, null, estimateTokens(question, null), "completed", created);
          break;
        case 1: {
          const calls = JSON.stringify([{ id: callId, name: `handoff_to_${AGENTS[subject].name}`, arguments: `{"reason":"${subject}"}` }]);
          const text = TRIAGE_TEXT[subject];
          insert.run(conversationId, seq, "assistant", AGENTS.triage.name, null, null, text, calls, null, 100, 20, estimateTokens(text, calls), null, created);
          break;
        }
        case 2:
          insert.run(conversationId, seq, "tool", AGENTS.triage.name, null, null, `Handed off to ${AGENTS[subject].name}.`, null, callId, null, null, 6, null, created);
          break;
        default:
          insert.run(conversationId, seq, "assistant", AGENTS[subject].name, null, null, ANSWER_TEXT[subject], null, null, 300, 150, estimateTokens(ANSWER_TEXT[subject], null), null, created);
      }
    }
    db.prepare("UPDATE conversations SET last_seq = ?, updated_at = ? WHERE id = ?").run(count, Date.now(), conversationId);
  })();
}

export async function runLongConversation(options: LongConversationOptions): Promise<LongConversationResult> {
  const bench = startBenchApp();
  try {
    const { store, db } = bench.app;
    const long = store.getOrCreateConversation({ ...KEY, thread: "long" });
    const short = store.getOrCreateConversation({ ...KEY, thread: "short" });
    const seedStart = process.hrtime.bigint();
    seedConversation(db, long.id, options.longMessages);
    seedConversation(db, short.id, options.shortMessages);
    const seedMs = Number(process.hrtime.bigint() - seedStart) / 1e6;
    const plan = db
      .prepare<[number, number, number], { detail: string }>(
        "EXPLAIN QUERY PLAN SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
      )
      .all(long.id, Number.MAX_SAFE_INTEGER, 40)
      .map((row) => row.detail)
      .join("; ");
    for (let i = 0; i < options.warmup; i++) await ask(bench, i % 2 === 0 ? "long" : "short", QUESTION);
    const samples = { long: new Float64Array(options.turns), short: new Float64Array(options.turns) };
    // Alternating, so that whatever else the machine does falls on both alike.
    for (let i = 0; i < options.turns; i++) {
      for (const thread of ["long", "short"] as const) {
        const start = process.hrtime.bigint();
        await ask(bench, thread, QUESTION);
        samples[thread][i] = Number(process.hrtime.bigint() - start) / 1e6;
      }
    }
    const longP50Ms = percentile(samples.long.sort(), 50);
    const shortP50Ms = percentile(samples.short.sort(), 50);
    return { longMessages: options.longMessages, shortMessages: options.shortMessages, longP50Ms, shortP50Ms, ratio: longP50Ms / shortP50Ms, seedMs, windowPlan: plan };
  } finally {
    await bench.close();
  }
}
