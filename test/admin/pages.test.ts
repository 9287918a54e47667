// Every page in process (app.request): the list with filters and search, one conversation, flags, usage, exports.

import { describe, expect, it } from "vitest";
import type { Database } from "../../src/store/index.js";
import { consoleBed, csrfOf, guild1 } from "./console-harness.js";

const operator = { kind: "all" } as const;

function addFlag(db: Database, conversationId: number, options: { severity: string; text: string; messageId?: number; at?: number }): number {
  return Number(
    db
      .prepare(
        "INSERT INTO flags (conversation_id, message_id, user_id, source, categories, action, severity, text, created_at) " +
          "VALUES (?, ?, 'stu-1', 'input', '{\"self-harm\":0.91}', 'block', ?, ?, ?)",
      )
      .run(conversationId, options.messageId ?? null, options.severity, options.text, options.at ?? 1_700_000_000_000).lastInsertRowid,
  );
}

const ids = (page: string): number[] => [...page.matchAll(/<a class="row-link" href="\/conversations\/(\d+)">/g)].map((m) => Number(m[1]));

describe("the conversation list", () => {
  it("lists newest first and filters by platform, server, channel, student, agent, status and date", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(operator);
    const { math, failed, otherGuild, slack } = bed.seeded;
    const list = async (query = "") => ids(await (await bed.get(`/conversations${query}`, cookie)).text());
    expect(await list()).toEqual([slack, otherGuild, failed, math]);
    expect(await list("?platform=slack")).toEqual([slack]);
    expect(await list("?platform=discord&workspace=guild-1")).toEqual([failed, math]);
    expect(await list("?channel=C1")).toEqual([slack]);
    expect(await list("?student=bru")).toEqual([failed]);
    expect(await list("?student=stu-1")).toEqual([math]);
    expect(await list("?agent=math_tutor")).toEqual([math]);
    expect(await list("?status=failed")).toEqual([failed]);
    expect(await list("?status=answered")).toEqual([math]);
    // Seeded from 22:13 UTC on 14 Nov 2023, an hour apart: two that day, two the next.
    expect(await list("?from=2023-11-14&to=2023-11-14")).toEqual([failed, math]);
    expect(await list("?from=2023-11-15")).toEqual([slack, otherGuild]);
    expect(await list("?to=2000-01-01")).toEqual([]);
  });

  it("pages 25 at a time", async () => {
    const bed = await consoleBed();
    for (let i = 0; i < 26; i++) {
      bed.clock.now += 1;
      await bed.store.getOrCreateConversation({ platform: "console", workspace: "local", channel: "console", thread: `t${i}` });
    }
    const cookie = await bed.signIn(operator);
    const first = await (await bed.get("/conversations", cookie)).text();
    expect(ids(first)).toHaveLength(25);
    expect(first).toContain('href="/conversations?page=2"');
    const second = await (await bed.get("/conversations?page=2", cookie)).text();
    expect(ids(second)).toHaveLength(5);
    expect(second).not.toContain("page=3");
  });

  it("searches message text and marks the matched words in a snippet", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(operator);
    const page = await (await bed.get("/conversations?q=quadratic", cookie)).text();
    expect(ids(page)).toEqual([bed.seeded.otherGuild, bed.seeded.math]);
    expect(page).toContain("<mark>quadratic</mark>");
    expect(ids(await (await bed.get("/conversations?q=formula", cookie)).text())).toEqual([bed.seeded.math]);
    expect(await (await bed.get("/conversations?q=nothinglikethis", cookie)).text()).toContain("No conversation matches");
  });

  it("a forgotten student's words can no longer be found", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(operator);
    expect(ids(await (await bed.get("/conversations?q=charlemagne", cookie)).text())).toEqual([bed.seeded.failed]);
    await bed.store.forgetUser("discord", "stu-2");
    expect(ids(await (await bed.get("/conversations?q=charlemagne", cookie)).text())).toEqual([]);
  });
});

describe("one conversation", () => {
  it("shows the transcript with names and avatars, the handoff timeline, the graph, usage and cost", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    expect(page).toContain('<strong class="author">Ada</strong>');
    expect(page).toContain('<strong class="author">Math Tutor</strong>');
    expect(page).toContain("📐<img src=\"https://avatars.example/math.png\"");
    expect(page).toContain('<ol class="timeline"><li>');
    expect(page).toMatch(/<strong>Triage<\/strong> → <strong>Math Tutor<\/strong><br><span class="muted">a math question<\/span>/);
    expect(page).toContain("↪ Triage handed over to <strong>Math Tutor</strong>");
    expect(page).toContain('<svg class="graph"');
    expect(page).toMatch(/<path class="edge used"[^>]*><title>Triage → Math Tutor<\/title>/);
    expect(page).toMatch(/<g class="node"><rect[^>]*><\/rect><text[^>]*>History Tutor<\/text>/);
    expect(page).toContain("300 in · 40 out · $0.0001");
    // 420 prompt + 48 completion tokens at $0.15 / $0.60 per million.
    expect(page).toContain('<span class="value">468</span>');
    expect(page).toContain('<span class="value">$0.0001</span>');
  });

  it("marks failed turns", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    const page = await (await bed.get(`/conversations/${bed.seeded.failed}`, cookie)).text();
    expect(page).toContain('class="message from-student failed"');
    expect(page).toContain("This turn failed (<code>model_unavailable</code>)");
  });

  it("escapes message text: <script> and <img onerror> are shown, never run", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(operator);
    const failed = await (await bed.get(`/conversations/${bed.seeded.failed}`, cookie)).text();
    expect(failed).toContain("Who crowned Charlemagne? &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(failed).not.toContain("<script>alert(1)");
    const slack = await (await bed.get(`/conversations/${bed.seeded.slack}`, cookie)).text();
    expect(slack).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(slack).not.toMatch(/<img src=x/);
    const search = await (await bed.get("/conversations?q=photosynthesis", cookie)).text();
    expect(search).toContain("&lt;img src=x onerror=alert(1)&gt; what is <mark>photosynthesis</mark>");
    const echoed = await (await bed.get(`/conversations?q=${encodeURIComponent('"><script>x</script>')}`, cookie)).text();
    expect(echoed).not.toContain("<script>x");
    expect(echoed).toContain("&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
  });

  it("renders times in the reader's zone from the cookie, UTC without one", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    const utc = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    expect(utc).toContain('<html lang="en" data-tz="UTC"');
    expect(utc).toContain('<time datetime="2023-11-14T22:13:20.000Z">14 Nov 2023, 22:13</time>');
    const tokyo = await (await bed.get(`/conversations/${bed.seeded.math}`, `${cookie}; baton_tz=Asia/Tokyo`)).text();
    expect(tokyo).toContain('<time datetime="2023-11-14T22:13:20.000Z">15 Nov 2023, 07:13</time>');
    const chosen = await bed.get("/time-zone?tz=America%2FNew_York&back=%2Fconversations%2F1", cookie);
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get("Location")).toBe("/conversations/1");
    expect(chosen.headers.getSetCookie().join("\n")).toContain("baton_tz=America%2FNew_York");
    const away = await bed.get("/time-zone?tz=UTC&back=%2F%2Fevil.example", cookie);
    expect(away.headers.get("Location")).toBe("/conversations");
    const bogus = await (await bed.get(`/conversations/${bed.seeded.math}`, `${cookie}; baton_tz=Mars/Olympus`)).text();
    expect(bogus).toContain('data-tz="UTC"');
  });

  it("records each access and shows it on the page", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(guild1);
    await bed.get(`/conversations/${bed.seeded.math}/export.md`, cookie);
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    const log = /<ul class="access">(.*?)<\/ul>/s.exec(page)![1]!;
    expect(log).toMatch(/Ms Rivera<\/strong> <span class="muted">discord:mod-1<\/span> · view <span class="muted">\(discord server guild-1\)/);
    expect(log).toContain("· export-md");
    expect(log.indexOf("· view")).toBeLessThan(log.indexOf("· export-md"));
  });
});

describe("flags", () => {
  it("lists open flags first by severity, and marks one reviewed with a CSRF token", async () => {
    const bed = await consoleBed();
    const low = addFlag(bed.db, bed.seeded.math, { severity: "flag", text: "mild" });
    const urgent = addFlag(bed.db, bed.seeded.failed, { severity: "urgent", text: "I want to hurt myself" });
    const elsewhere = addFlag(bed.db, bed.seeded.otherGuild, { severity: "urgent", text: "other server" });
    const cookie = await bed.signIn(guild1);
    const page = await (await bed.get("/flags", cookie)).text();
    expect(page.indexOf(`id="flag-${urgent}"`)).toBeGreaterThan(-1);
    expect(page.indexOf(`id="flag-${urgent}"`)).toBeLessThan(page.indexOf(`id="flag-${low}"`));
    expect(page).not.toContain(`id="flag-${elsewhere}"`);
    expect(page).toContain("self-harm 0.91");
    const csrf = csrfOf(page);
    expect((await bed.post(`/flags/${urgent}/review`, cookie, { back: "/flags" })).status).toBe(403);
    expect((await bed.post(`/flags/${elsewhere}/review`, cookie, { csrf })).status).toBe(404);
    const reviewed = await bed.post(`/flags/${urgent}/review`, cookie, { csrf, back: `/conversations/${bed.seeded.failed}` });
    expect(reviewed.status).toBe(303);
    expect(reviewed.headers.get("Location")).toBe(`/conversations/${bed.seeded.failed}#flag-${urgent}`);
    const after = await (await bed.get("/flags", cookie)).text();
    expect(after).not.toContain(`id="flag-${urgent}"`);
    const all = await (await bed.get("/flags?reviewed=1", cookie)).text();
    expect(all).toContain("✓ Reviewed by Ms Rivera");
    expect(bed.db.prepare("SELECT reviewed_by FROM flags WHERE id = ?").pluck().get(elsewhere)).toBeNull();
    const conversation = await (await bed.get(`/conversations/${bed.seeded.failed}`, cookie)).text();
    expect(conversation).toContain("review flag #");
  });

  it("shows a message's flag on the message, and status filters find flagged conversations", async () => {
    const bed = await consoleBed();
    const messageId = Number(bed.db.prepare("SELECT id FROM messages WHERE conversation_id = ? AND role = 'user'").pluck().get(bed.seeded.math));
    addFlag(bed.db, bed.seeded.math, { severity: "alert", text: "x", messageId });
    const cookie = await bed.signIn(operator);
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    expect(page).toContain('class="message from-student flagged"');
    expect(page).toContain('<span class="badge sev-alert">alert</span>');
    expect(ids(await (await bed.get("/conversations?status=flagged", cookie)).text())).toEqual([bed.seeded.math]);
    expect(ids(await (await bed.get("/conversations?status=unreviewed", cookie)).text())).toEqual([bed.seeded.math]);
  });
});

describe("exports", () => {
  it("downloads Markdown: header, every message quoted and escaped, the handoff", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(operator);
    const md = await bed.get(`/conversations/${bed.seeded.math}/export.md`, cookie);
    expect(md.headers.get("Content-Type")).toBe("text/markdown; charset=utf-8");
    expect(md.headers.get("Content-Disposition")).toBe(`attachment; filename="conversation-${bed.seeded.math}.md"`);
    expect(await md.text()).toBe(`# Conversation #${bed.seeded.math}

- Platform: discord (guild-1)
- Channel: homework, thread t-math
- Started: 2023-11-14T22:13:20.000Z; last activity: 2023-11-14T22:13:20.000Z
- Tokens: 468 (420 prompt, 48 completion); estimated cost $0.0001
- Handoffs: triage_agent → math_tutor

## Transcript

**Ada (student)** · 2023-11-14T22:13:20.000Z

> How do I solve quadratic equations?

_Handoff: triage_agent → math_tutor (a math question) · 2023-11-14T22:13:21.000Z_

**Math Tutor** · 2023-11-14T22:13:22.000Z · 300 in / 40 out

> Use the quadratic formula: x = (-b ± √(b²-4ac)) / 2a. What are a, b and c in yours?
`);
    const failed = await (await bed.get(`/conversations/${bed.seeded.failed}/export.md`, cookie)).text();
    expect(failed).toContain("> Who crowned Charlemagne? &lt;script>alert(1)&lt;/script>");
    expect(failed).toContain("_Turn failed (model_unavailable)._");
  });

  it("downloads JSON with stable fields", async () => {
    const bed = await consoleBed();
    const cookie = await bed.signIn(operator);
    const response = await bed.get(`/conversations/${bed.seeded.math}/export.json`, cookie);
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="conversation-${bed.seeded.math}.json"`);
    const json = (await response.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      format: "baton.conversation/1",
      conversation: { id: bed.seeded.math, platform: "discord", workspace: "guild-1", channel: "homework", thread: "t-math" },
      handoffs: [{ from: "triage_agent", to: "math_tutor", reason: "a math question" }],
      usage: { promptTokens: 420, completionTokens: 48, totalTokens: 468 },
      flags: [],
    });
    expect(json.messages).toEqual([
      { seq: 1, role: "user", author: "Ada", userId: "stu-1", text: "How do I solve quadratic equations?", createdAt: "2023-11-14T22:13:20.000Z", turnStatus: "completed" },
      { seq: 2, role: "assistant", author: "Triage", agent: "triage_agent", text: "", createdAt: "2023-11-14T22:13:21.000Z", usage: { promptTokens: 120, completionTokens: 8 } },
      {
        seq: 3,
        role: "assistant",
        author: "Math Tutor",
        agent: "math_tutor",
        text: "Use the quadratic formula: x = (-b ± √(b²-4ac)) / 2a. What are a, b and c in yours?",
        createdAt: "2023-11-14T22:13:22.000Z",
        usage: { promptTokens: 300, completionTokens: 40 },
      },
    ]);
  });
});
