// Test runner settings: node environment, generous timeouts for the slower end-to-end suites on 2-core machines.
import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/support/slow-first-sequencer.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Vitest's default is one worker fewer than the cores, which on a 2-core CI machine runs every file one after
    // another. Most of the slow files wait on child processes, sockets and timers, so two workers share 2 cores well.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: SlowFirstSequencer },
  },
});
