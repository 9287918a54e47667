// `npm run bench`: Baton's engine against its peers, then end to end, long conversations, tokens, memory, import cost and
// streamed answers on Discord and Slack; prints a table.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runConcurrency, runEndToEnd, type ConcurrencyResult, type EndToEndResult } from "./lib/end-to-end.js";
import { runEngineTurns, type EngineRowResult, type EngineRowSpec } from "./lib/engine-turn.js";
import { runImportCost, type ImportCostResult } from "./lib/import-cost.js";
import { runLongConversation, type LongConversationResult } from "./lib/long-conversation.js";
import { runMediaIntake, type MediaResult } from "./lib/media-intake.js";
import { runFormulaRender, type FormulaResult } from "./lib/formula-render.js";
import { runStreamedAnswers, type StreamedAnswersResult } from "./lib/streamed-answers.js";
import { currentLoad, describeMachine } from "./lib/machine.js";
import { peakRssBytes, runMemory, type MemoryResult } from "./lib/memory.js";
import { ensurePeersInstalled, PEERS, runPeer, type PeerRun } from "./lib/peer-runner.js";
import { renderReport } from "./lib/report.js";
import { evaluateTargets, type BenchResults } from "./lib/results.js";
import { median, medianOf } from "./lib/stats.js";
import { runTokenEconomy, type TokenEconomyResult } from "./lib/token-economy.js";

const FULL = {
  reps: 3,
  engine: { warmup: 3_000, turns: 10_000 },
  peer: { warmup: 200, warmupBudgetMs: 2_000, turns: 2_000, budgetMs: 5_000, minTurns: 20 },
  endToEnd: { threads: 1_000, rounds: 2, hotTurns: 2_000, warmup: 300 },
  concurrency: { threads: 1_000, latencyMs: 200, warmup: 300 },
  long: { longMessages: 100_000, shortMessages: 100, turns: 300, warmup: 50 },
  tokens: { longThreadMessages: 500 },
  memory: { conversations: 10_000, concurrency: 100, warmup: 1_000 },
  imports: { processes: 7 },
  media: { reps: 5, scale: 1 },
  math: { reps: 7 },
  // Answers per platform, in the first repetition only (each one takes the model's whole answer, ~8 s); `alongside`: see QUICK.
  stream: { answers: 12, tokenIntervalMs: 8, alongside: false },
};

/** Every scenario, briefly: for CI, which checks that each produced a number and never judges a speed. */
const QUICK: typeof FULL = {
  reps: 1,
  engine: { warmup: 100, turns: 300 },
  peer: { warmup: 5, warmupBudgetMs: 500, turns: 50, budgetMs: 500, minTurns: 5 },
  endToEnd: { threads: 50, rounds: 2, hotTurns: 100, warmup: 20 },
  concurrency: { threads: 50, latencyMs: 200, warmup: 20 },
  long: { longMessages: 100_000, shortMessages: 100, turns: 20, warmup: 5 },
  tokens: { longThreadMessages: 500 },
  memory: { conversations: 300, concurrency: 50, warmup: 50 },
  imports: { processes: 3 },
  media: { reps: 1, scale: 0.25 },
  math: { reps: 2 },
  // The streamed answers mostly wait on the fakes' clocks: here both platforms run at once, beside the other scenarios.
  stream: { answers: 2, tokenIntervalMs: 2, alongside: true },
};

const SCENARIOS = ["engine", "peers", "e2e", "concurrency", "long", "tokens", "memory", "imports", "media", "math", "stream"] as const;
type Scenario = (typeof SCENARIOS)[number];

const HISTORIES = [0, 200, 2_000];
const PEER_ROWS = HISTORIES.flatMap((history) => [false, true].map((streaming) => ({ history, streaming })));
const REBUILT_ROWS = [200, 2_000].flatMap((history) => [false, true].map((streaming) => ({ history, streaming, rebuilt: true })));
const ENGINE_ROWS: EngineRowSpec[] = [...PEER_ROWS, ...REBUILT_ROWS];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "no-peers": { type: "boolean", default: false },
    reps: { type: "string" },
    only: { type: "string" },
    out: { type: "string" },
  },
});

const plan = values.quick ? QUICK : FULL;
const reps = values.reps === undefined ? plan.reps : Number(values.reps);
const only = new Set((values.only ?? SCENARIOS.join(",")).split(",").map((s) => s.trim()));
for (const name of only) if (!SCENARIOS.includes(name as Scenario)) throw new Error(`Unknown scenario '${name}'; known: ${SCENARIOS.join(", ")}.`);
const runs = (scenario: Scenario): boolean => only.has(scenario);
const out = values.out ?? fileURLToPath(new URL(`./results/${values.quick ? "quick" : "latest"}.json`, import.meta.url));
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

const machine = describeMachine();
let peersSkipped: string | undefined;
if (runs("peers")) {
  if (values["no-peers"]) peersSkipped = "--no-peers was given";
  else {
    const installed = ensurePeersInstalled(log);
    if (!installed.ok) peersSkipped = installed.reason;
  }
}

const collected = {
  engine: [] as EngineRowResult[][],
  peers: new Map<string, PeerRun[]>(),
  endToEnd: [] as EndToEndResult[],
  concurrency: [] as ConcurrencyResult[],
  long: [] as LongConversationResult[],
  tokens: [] as TokenEconomyResult[],
  memory: [] as MemoryResult[],
  imports: [] as ImportCostResult[],
  media: [] as MediaResult[],
  math: [] as FormulaResult[],
  stream: undefined as StreamedAnswersResult | undefined,
};

let streamedAlongside: Promise<StreamedAnswersResult> | undefined;
if (runs("stream") && plan.stream.alongside) {
  log("streamed answers (Discord and Slack at once, beside the other scenarios)");
  streamedAlongside = runStreamedAnswers(plan.stream);
  // Awaited after the other scenarios; until then a failure must not end the process as an unhandled rejection.
  streamedAlongside.catch(() => undefined);
}

for (let rep = 1; rep <= reps; rep++) {
  const step = (what: string): void => log(`repetition ${rep}/${reps}: ${what}`);
  if (runs("engine")) {
    step("Baton engine turns");
    collected.engine.push(await runEngineTurns({ rows: ENGINE_ROWS, ...plan.engine }));
  }
  if (runs("peers") && peersSkipped === undefined) {
    for (const peer of PEERS) {
      step(`${peer.label} (child process)`);
      const run = await runPeer(peer.framework, PEER_ROWS, plan.peer);
      if (run.error !== undefined) log(`${peer.label}: ${run.error}`);
      collected.peers.set(peer.framework, [...(collected.peers.get(peer.framework) ?? []), run]);
    }
  }
  if (runs("e2e")) {
    step("end to end");
    collected.endToEnd.push(await runEndToEnd(plan.endToEnd));
  }
  if (runs("concurrency")) {
    step("concurrency");
    collected.concurrency.push(await runConcurrency(plan.concurrency));
  }
  if (runs("long")) {
    step("long conversations");
    collected.long.push(await runLongConversation(plan.long));
  }
  if (runs("tokens")) {
    step("token economy");
    collected.tokens.push(await runTokenEconomy(plan.tokens));
  }
  if (runs("memory")) {
    step("memory");
    collected.memory.push(await runMemory(plan.memory));
  }
  if (runs("imports")) {
    step("import cost (fresh child processes)");
    collected.imports.push(await runImportCost(plan.imports));
  }
  if (runs("media")) {
    step("students' photos (sharp)");
    collected.media.push(await runMediaIntake(plan.media));
  }
  if (runs("math")) {
    step("math out (MathJax, resvg)");
    collected.math.push(runFormulaRender(plan.math));
  }
  if (runs("stream") && rep === 1 && !plan.stream.alongside) {
    step("streamed answers (Discord, Slack: real adapters, fakes at 50 ms)");
    collected.stream = await runStreamedAnswers(plan.stream);
  }
}
if (streamedAlongside !== undefined) collected.stream = await streamedAlongside;

/** The peer's rows, median per row over the repetitions that ran; n/a with the reason when none did. */
function peerMedian(framework: (typeof PEERS)[number]["framework"], list: readonly PeerRun[]): PeerRun {
  const ok = list.filter((run) => run.error === undefined);
  if (ok.length === 0) return { framework, rows: [], error: list[0]?.error ?? "did not run" };
  const rows = ok[0]!.rows.map((_, i) => medianOf(ok.map((run) => run.rows[i]!)));
  return { framework, rows, ...(ok[0]!.version === undefined ? {} : { version: ok[0]!.version }) };
}

/** Token figures are deterministic; the repetition with the median total stands for all. */
function tokenMedian(list: readonly TokenEconomyResult[]): TokenEconomyResult | undefined {
  const total = (t: TokenEconomyResult): number => t.longThread.promptTokens + t.sample.reduce((sum, s) => sum + s.promptTokens, 0);
  const middle = median(list.map(total));
  return list.find((t) => total(t) === middle) ?? list[0];
}

const pick = <T extends object>(list: readonly T[]): T | undefined => (list.length === 0 ? undefined : medianOf(list));
const tokenEconomy = tokenMedian(collected.tokens);
const endToEnd = pick(collected.endToEnd);
const concurrency = pick(collected.concurrency);
const longConversation = pick(collected.long);
const memory = pick(collected.memory);
const imports = collected.imports.length === 0 ? undefined : { rows: collected.imports[0]!.rows.map((_, i) => medianOf(collected.imports.map((rep) => rep.rows[i]!))) };
const results: BenchResults = {
  generatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  mode: values.quick ? "quick" : "full",
  repetitions: reps,
  plan: { ...plan, reps },
  machine,
  ...(collected.engine.length > 0 ? { engine: ENGINE_ROWS.map((_, i) => medianOf(collected.engine.map((rep) => rep[i]!))) } : {}),
  ...(collected.peers.size > 0 ? { peers: PEERS.map((peer) => peerMedian(peer.framework, collected.peers.get(peer.framework) ?? [])) } : {}),
  ...(peersSkipped === undefined ? {} : { peersSkipped }),
  ...(endToEnd === undefined ? {} : { endToEnd }),
  ...(concurrency === undefined ? {} : { concurrency }),
  ...(longConversation === undefined ? {} : { longConversation }),
  ...(tokenEconomy === undefined ? {} : { tokenEconomy }),
  ...(memory === undefined ? {} : { memory }),
  ...(imports === undefined ? {} : { imports }),
  // Stored bytes and tokens are deterministic; the last repetition's times stand (each is already a median).
  ...(collected.media.length === 0 ? {} : { media: collected.media.at(-1)! }),
  // Each time is already a median of the scenario's own repetitions; the last run stands.
  ...(collected.math.length === 0 ? {} : { math: collected.math.at(-1)! }),
  // Percentiles over every answer of the one run (the first repetition's).
  ...(collected.stream === undefined ? {} : { streaming: collected.stream }),
  peakRssBytes: peakRssBytes(),
};
results.targets = evaluateTargets(results);
machine.loadAtEnd = currentLoad();

process.stdout.write(`${renderReport(results)}\n`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
log(`results written to ${out}`);
