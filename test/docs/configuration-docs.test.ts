// docs/configuration.md documents every variable env.ts reads, and .env.example lists each one with its default.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect, it } from "vitest";
import { ENV_VARIABLES } from "../../src/config/env.js";

const root = resolve(import.meta.dirname, "../..");
const read = (file: string): string => readFileSync(join(root, file), "utf8");

it("docs/configuration.md has a table row for every variable, and no row for a variable that does not exist", () => {
  const documented = [...read("docs/configuration.md").matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
});

it(".env.example names every variable, as a commented default or a recommended value", () => {
  const example = read(".env.example");
  const listed = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
  expect(ENV_VARIABLES.filter((name) => !listed.has(name))).toEqual([]);
  expect([...listed].filter((name) => !ENV_VARIABLES.includes(name!))).toEqual([]);
});
