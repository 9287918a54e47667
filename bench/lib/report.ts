// Renders a bench run as Markdown: the tables printed to the terminal and pasted into docs/performance.md.

import { PEERS } from "./peer-runner.js";
import { fmt, type BenchResults } from "./results.js";

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const mib = (bytes: number): string => `${fmt(bytes / 2 ** 20, 1)} MiB`;

function engineSection(results: BenchResults): string {
  const rows = results.engine ?? [];
  const peers = PEERS.map((peer) => ({ ...peer, run: results.peers?.find((run) => run.framework === peer.framework) }));
  const header = ["History", "Mode", "Baton turns/s", "p50 µs", "p99 µs", "ns per history message"];
  for (const peer of peers) header.push(`${peer.label}${peer.run?.version ? ` ${peer.run.version}` : ""} turns/s (p50 µs)`, "Baton ÷ it");
  const body = rows.map((row) => {
    const cells = [
      row.rebuilt ? `${fmt(row.history)} (rebuilt from plain messages each turn)` : fmt(row.history),
      row.streaming ? "streamed" : "not streamed",
      fmt(row.turnsPerSecond),
      fmt(row.p50Us, 1),
      fmt(row.p99Us, 1),
      row.nsPerHistoryMessage === undefined ? "" : fmt(row.nsPerHistoryMessage, 1),
    ];
    for (const peer of peers) {
      const peerRow = row.rebuilt ? undefined : peer.run?.rows.find((r) => r.history === row.history && r.streaming === row.streaming);
      if (peerRow === undefined) {
        cells.push(row.rebuilt ? "" : "n/a", "");
      } else {
        const few = peerRow.turns < results.plan.peer.turns ? ` [${fmt(peerRow.turns)} turns]` : "";
        cells.push(`${fmt(peerRow.turnsPerSecond)} (${fmt(peerRow.p50Us)})${few}`, `${fmt(row.turnsPerSecond / peerRow.turnsPerSecond, 1)}×`);
      }
    }
    return cells;
  });
  const notes: string[] = [];
  if (results.peersSkipped !== undefined) notes.push(`Peers not run: ${results.peersSkipped}.`);
  for (const peer of peers) if (peer.run?.error !== undefined) notes.push(`${peer.label}: n/a — ${peer.run.error}`);
  const { engine, peer } = results.plan;
  return [
    "### 1–2. Engine turn, Baton and its peers",
    "",
    "The seed's scenario: the student asks \"What is the derivative of x^2?\", triage answers with a note and a handoff call to " +
      "`math_tutor`, math_tutor answers (≈150 tokens of text, streamed one word per delta), the turn ends. An in-process fake " +
      `model answers instantly. Baton: ${fmt(engine.turns)} timed turns per row after ${fmt(engine.warmup)} warm-up turns; peers: ` +
      `up to ${fmt(peer.turns)} turns or ${fmt(peer.budgetMs / 1000, 1)} s per row after up to ${fmt(peer.warmup)} warm-up turns ` +
      "(fewer timed turns shown in brackets), each framework in its own child process, tracing off.",
    "",
    table(header, body),
    ...(notes.length > 0 ? ["", ...notes] : []),
  ].join("\n");
}

function endToEndSection(results: BenchResults): string {
  const e2e = results.endToEnd;
  const c = results.concurrency;
  const parts = ["### 3–4. End to end: ConversationService, SQLite (WAL) file, outbox, no-op platform"];
  if (e2e !== undefined) {
    parts.push(
      "",
      table(
        ["Load", "Turns", "Turns/s"],
        [
          [`${fmt(e2e.distinctThreads)} distinct threads at once, each asking ${fmt(e2e.distinctTurns / e2e.distinctThreads)} questions in a row`, fmt(e2e.distinctTurns), fmt(e2e.distinctTurnsPerSecond)],
          ["one hot thread, questions one after another", fmt(e2e.hotTurns), fmt(e2e.hotTurnsPerSecond)],
          ["(for comparison) one hot thread, database in memory instead of a file", fmt(e2e.hotTurns), fmt(e2e.hotInMemoryTurnsPerSecond)],
        ],
      ),
    );
  }
  if (c !== undefined) {
    parts.push(
      "",
      `Concurrency: ${fmt(c.threads)} threads each ask once at the same moment; the model takes ${fmt(c.latencyMs)} ms per call ` +
        `(${fmt(c.modelPathMs)} ms on a turn's path: triage, then the tutor). Wall time ${fmt(c.wallMs)} ms ` +
        `(${fmt(c.wallMs / c.modelPathMs, 2)}× the model time); one turn alone: ${fmt(c.singleTurnMs)} ms.`,
    );
  }
  return parts.join("\n");
}

function longSection(results: BenchResults): string {
  const long = results.longConversation;
  if (long === undefined) return "";
  return [
    "### 5. Long conversations",
    "",
    table(
      ["Stored messages", "Turn p50 ms"],
      [
        [fmt(long.longMessages), fmt(long.longP50Ms, 3)],
        [fmt(long.shortMessages), fmt(long.shortP50Ms, 3)],
      ],
    ),
    "",
    `Ratio ${fmt(long.ratio, 2)}×. Window query plan: \`${long.windowPlan}\`. Seeding ${fmt(long.longMessages + long.shortMessages)} rows took ${fmt(long.seedMs)} ms.`,
  ].join("\n");
}

function tokenSection(results: BenchResults): string {
  const t = results.tokenEconomy;
  if (t === undefined) return "";
  const [plain, previous] = t.sample;
  const rows = (plain?.turns ?? []).map((turn, i) => {
    const other = previous?.turns[i];
    return [`"${turn.question}"`, fmt(turn.calls), fmt(turn.promptTokens), other ? fmt(other.calls) : "", other ? fmt(other.promptTokens) : ""];
  });
  rows.push(["whole sample", fmt(plain?.calls ?? 0), fmt(plain?.promptTokens ?? 0), fmt(previous?.calls ?? 0), fmt(previous?.promptTokens ?? 0)]);
  const l = t.longThread;
  return [
    "### 6. Token economy (prompt tokens estimated at 4 characters per token, tools included)",
    "",
    table(["Question", "LLM calls", "Prompt tokens", "LLM calls, return-to-previous", "Prompt tokens, return-to-previous"], rows),
    "",
    `A ${fmt(l.storedMessages)}-message thread: the next turn makes ${fmt(l.calls)} calls with ${fmt(l.promptTokens)} prompt tokens ` +
      `(largest call ${fmt(l.maxCallPromptTokens)} tokens, ${fmt(l.maxCallMessages)} messages; limit ${fmt(l.callPromptLimit)}), ` +
      `where sending the whole thread would cost ${fmt(l.wholeThreadTokens)} tokens per call.`,
  ].join("\n");
}

function mediaSection(results: BenchResults): string {
  const m = results.media;
  if (m === undefined) return "";
  const t = m.turn;
  return [
    "### 9. Students' photos (normalised with sharp: longest side ≤ 2,048 px, re-encoded)",
    "",
    table(
      ["Image", "Sent", "Stored", "ms per image"],
      m.images.map((row) => [row.label, `${fmt(row.sentBytes)} bytes`, `${fmt(row.storedBytes)} bytes, ${row.storedSize}`, fmt(row.msPerImage, 1)]),
    ),
    "",
    `A turn asking about one phone photo (stored ${t.storedSize}) makes ${fmt(t.calls)} model calls, each sent the image: ` +
      `${fmt(t.textPromptTokens)} prompt tokens of text, ${fmt(t.lowPromptTokens)} with the image at low detail, ${fmt(t.highPromptTokens)} at high (and auto, as the window counts it).`,
  ].join("\n");
}

function mathSection(results: BenchResults): string {
  const m = results.math;
  if (m === undefined) return "";
  return [
    "### 10. Math out (display TeX → MathJax SVG → resvg PNG, cached by TeX source)",
    "",
    table(
      ["Formula", "Cold ms", "Cached ms", "PNG"],
      m.formulas.map((row) => [row.label, fmt(row.coldMs, 2), fmt(row.cachedMs, 4), `${fmt(row.pngBytes)} bytes, ${row.size}`]),
    ),
    "",
    `The first render in a process (after the imports) sets MathJax up: ${fmt(m.firstRenderMs, 0)} ms. A whole reply with 3 inline and 2 display ` +
      `formulas is prepared in ${fmt(m.replyColdMs, 2)} ms cold, ${fmt(m.replyCachedMs, 3)} ms from the cache.`,
  ].join("\n");
}

function memorySection(results: BenchResults): string {
  const m = results.memory;
  const lines = ["### 7. Memory", ""];
  if (m !== undefined) {
    lines.push(
      `Heap after warm-up ${mib(m.heapBeforeBytes)}; after ${fmt(m.conversations)} more conversations (each one turn), full GC: ` +
        `${mib(m.heapAfterBytes)} — ${fmt(m.bytesPerConversation, 1)} bytes per conversation.`,
    );
  }
  lines.push(`Peak RSS of the bench process: ${mib(results.peakRssBytes)}.`);
  return lines.join("\n");
}

function importSection(results: BenchResults): string {
  const imports = results.imports;
  if (imports === undefined) return "";
  const rows = imports.rows.map((row) => [row.entry === "node alone" ? "(node alone, an empty module)" : `\`import("${row.entry}")\``, fmt(row.importMs, 1), mib(row.rssBytes)]);
  return [
    "### 8. Import cost",
    "",
    `Each entry point imported in a fresh Node process (${fmt(imports.rows[0]?.processes ?? 0)} processes each, median), compiled from src/ as ` +
      "`npm run build` does: the time `await import()` takes and the whole process's RSS right after it.",
    "",
    table(["Entry", "Import ms", "RSS after import"], rows),
  ].join("\n");
}

function streamSection(results: BenchResults): string {
  const s = results.streaming;
  if (s === undefined) return "";
  const rows = s.platforms.map((p) => [
    p.platform === "discord" ? "Discord" : "Slack",
    p.path,
    fmt(p.answers),
    fmt(p.firstVisibleMs.p50),
    fmt(p.firstVisibleMs.p99),
    `${fmt(p.callsPerAnswer.median)} / ${fmt(p.callsPerAnswer.max)}`,
    `${fmt(p.refusedByRateLimit)}${p.rateLimitEnforced ? "" : " (no standing limit in the fake)"}`,
  ]);
  return [
    "### 11. Streamed answers",
    "",
    `The real adapters (discord.js; Bolt on its default reply path) and the service against the fakes, every platform call answered ` +
      `after ${fmt(s.platformLatencyMs)} ms (Discord's per-webhook limit enforced: 5 calls per 2 s, 429 beyond); a fake model writes ` +
      `the tutor's ${fmt(s.tokensPerAnswer)}-token answer one token every ${fmt(s.tokenIntervalMs)} ms. One answer at a time in one ` +
      `channel, ${fmt(s.quietBetweenAnswersMs / 1000, 0)} s apart (past the channel's rate window); visible means the tutor's own message ` +
      "shows words in the thread." +
      (s.alongside ? " Both platforms ran at once, beside the other scenarios: smoke figures, not measurements." : ""),
    "",
    table(["Platform", "How the answer arrived", "Answers", "First token → first words p50 ms", "p99 ms", "Calls per answer (median / max)", "Refused (429)"], rows),
  ].join("\n");
}

function targetSection(results: BenchResults): string {
  const targets = results.targets ?? [];
  return [
    "### Targets (issues #6, #10, #11)",
    "",
    table(
      ["#", "Measure", "Value", "Target", ""],
      targets.map((t) => [t.scenario, t.description, t.value, t.goal, t.met ? "met" : "**missed**"]),
    ),
  ].join("\n");
}

export function renderReport(results: BenchResults): string {
  const m = results.machine;
  const header = [
    `## Baton benchmark — ${results.generatedAt}${results.mode === "quick" ? " (quick mode: smoke figures, not measurements)" : ""}`,
    "",
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${fmt(m.memoryGiB, 1)} GiB, ${m.os}; Node ${m.node}. ` +
      `Each figure is the median of ${results.repetitions} repetition${results.repetitions === 1 ? "" : "s"}; ` +
      `Baton and the peers alternate within each repetition. Load average (1 min) ${fmt(m.loadAtStart, 2)} at the start, ${fmt(m.loadAtEnd ?? Number.NaN, 2)} at the end.`,
  ].join("\n");
  return [header, engineSection(results), endToEndSection(results), longSection(results), tokenSection(results), mediaSection(results), mathSection(results), memorySection(results), importSection(results), streamSection(results), targetSection(results)]
    .filter((part) => part !== "")
    .join("\n\n");
}
