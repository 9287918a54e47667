// Renders bench/results/soak.json as the one table `npm run soak` prints.

import type { SoakResults } from "./results.js";

const MiB = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)} ms` : "n/a");
const cell = (text: string | number): string => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderSoakReport(results: SoakResults): string {
  const { machine } = results;
  const lines = [
    `## npm run soak (${results.mode}, seed ${results.seed})`,
    "",
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load ${machine.loadAtStart.toFixed(2)} at start${machine.loadAtEnd === undefined ? "" : `, ${machine.loadAtEnd.toFixed(2)} at end`}${results.wallSeconds === undefined ? "" : `; ${Math.round(results.wallSeconds)} s in all`}.`,
    "",
    "| Scenario | Kind | Turns | Completed | Failed, told | Lost | Twice | Detail |",
    "|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of results.faults) {
    const { tally } = row;
    const order = tally.outOfOrder > 0 ? `; OUT OF ORDER ${tally.outOfOrder}` : "";
    // More notices than failed turns: a reply that could not be posted was replaced by one, and the turn went on.
    const extra = tally.notices > tally.failedAndTold ? `; ${tally.notices - tally.failedAndTold} undelivered replies replaced by a notice` : "";
    lines.push(`| fault | ${cell(row.kind)} | ${tally.sent} | ${tally.completed} | ${tally.failedAndTold} | ${tally.lost} | ${tally.duplicated} | ${cell(`${row.injected} injected: ${row.detail}${extra}${order}`)} |`);
  }
  for (const row of results.floods) {
    const { tally } = row;
    const order = tally.outOfOrder === 0 ? "in order" : `OUT OF ORDER ${tally.outOfOrder}`;
    lines.push(`| flood | ${cell(row.kind)} | ${tally.sent} | ${tally.completed} | ${tally.failedAndTold} | ${tally.lost} | ${tally.duplicated} | ${cell(`${order}; turn p50 ${ms(row.p50Ms)}, p99 ${ms(row.p99Ms)}; all answered in ${ms(row.wallMs)}${row.redelivered > 0 ? `; ${row.redelivered} deliveries not acked at once, retried as Slack does` : ""}`)} |`);
  }
  for (const row of results.hostile) {
    lines.push(`| hostile | ${cell(row.input)} | | | | | | ${cell(`${row.outcome}${row.asPromised ? "" : " — NOT AS PROMISED"}`)} |`);
  }
  const { memory } = results;
  if (memory !== undefined) {
    lines.push(
      `| memory | RSS after ${memory.conversations.toLocaleString("en-US")} conversations | ${memory.conversations} | | | | | ${cell(`${MiB(memory.rssBeforeBytes)} before, ${MiB(memory.rssAfterBytes)} after; heap ${MiB(memory.heapBeforeBytes)} → ${MiB(memory.heapAfterBytes)}`)} |`,
    );
  }
  if (results.peakRssBytes !== undefined) lines.push(`| memory | peak RSS of the soak process | | | | | | ${MiB(results.peakRssBytes)} (child processes of the SIGKILL scenario not included) |`);
  return lines.join("\n");
}
