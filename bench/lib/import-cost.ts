// What importing Baton costs a program: RSS and time of `import("baton/workflow")` and `import("baton")`, each in a fresh Node process.

import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { median } from "./stats.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Compiled apart from dist/ so that a concurrent `npm pack` (which empties dist/) cannot pull it away mid-measure. */
const BUILD = fileURLToPath(new URL("../.build/", import.meta.url));

/** The package's entry points as `exports` maps them, compiled from src/ as `npm run build` does. */
const ENTRIES = [
  { entry: "baton/workflow", file: "workflow/index.js" },
  { entry: "baton", file: "index.js" },
] as const;

export type ImportEntry = (typeof ENTRIES)[number]["entry"] | "node alone";

export interface ImportCostRow {
  readonly entry: ImportEntry;
  /** Median over the processes of the time `await import()` took. */
  readonly importMs: number;
  /** Median over the processes of the whole process's RSS right after the import. */
  readonly rssBytes: number;
  readonly processes: number;
}

export interface ImportCostResult {
  readonly rows: readonly ImportCostRow[];
}

// The child imports the module it is given and reports; nothing else runs in it.
const CHILD = `const started = performance.now();
await import(process.argv[1]);
const importMs = performance.now() - started;
process.stdout.write(JSON.stringify({ importMs, rssBytes: process.memoryUsage().rss }));`;

async function measureOnce(url: string): Promise<{ importMs: number; rssBytes: number }> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD, url], { cwd: ROOT });
  return JSON.parse(stdout) as { importMs: number; rssBytes: number };
}

/** Incremental: a second run compiles only what changed (files of deleted sources stay, imported by nothing). */
async function build(): Promise<void> {
  await run(process.execPath, [
    fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url)),
    "-p", "tsconfig.build.json", "--outDir", BUILD, "--declaration", "false", "--sourceMap", "false",
    "--incremental", "--tsBuildInfoFile", `${BUILD}tsbuildinfo`,
  ], { cwd: ROOT });
}

/** `processes` fresh processes per entry, the entries taking turns so that a change of load touches them alike. */
export async function runImportCost(options: { processes: number }): Promise<ImportCostResult> {
  await build();
  const targets: Array<{ entry: ImportEntry; url: string }> = [
    ...ENTRIES.map(({ entry, file }) => ({ entry, url: pathToFileURL(BUILD + file).href })),
    // An empty module: what a Node process weighs before it imports anything.
    { entry: "node alone", url: "data:text/javascript," },
  ];
  const samples = new Map<ImportEntry, Array<{ importMs: number; rssBytes: number }>>(targets.map((t) => [t.entry, []]));
  for (let i = 0; i < options.processes; i++) {
    for (const target of targets) samples.get(target.entry)!.push(await measureOnce(target.url));
  }
  return {
    rows: targets.map(({ entry }) => {
      const list = samples.get(entry)!;
      return { entry, importMs: median(list.map((s) => s.importMs)), rssBytes: median(list.map((s) => s.rssBytes)), processes: list.length };
    }),
  };
}
