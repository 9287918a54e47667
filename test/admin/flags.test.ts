// The flags page as moderators reach it: the link /flags and /homework-flags hand out, the queue's order and scope,
// what stays out of the queue, and reviews recorded in the flags table.

import { describe, expect, it } from "vitest";
import { flagsPageLink, SignedConsoleLinks } from "../../src/admin/console-links.js";
import type { Database } from "../../src/store/index.js";
import { consoleBed, csrfOf, guild1, SECRET, sessionCookie } from "./console-harness.js";

interface FlagSeed {
  readonly severity: "urgent" | "alert" | "flag" | "none";
  readonly text: string;
  readonly at: number;
  readonly action?: "block" | "answer" | "withhold" | "unchecked";
  readonly userName?: string;
}

function addFlag(db: Database, conversationId: number, flag: FlagSeed): number {
  return Number(
    db
      .prepare(
        "INSERT INTO flags (conversation_id, user_id, user_name, source, categories, action, severity, text, created_at) " +
          "VALUES (?, 'stu-1', ?, 'input', '{\"harassment\":0.7}', ?, ?, ?, ?)",
      )
      .run(conversationId, flag.userName ?? null, flag.action ?? "block", flag.severity, flag.text, flag.at).lastInsertRowid,
  );
}

const order = (page: string): number[] => [...page.matchAll(/<div class="flag-card [^"]*" id="flag-(\d+)">/g)].map((m) => Number(m[1]));

describe("the flags page", () => {
  it("opens from the link a /flags command hands out, scoped to the moderator's server", async () => {
    const bed = await consoleBed();
    const mine = addFlag(bed.db, bed.seeded.math, { severity: "alert", text: "mine", at: bed.clock.now });
    const theirs = addFlag(bed.db, bed.seeded.otherGuild, { severity: "urgent", text: "theirs", at: bed.clock.now });
    const links = new SignedConsoleLinks({ secret: SECRET, publicUrl: "https://console.school.example/", now: () => bed.clock.now });
    const url = new URL(flagsPageLink(links, { platform: "discord", workspace: "guild-1", moderator: { id: "mod-1", name: "Ms Rivera" } }));
    expect(url.origin).toBe("https://console.school.example");
    const landing = await bed.get(url.pathname + url.search);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('<meta http-equiv="refresh" content="0;url=/flags">');
    const page = await (await bed.get("/flags", sessionCookie(landing))).text();
    expect(page).toContain('<span class="scope" title="What this session can read">discord server guild-1</span>');
    expect(order(page)).toEqual([mine]);
    expect(page).not.toContain(`flag-${theirs}`);
  });

  it("puts open flags first, then by severity, then newest; reviewed ones after them on request", async () => {
    const bed = await consoleBed();
    const t = bed.clock.now;
    const oldFlag = addFlag(bed.db, bed.seeded.math, { severity: "flag", text: "old flag", at: t });
    const newFlag = addFlag(bed.db, bed.seeded.failed, { severity: "flag", text: "new flag", at: t + 10 });
    const urgent = addFlag(bed.db, bed.seeded.math, { severity: "urgent", text: "urgent", at: t - 10 });
    const alert = addFlag(bed.db, bed.seeded.failed, { severity: "alert", text: "alert", at: t + 5 });
    const reviewedUrgent = addFlag(bed.db, bed.seeded.math, { severity: "urgent", text: "seen", at: t + 20 });
    bed.db.prepare("UPDATE flags SET reviewed_by = 'Mr Chen', reviewed_at = ? WHERE id = ?").run(t, reviewedUrgent);
    const cookie = await bed.signIn(guild1);
    expect(order(await (await bed.get("/flags", cookie)).text())).toEqual([urgent, alert, newFlag, oldFlag]);
    const all = await (await bed.get("/flags?reviewed=1", cookie)).text();
    expect(order(all)).toEqual([urgent, alert, newFlag, oldFlag, reviewedUrgent]);
    expect(all).toContain("✓ Reviewed by Mr Chen");
  });

  it("keeps an outage's unchecked marks out of the queue and the counts, but on the conversation page", async () => {
    const bed = await consoleBed();
    const unchecked = addFlag(bed.db, bed.seeded.math, { severity: "none", action: "unchecked", text: "not checked", at: bed.clock.now });
    const cookie = await bed.signIn(guild1);
    expect(order(await (await bed.get("/flags", cookie)).text())).toEqual([]);
    expect(await (await bed.get("/conversations?status=unreviewed", cookie)).text()).toContain("No conversation matches");
    expect(await (await bed.get("/conversations?status=flagged", cookie)).text()).toContain("No conversation matches");
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    expect(page).toContain(`id="flag-${unchecked}"`);
    expect(page).toContain("not checked (moderation unavailable)");
    expect(page).toMatch(/<span class="value">0<\/span><span class="label">open flags<\/span>/);
  });

  it("names the student whose turn it was", async () => {
    const bed = await consoleBed();
    addFlag(bed.db, bed.seeded.math, { severity: "alert", text: "x", at: bed.clock.now, userName: "Ada L." });
    addFlag(bed.db, bed.seeded.failed, { severity: "flag", text: "y", at: bed.clock.now });
    const page = await (await bed.get("/flags", await bed.signIn(guild1))).text();
    expect(page).toContain("student message (Ada L.)");
    expect(page).toContain("student message (stu-1)");
  });

  it("records who reviewed a flag and when, once, in the flags table", async () => {
    const bed = await consoleBed();
    const flag = addFlag(bed.db, bed.seeded.math, { severity: "urgent", text: "z", at: bed.clock.now });
    const cookie = await bed.signIn(guild1);
    const csrf = csrfOf(await (await bed.get("/flags", cookie)).text());
    bed.clock.now += 60_000;
    expect((await bed.post(`/flags/${flag}/review`, cookie, { csrf, back: "/flags" })).status).toBe(303);
    const reviewedAt = bed.clock.now;
    bed.clock.now += 60_000;
    expect((await bed.post(`/flags/${flag}/review`, cookie, { csrf, back: "/flags" })).status).toBe(303);
    expect(bed.db.prepare("SELECT reviewed_by, reviewed_at FROM flags WHERE id = ?").get(flag)).toEqual({ reviewed_by: "Ms Rivera", reviewed_at: reviewedAt });
    const log = bed.db.prepare("SELECT action FROM console_access_log WHERE action LIKE 'review%'").pluck().all();
    expect(log).toEqual([`review flag #${flag}`]);
  });
});
