// The shape of bench/results/soak.json: one row per fault kind, flood, hostile input, and the memory figures.

import type { MachineInfo } from "../lib/machine.js";
import type { Tally } from "./ledger.js";

/** The scenarios, in the order they run; `--only` takes a comma-separated list of them. */
export const SCENARIOS = ["model-faults", "platform-faults", "busy", "sigkill", "floods", "hostile", "memory"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface FaultRow {
  /** e.g. "model 429", "platform 5xx", "SQLite busy", "SIGKILL + restart". */
  readonly kind: string;
  /** Faults actually injected (failed calls served, kills made, lock episodes). */
  readonly injected: number;
  readonly tally: Tally;
  readonly detail: string;
}

export interface FloodRow {
  readonly kind: string;
  readonly tally: Tally;
  /** From the student's send to the final answer on the platform. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly wallMs: number;
  /** Deliveries the receiver did not ack with a 200, retried as Slack retries them (same event_id). */
  readonly redelivered: number;
}

export interface HostileRow {
  readonly input: string;
  /** What was observed from outside (status codes, what the platform and the model received). */
  readonly outcome: string;
  /** False when the outcome is not the one the README promises (reported, never hidden). */
  readonly asPromised: boolean;
}

export interface MemoryFigures {
  readonly conversations: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
}

export interface SoakResults {
  readonly generatedAt: string;
  readonly mode: "quick" | "full";
  readonly seed: number;
  readonly machine: MachineInfo;
  /** Every scenario that ran to the end, in order. */
  readonly scenarios: string[];
  readonly faults: FaultRow[];
  readonly floods: FloodRow[];
  readonly hostile: HostileRow[];
  memory?: MemoryFigures;
  peakRssBytes?: number;
  wallSeconds?: number;
}
