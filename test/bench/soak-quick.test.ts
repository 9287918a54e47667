// `npm run soak -- --quick` runs every soak scenario once, small: nothing lost, nothing posted twice (never judged for speed).

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS, type SoakResults } from "../../bench/soak/results.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COMMITTED = join(ROOT, "bench/results/soak.json");
let dir: string;
let status: number | null;
let stdout: string;
let stderr: string;
let results: SoakResults;
let committedBefore: string | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-soak-quick-"));
  committedBefore = existsSync(COMMITTED) ? readFileSync(COMMITTED, "utf8") : undefined;
  const out = join(dir, "soak.json");
  const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/soak/run.ts", "--quick", `--out=${out}`], { cwd: ROOT, encoding: "utf8", timeout: 170_000 });
  ({ status, stdout, stderr } = run);
  if (existsSync(out)) results = JSON.parse(readFileSync(out, "utf8")) as SoakResults;
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run soak -- --quick", () => {
  it("runs every scenario to the end and exits cleanly", () => {
    expect(status, stderr).toBe(0);
    expect(results.mode).toBe("quick");
    expect(results.scenarios).toEqual([...SCENARIOS]);
  });

  it("injects every kind of fault and floods, and loses nothing and posts nothing twice", () => {
    expect(results.faults.map((row) => row.kind)).toEqual([
      "model 429",
      "model 500",
      "model stall",
      "model cut stream",
      "model empty answer",
      "model malformed JSON",
      "platform 429 (Slack)",
      "platform 5xx (Slack)",
      "platform 429 (Discord)",
      "platform 5xx (Discord)",
      "unknown webhook (Discord)",
      "archived thread (Discord)",
      "SQLite busy",
      "SIGKILL + restart",
    ]);
    expect(results.floods).toHaveLength(2);
    for (const row of [...results.faults, ...results.floods]) {
      expect(row.tally.sent, row.kind).toBeGreaterThan(0);
      expect(row.tally.lost, row.kind).toBe(0);
      expect(row.tally.duplicated, row.kind).toBe(0);
      expect(row.tally.completed + row.tally.failedAndTold, row.kind).toBe(row.tally.sent);
    }
    for (const row of results.faults) expect(row.injected, row.kind).toBeGreaterThan(0);
    for (const row of results.floods) expect(row.tally.outOfOrder, row.kind).toBe(0);
  });

  it("tries every hostile input, says what happened, and each ends as the README promises", () => {
    const inputs = results.hostile.map((row) => row.input).join("\n");
    for (const word of ["body", "future", "stale", "trigger_id", "zero-width", "100 kB", "NUL", "RTL", "```", "@everyone", "<!channel>", "admin_agent", "/history", "/homework-history"]) {
      expect(inputs).toContain(word);
    }
    for (const row of results.hostile) {
      expect(row.outcome.length, row.input).toBeGreaterThan(0);
      expect(row.asPromised, `${row.input}: ${row.outcome}`).toBe(true);
    }
  });

  it("measures memory, prints one table, and leaves the committed full-run figures alone", () => {
    expect(results.memory?.rssAfterBytes).toBeGreaterThan(0);
    expect(results.peakRssBytes).toBeGreaterThan(0);
    expect(stdout).toContain("| Scenario | Kind | Turns | Completed | Failed, told | Lost | Twice | Detail |");
    expect(existsSync(COMMITTED) ? readFileSync(COMMITTED, "utf8") : undefined).toBe(committedBefore);
  });
});
