// The order `vitest run` starts test files in: the few that run whole programs first, so that none of them starts
// last and keeps the run going while the other worker sits idle (vitest only knows files' durations from a local
// cache, which a fresh CI checkout does not have; without it, it starts the largest files first).

import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The slowest files, longest first (each 8–35 s on a 2-core machine; all the others take under 6 s). */
export const SLOW_FILES: readonly string[] = [
  "test/bench/bench-smoke.test.ts",
  "test/package/pack-install.test.ts",
  "test/bench/soak-quick.test.ts",
  "test/platforms/console/terminal-chat.test.ts",
  "test/platforms/console/console-chat.test.ts",
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const at = SLOW_FILES.indexOf(relative(file.project.config.root, file.moduleId).split("\\").join("/"));
      return at === -1 ? SLOW_FILES.length : at;
    };
    // Array sort is stable: the other files keep the order vitest chose for them.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
