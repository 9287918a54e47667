// Child-process entry: times the seed's scenario on one peer framework and prints the figures as one line of JSON.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { timeTurns } from "../lib/measure.js";
import { AGENTS } from "../lib/seed-scenario.js";
import { langGraphSwarmTurn } from "./langgraph-swarm.js";
import { openAiAgentsTurn } from "./openai-agents.js";
import type { PeerTurn } from "./peer-turn.js";

const FRAMEWORKS: Record<string, { readonly packageName: string; readonly create: () => PeerTurn }> = {
  "openai-agents": { packageName: "@openai/agents", create: openAiAgentsTurn },
  "langgraph-swarm": { packageName: "@langchain/langgraph-swarm", create: langGraphSwarmTurn },
};

const { values } = parseArgs({
  options: {
    framework: { type: "string" },
    rows: { type: "string" },
    warmup: { type: "string", default: "200" },
    "warmup-budget-ms": { type: "string", default: "2000" },
    turns: { type: "string", default: "2000" },
    "budget-ms": { type: "string", default: "5000" },
    "min-turns": { type: "string", default: "20" },
  },
});

const framework = FRAMEWORKS[values.framework ?? ""];
if (framework === undefined) throw new Error(`Unknown framework '${values.framework}'; known: ${Object.keys(FRAMEWORKS).join(", ")}.`);
// "0:plain,200:stream": history length and mode of each row, in order.
const rows = (values.rows ?? "0:plain").split(",").map((spec) => {
  const [history, mode] = spec.split(":");
  return { history: Number(history), streaming: mode === "stream" };
});

const peer = framework.create();
const results = [];
for (const row of rows) {
  const input = peer.input(row.history);
  const answeredBy = await peer.turn(input, row.streaming);
  if (answeredBy !== AGENTS.math.name) throw new Error(`Expected ${AGENTS.math.name} to answer, got '${answeredBy}'.`);
  const callsBefore = peer.calls();
  const timing = await timeTurns(() => peer.turn(input, row.streaming), {
    warmup: Number(values.warmup),
    warmupBudgetMs: Number(values["warmup-budget-ms"]),
    turns: Number(values.turns),
    budgetMs: Number(values["budget-ms"]),
    minTurns: Number(values["min-turns"]),
  });
  const calls = peer.calls() - callsBefore;
  results.push({ ...row, ...timing, modelCallsPerTurn: calls / (timing.turns + timing.warmupTurns) });
}
const version = (JSON.parse(readFileSync(new URL(`./node_modules/${framework.packageName}/package.json`, import.meta.url), "utf8")) as { version: string }).version;
process.stdout.write(`${JSON.stringify({ framework: values.framework, packageName: framework.packageName, version, rows: results })}\n`);
