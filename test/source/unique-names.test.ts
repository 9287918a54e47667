// Names are unique in src/ (STYLE.md, issue 10 §5): no two files export a function, class, type or constant of one name.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const DECLARATION = /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:abstract\s+)?(?:function\*?|class|interface|type|const|let|enum)\s+([A-Za-z_$][\w$]*)/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

it("no exported name is declared in two files of src/", () => {
  const byName = new Map<string, string[]>();
  for (const file of sourceFiles(join(root, "src"))) {
    for (const match of readFileSync(file, "utf8").matchAll(DECLARATION)) {
      const name = match[1]!;
      byName.set(name, [...(byName.get(name) ?? []), relative(root, file)]);
    }
  }
  const twice = [...byName].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(", ")}`);
  expect(twice).toEqual([]);
  // The names issue 10 listed stay one each (and the pattern sees them: an empty scan would pass the line above).
  for (const name of ["batonErrorFromOpenAI", "Transcript", "StoredTranscript", "ThreadKey", "discordDeliveryError", "slackDeliveryError"]) {
    expect(byName.get(name), name).toHaveLength(1);
  }
});
