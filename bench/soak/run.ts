// `npm run soak`: faults, floods, hostile inputs and memory over the real service, clients and test fakes; one table.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { currentLoad, describeMachine } from "../lib/machine.js";
import { peakRssBytes } from "../lib/memory.js";
import { runBusyDatabase } from "./fault-busy.js";
import { runSigkill } from "./fault-sigkill.js";
import { runDiscordFaults } from "./faults-discord.js";
import { runModelFaults } from "./faults-model.js";
import { runSlackFaults } from "./faults-slack.js";
import { runFloods } from "./floods.js";
import { runDiscordHostile } from "./hostile-discord.js";
import { runSlackHostile } from "./hostile-slack.js";
import { runMemory } from "./memory.js";
import { renderSoakReport } from "./report.js";
import { SCENARIOS, type FaultRow, type FloodRow, type HostileRow, type MemoryFigures, type Scenario, type SoakResults } from "./results.js";
import { seededRandom } from "./seeded-random.js";

const FULL = {
  modelFaults: { turnsPerKind: 40, concurrency: 8 },
  platformFaults: { turnsPerKind: 20 },
  discordFaults: { turnsPerKind: 10 },
  busy: { holdsMs: [2_000, 8_000], questionsPerHold: 10 },
  sigkill: { turns: 240, kills: 20, jitterMs: 40, maxLifeMs: 5_000, paceMs: 20, window: 4 },
  floods: { oneThread: 100, threads: 1_000 },
  memory: { conversations: 10_000, warmup: 1_000, concurrency: 100 },
  /** Each scenario's own bound; the whole run stays under 10 minutes on 2 cores. */
  budgetMs: 90_000,
  /** One scenario after another, on one seeded random source. */
  together: false,
};

/** Every scenario once, small: part of `npm test`, which checks that each ran and lost nothing (never a speed). */
const QUICK: typeof FULL = {
  modelFaults: { turnsPerKind: 2, concurrency: 2 },
  platformFaults: { turnsPerKind: 2 },
  discordFaults: { turnsPerKind: 2 },
  busy: { holdsMs: [400], questionsPerHold: 2 },
  sigkill: { turns: 6, kills: 1, jitterMs: 40, maxLifeMs: 2_000, paceMs: 20, window: 4 },
  floods: { oneThread: 10, threads: 20 },
  memory: { conversations: 200, warmup: 20, concurrency: 20 },
  // Upper bounds only (a quick run takes seconds); generous, since `npm test` runs it beside every other suite.
  budgetMs: 40_000,
  // They mostly wait (on the model's 2 s timeouts, the fakes, the children they kill), so they wait at once, each on its
  // own seeded random source; memory still runs alone, last, since it measures the process's own growth.
  together: true,
};


const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    seed: { type: "string" },
  },
});
const quick = values.quick;
const plan = quick ? QUICK : FULL;
const seed = values.seed === undefined ? 20261202 : Number(values.seed);
const random = seededRandom(seed);
const only = new Set((values.only ?? SCENARIOS.join(",")).split(",").map((s) => s.trim()));
for (const name of only) if (!SCENARIOS.includes(name as Scenario)) throw new Error(`Unknown scenario '${name}'; known: ${SCENARIOS.join(", ")}.`);
// Quick runs never overwrite the committed figures: they write only where --out says.
const out = values.out ?? (quick ? undefined : fileURLToPath(new URL("../results/soak.json", import.meta.url)));
const log = (line: string): void => void process.stderr.write(`[soak] ${line}\n`);

const started = performance.now();
const machine = describeMachine();
const results: SoakResults = { generatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"), mode: quick ? "quick" : "full", seed, machine, scenarios: [], faults: [], floods: [], hostile: [] };
const budgetMs = plan.budgetMs;

/** What one scenario adds to the results. */
interface Outcome {
  readonly faults?: readonly FaultRow[];
  readonly floods?: readonly FloodRow[];
  readonly hostile?: readonly HostileRow[];
  readonly memory?: MemoryFigures;
}

const steps: Record<Scenario, (random: () => number) => Promise<Outcome>> = {
  "model-faults": async (random) => ({ faults: await runModelFaults({ ...plan.modelFaults, random, budgetMs }) }),
  "platform-faults": async () => ({
    faults: [...(await runSlackFaults({ ...plan.platformFaults, budgetMs })), ...(await runDiscordFaults({ ...plan.discordFaults, budgetMs }))],
  }),
  busy: async () => ({ faults: [await runBusyDatabase({ ...plan.busy, budgetMs })] }),
  sigkill: async (random) => ({ faults: [await runSigkill({ ...plan.sigkill, random, budgetMs: budgetMs * 2 })] }),
  floods: async () => ({ floods: await runFloods({ ...plan.floods, budgetMs }) }),
  hostile: async () => ({ hostile: [...(await runSlackHostile(budgetMs)), ...(await runDiscordHostile(budgetMs))] }),
  memory: async () => ({ memory: await runMemory(plan.memory) }),
};

/** The scenario's outcome, or undefined when it failed (logged). */
async function runScenario(scenario: Scenario, random: () => number): Promise<Outcome | undefined> {
  const at = performance.now();
  log(`${scenario}…`);
  try {
    const outcome = await steps[scenario](random);
    log(`${scenario} done in ${((performance.now() - at) / 1000).toFixed(1)} s`);
    return outcome;
  } catch (error) {
    log(`${scenario} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return undefined;
  }
}

const chosen = SCENARIOS.filter((scenario) => only.has(scenario));
const outcomes = new Map<Scenario, Outcome | undefined>();
if (plan.together) {
  const atOnce = chosen.filter((scenario) => scenario !== "memory");
  // Each its own source, seeded from the run's seed and the scenario's place in SCENARIOS: a seed still replays them.
  const settled = await Promise.all(atOnce.map((scenario) => runScenario(scenario, seededRandom(seed + SCENARIOS.indexOf(scenario)))));
  atOnce.forEach((scenario, i) => outcomes.set(scenario, settled[i]));
  if (only.has("memory")) outcomes.set("memory", await runScenario("memory", random));
} else {
  for (const scenario of chosen) outcomes.set(scenario, await runScenario(scenario, random));
}

// Rows in SCENARIOS order, however the scenarios were scheduled.
let failed = false;
for (const scenario of chosen) {
  const outcome = outcomes.get(scenario);
  if (outcome === undefined) {
    failed = true;
    continue;
  }
  results.scenarios.push(scenario);
  results.faults.push(...(outcome.faults ?? []));
  results.floods.push(...(outcome.floods ?? []));
  results.hostile.push(...(outcome.hostile ?? []));
  if (outcome.memory !== undefined) results.memory = outcome.memory;
}
results.peakRssBytes = peakRssBytes();
results.wallSeconds = (performance.now() - started) / 1000;
machine.loadAtEnd = currentLoad();

process.stdout.write(`${renderSoakReport(results)}\n`);
if (out !== undefined) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results written to ${out}`);
}
const lostOrTwice = [...results.faults, ...results.floods].some((row) => row.tally.lost > 0 || row.tally.duplicated > 0);
if (lostOrTwice) log("a scenario LOST a message or posted a reply TWICE (see the table)");
process.exit(failed || lostOrTwice ? 1 : 0);
