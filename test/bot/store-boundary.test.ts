// The bot reaches its store only through its own port (src/bot/store-port.ts): no src/bot file imports src/store,
// except the few listed below that are still to move (they may only leave this list, never join it).

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const BOT = fileURLToPath(new URL("../../src/bot/", import.meta.url));

/** Still on the synchronous SQLite classes: the safety step's flags and usage, and the moderators' reads. */
const NOT_YET_ON_THE_PORT = [
  "classroom-safety.ts",
  "moderation-reads.ts",
  "safety-review.ts",
  "safety.ts",
  "service-options.ts",
  "transcript.ts",
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

it("no file of src/bot imports src/store beyond the ones still to move", () => {
  const importing = sources(BOT)
    .filter((file) => /from "(\.\.\/)+store\//.test(readFileSync(file, "utf8")))
    .map((file) => relative(BOT, file))
    .sort();
  expect(importing).toEqual(NOT_YET_ON_THE_PORT);
});

it("the port's own files import nothing from src/store", () => {
  for (const name of ["store-port.ts", "store-records.ts", "message-mapping.ts"]) {
    expect(readFileSync(join(BOT, name), "utf8")).not.toMatch(/from "(\.\.\/)+store\//);
  }
});
