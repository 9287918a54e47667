// agents.yaml `safety:`: the safe defaults, overrides by pattern, thresholds, and errors naming the entry.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRoster } from "../../src/config/agents-file.js";
import { resolveSafetyPolicy } from "../../src/config/safety-policy.js";
import { assess, countedCategories } from "../../src/bot/safety-assessment.js";

const roster = readFileSync(new URL("../../agents.yaml", import.meta.url), "utf8");
const withSafety = (yaml: string) => parseRoster(`${roster}\nsafety:\n${yaml}`);

describe("the safety policy", () => {
  it("defaults: self-harm* and sexual/minors block with an urgent alert; violence* etc. answer with an alert; the rest answer and flag", () => {
    const policy = resolveSafetyPolicy(parseRoster(roster).safety);
    const decide = (category: string) => assess({ [category]: 0.9 }, policy);
    expect(decide("self-harm/intent")).toMatchObject({ action: "block", alert: "urgent" });
    expect(decide("self-harm/intent")!.reply).toContain(policy.helpResources);
    expect(decide("sexual/minors")).toMatchObject({ action: "block", alert: "urgent" });
    for (const c of ["violence", "violence/graphic", "harassment/threatening", "hate/threatening", "illicit/violent"]) {
      expect(decide(c)).toMatchObject({ action: "answer", alert: "normal" });
    }
    expect(decide("harassment")).toMatchObject({ action: "answer", alert: "none" });
    // The strictest rule of several categories wins.
    expect(assess({ harassment: 0.9, "self-harm": 0.6 }, policy)).toMatchObject({ action: "block", alert: "urgent" });
  });

  it("overrides a pattern, sets thresholds, replaces the help resources", () => {
    const policy = resolveSafetyPolicy(
      withSafety(`  categories:\n    "violence*": { action: block, alert: urgent }\n  thresholds:\n    "self-harm*": 0.2\n  helpResources: Call the school nurse.\n`).safety,
    );
    expect(assess({ violence: 0.9 }, policy)).toMatchObject({ action: "block", alert: "urgent" });
    expect(assess({ "self-harm": 0.9 }, policy)!.reply).toContain("Call the school nurse.");
    const verdict = { categories: { "self-harm": { flagged: false, score: 0.25 }, hate: { flagged: false, score: 0.25 } } };
    expect(countedCategories(verdict, policy)).toEqual({ "self-harm": 0.25 });
  });

  it("refuses unknown categories, actions and bad thresholds, naming the entry", () => {
    expect(() => withSafety(`  categories:\n    "violense*": { action: block, alert: urgent }\n`)).toThrow(/safety\.categories\.violense\*/);
    expect(() => withSafety(`  categories:\n    violence: { action: ignore, alert: none }\n`)).toThrow(/safety\.categories\.violence\.action/);
    expect(() => withSafety(`  thresholds:\n    hate: 2\n`)).toThrow(/safety\.thresholds\.hate/);
    expect(() => withSafety(`  colour: red\n`)).toThrow(/safety/);
  });
});
