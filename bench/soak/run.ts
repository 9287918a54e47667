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
import { SCENARIOS, type Scenario, type SoakResults } from "./results.js";
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

const steps: Record<Scenario, () => Promise<void>> = {
  "model-faults": async () => void results.faults.push(...(await runModelFaults({ ...plan.modelFaults, random, budgetMs }))),
  "platform-faults": async () => {
    results.faults.push(...(await runSlackFaults({ ...plan.platformFaults, budgetMs })));
    results.faults.push(...(await runDiscordFaults({ ...plan.discordFaults, budgetMs })));
  },
  busy: async () => void results.faults.push(await runBusyDatabase({ ...plan.busy, budgetMs })),
  sigkill: async () => void results.faults.push(await runSigkill({ ...plan.sigkill, random, budgetMs: budgetMs * 2 })),
  floods: async () => void results.floods.push(...(await runFloods({ ...plan.floods, budgetMs }))),
  hostile: async () => {
    results.hostile.push(...(await runSlackHostile(budgetMs)));
    results.hostile.push(...(await runDiscordHostile(budgetMs)));
  },
  memory: async () => void (results.memory = await runMemory(plan.memory)),
};

let failed = false;
for (const scenario of SCENARIOS) {
  if (!only.has(scenario)) continue;
  const at = performance.now();
  log(`${scenario}…`);
  try {
    await steps[scenario]();
    results.scenarios.push(scenario);
    log(`${scenario} done in ${((performance.now() - at) / 1000).toFixed(1)} s`);
  } catch (error) {
    failed = true;
    log(`${scenario} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
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
