// Model faults by kind (429, 500, stall, cut stream, empty answer, malformed JSON), injected into real turns over Slack.

import type { FakeScript } from "../../test/support/fake-openai-server.js";
import { tally, type SentQuestion } from "./ledger.js";
import type { FaultRow } from "./results.js";
import { between } from "./seeded-random.js";
import { FAILURE_NOTICES, inBatches, within } from "./settle.js";
import { startSlackRig } from "./slack-rig.js";
import { tagOf, type ModelRole } from "./soak-model.js";

export interface ModelFaultOptions {
  readonly turnsPerKind: number;
  readonly concurrency: number;
  readonly random: () => number;
  readonly budgetMs: number;
}

interface FaultKind {
  readonly kind: string;
  /** The failing answers for one turn: `severe` ones outlast every retry, the others should be absorbed. */
  readonly scripts: (severe: boolean, release: Promise<void>) => FakeScript[];
  readonly detail: string;
}

/**
 * The openai client makes 3 attempts (LLM_MAX_RETRIES=2) up to the response headers; the engine asks a step once more
 * after an empty answer or a stream broken after it started (which the client never retries).
 */
const KINDS: readonly FaultKind[] = [
  { kind: "model 429", scripts: (severe) => repeat(severe ? 3 : 1, { status: 429, retryAfterSeconds: 0 }), detail: "HTTP 429 with retry-after: 0, 1× or 3× in a row" },
  { kind: "model 500", scripts: (severe) => repeat(severe ? 3 : 1, { status: 500 }), detail: "HTTP 500, 1× or 3× in a row" },
  { kind: "model stall", scripts: (severe, release) => repeat(severe ? 3 : 1, { stallUntil: release, text: "late" }), detail: "no response headers until the client's timeout (2 s), 1× or 3×" },
  { kind: "model cut stream", scripts: (severe) => repeat(severe ? 2 : 1, { text: "a long answer that never finishes", cutAfterChunks: 2 }), detail: "socket destroyed after 2 SSE events, 1× or 2× (the engine asks once more)" },
  { kind: "model empty answer", scripts: (severe) => repeat(severe ? 2 : 1, { text: "" }), detail: "no text and no tool call, 1× or 2× (the engine asks once more)" },
  {
    kind: "model malformed JSON",
    scripts: (severe) => repeat(severe ? 3 : 1, { text: "Routing.", toolCalls: [{ name: "handoff_to_math_tutor", arguments: '{"reason": "math' }] }),
    detail: "handoff tool call with cut-off JSON arguments, 1× or 3×",
  },
];

function repeat(times: number, script: FakeScript): FakeScript[] {
  return Array.from({ length: times }, () => script);
}

export async function runModelFaults(options: ModelFaultOptions): Promise<FaultRow[]> {
  const rows: FaultRow[] = [];
  let serial = 100_000;
  for (const kind of KINDS) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const stall = kind.kind === "model stall";
    // LLM_TIMEOUT_MS: long enough for a loaded machine's real answers, short for the stalls (which only wait, so all at once).
    const rig = await startSlackRig({ modelTimeoutMs: stall ? 2_000 : 5_000 });
    try {
      const sent: SentQuestion[] = [];
      let injected = 0;
      await within(
        inBatches(options.turnsPerKind, stall ? options.turnsPerKind : options.concurrency, async (i) => {
          const tag = tagOf(++serial);
          // Every other turn's fault outlasts the retries: both paths (absorbed, failed-and-told) are always exercised.
          const severe = i % 2 === 1;
          // Malformed arguments only mean something on the handoff call; the others hit triage or the tutor.
          const role: ModelRole = kind.kind === "model malformed JSON" ? "triage" : between(options.random, 0, 1) === 0 ? "triage" : "tutor";
          const scripts = kind.scripts(severe, released);
          injected += scripts.length;
          rig.model.inject(tag, role, ...scripts);
          const { question } = await rig.mention(tag, i % 2 === 0 ? "What is the derivative of x^2?" : "Who was Napoleon?");
          sent.push(question);
        }),
        options.budgetMs,
      );
      await within(rig.bot.idle(), options.budgetMs);
      const threads = new Set(sent.map((q) => q.thread));
      rows.push({ kind: kind.kind, injected, tally: tally(sent, rig.posts(threads), FAILURE_NOTICES), detail: kind.detail });
    } finally {
      release();
      await rig.close();
    }
  }
  return rows;
}
