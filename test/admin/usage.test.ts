// The usage page: per day and per server/workspace from usage_daily (each model at its price), per agent from the
// stored replies, within the session's scope.

import { describe, expect, it } from "vitest";
import { UsageStore } from "../../src/store/usage-store.js";
import { consoleBed, guild1 } from "./console-harness.js";

const row = (page: string, key: string): string => {
  const match = new RegExp(`<tr><td>${key}.*?</tr>`).exec(page);
  if (match === null) throw new Error(`no row ${key}`);
  return match[0];
};
const cells = (tr: string): string[] => [...tr.matchAll(/<td class="num">(?:<strong>)?([^<]*)/g)].map((m) => m[1]!);

describe("the usage page", () => {
  it("sums tokens and cost per day, per server/workspace and per agent, within the scope", async () => {
    const bed = await consoleBed();
    new UsageStore(bed.db).add({ platform: "discord", workspace: "guild-2", day: "2023-11-14", userId: "stu-9", model: "gpt-4o", promptTokens: 5_000, completionTokens: 1_000 });
    const page = await (await bed.get("/usage?days=7", await bed.signIn(guild1))).text();
    expect(page).toContain("<strong>7 days</strong>");
    // One student; 420 prompt + 48 completion tokens of gpt-4o-mini at $0.15 / $0.60 per million.
    expect(row(page, "2023-11-14")).toContain('<span class="muted small">gpt-4o-mini</span>');
    expect(cells(row(page, "2023-11-14"))).toEqual(["1", "420", "48", "468", "$0.0001"]);
    expect(cells(row(page, "discord guild-1"))).toEqual(["1", "420", "48", "468", "$0.0001"]);
    expect(cells(row(page, "math_tutor"))).toEqual(["1", "300", "40", "340", "$0.0001"]);
    expect(cells(row(page, "triage_agent"))).toEqual(["1", "120", "8", "128", "$0.0000"]);
    expect(page).not.toContain("guild-2");
  });

  it("prices each model at its own price, and shows no cost when a model has none", async () => {
    const bed = await consoleBed();
    const usage = new UsageStore(bed.db);
    usage.add({ platform: "discord", workspace: "guild-1", day: "2023-11-14", userId: "stu-2", model: "gpt-4o", promptTokens: 1_000_000, completionTokens: 100_000 });
    usage.add({ platform: "slack", workspace: "T1", day: "2023-11-15", userId: "U1", model: "llama3-local", promptTokens: 10, completionTokens: 5 });
    const page = await (await bed.get("/usage?days=7", await bed.signIn({ kind: "all" }))).text();
    // gpt-4o-mini: $0.0000918; gpt-4o: $2.50 + $1.00.
    expect(cells(row(page, "2023-11-14"))).toEqual(["2", "1,000,420", "100,048", "1,100,468", "$3.50"]);
    expect(row(page, "2023-11-14")).toContain("gpt-4o, gpt-4o-mini");
    expect(cells(row(page, "2023-11-15"))).toEqual(["1", "10", "5", "15", "—"]);
    expect(page.indexOf("<td>2023-11-15")).toBeLessThan(page.indexOf("<td>2023-11-14"));
  });

  it("keeps the daily totals when retention deletes the conversations; the per-agent table goes with the replies", async () => {
    const bed = await consoleBed();
    bed.store.purgeConversationsOlderThan(bed.clock.now + 1);
    const page = await (await bed.get("/usage?days=7", await bed.signIn(guild1))).text();
    expect(cells(row(page, "2023-11-14"))).toEqual(["1", "420", "48", "468", "$0.0001"]);
    expect(page).not.toContain("<td>math_tutor");
  });

  it("a conversation's session sums that conversation's replies only", async () => {
    const bed = await consoleBed();
    const page = await (await bed.get("/usage?days=7", await bed.signIn({ kind: "conversation", conversationId: bed.seeded.math, platform: "discord", workspace: "guild-1" }))).text();
    expect(page).toContain("every table sums its stored replies");
    expect(cells(row(page, "2023-11-14"))).toEqual(["2", "420", "48", "468", "$0.0001"]);
  });

  it("only the last 7, 30 or 90 days", async () => {
    const bed = await consoleBed();
    bed.clock.now += 8 * 86_400_000;
    const cookie = await bed.signIn(guild1);
    expect(await (await bed.get("/usage?days=7", cookie)).text()).not.toContain("<td>2023-11-14");
    expect(await (await bed.get("/usage?days=30", cookie)).text()).toContain("<td>2023-11-14");
    expect(await (await bed.get("/usage?days=12345", cookie)).text()).toContain("<strong>30 days</strong>");
  });
});
