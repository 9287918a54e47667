// The bot reaches its store only through its own port (src/bot/store-port.ts): no src/bot file imports src/store.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const BOT = fileURLToPath(new URL("../../src/bot/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

it("no file of src/bot imports src/store", () => {
  const files = sources(BOT);
  // The scan sees the bot's files (an empty scan would pass the line below), the port's among them.
  expect(files.map((file) => relative(BOT, file))).toContain("store-port.ts");
  const importing = files.filter((file) => /(from|import)\s*\(?\s*"(\.\.\/)+store\//.test(readFileSync(file, "utf8"))).map((file) => relative(BOT, file));
  expect(importing).toEqual([]);
});

it("the port's own files import nothing from src/store", () => {
  for (const name of ["store-port.ts", "store-records.ts", "transcript-records.ts", "message-mapping.ts"]) {
    expect(readFileSync(join(BOT, name), "utf8")).not.toMatch(/from "(\.\.\/)+store\//);
  }
});
