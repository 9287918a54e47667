// Attachments in the console: listed under their message, served by /attachments/:id within the session's scope, with
// safe headers, escaped names, in both exports, and gone once their student is forgotten.

import { describe, expect, it } from "vitest";
import { AttachmentStore } from "../../src/store/attachment-store.js";
import type { NewAttachment } from "../../src/store/attachment-types.js";
import { pngImage } from "../support/sample-images.js";
import { consoleBed, guild1 } from "./console-harness.js";

const HOSTILE_NAME = 'a"b<img src=x onerror=alert(1)>[x](javascript:alert(1))_é.png';

async function attachmentBed() {
  const bed = await consoleBed();
  const attachments = new AttachmentStore(bed.db, () => bed.clock.now);
  const firstMessage = (conversationId: number): number =>
    Number(bed.db.prepare("SELECT id FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY seq LIMIT 1").pluck().get(conversationId));
  const add = (conversationId: number, file: Partial<NewAttachment> & Pick<NewAttachment, "mediaType" | "fileName" | "data">) =>
    attachments.add({ messageId: firstMessage(conversationId), origin: "upload", kind: "file", ...file });
  const png = await pngImage(48, 32);
  const image = add(bed.seeded.math, { kind: "image", mediaType: "image/png", fileName: "worksheet.png", data: png, width: 48, height: 32 });
  return { ...bed, attachments, add, png, image };
}

describe("attachments on the conversation page", () => {
  it("lists each file under its message: images inline from /attachments/:id, other files as downloads", async () => {
    const bed = await attachmentBed();
    const pdf = bed.add(bed.seeded.math, { kind: "pdf", mediaType: "application/pdf", fileName: "homework.pdf", data: new Uint8Array(2048) });
    const cookie = await bed.signIn(guild1);
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    const question = page.slice(page.indexOf("How do I solve quadratic equations?"), page.indexOf("Use the quadratic formula"));
    expect(question).toContain(`<img src="/attachments/${bed.image.id}" alt="worksheet.png" width="48" height="32">`);
    expect(question).toContain(`<a class="file attachment" href="/attachments/${pdf.id}" download>📎 homework.pdf <span class="muted">application/pdf · 2.0 KiB</span></a>`);
  });

  it("labels an image Baton rendered and uses its alt text (a formula's TeX)", async () => {
    const bed = await attachmentBed();
    const answer = Number(bed.db.prepare("SELECT id FROM messages WHERE conversation_id = ? AND author_agent = 'math_tutor'").pluck().get(bed.seeded.math));
    const formula = bed.attachments.add({ messageId: answer, origin: "rendered", kind: "image", mediaType: "image/png", fileName: "formula-1.png", data: bed.png, altText: "x = \\frac{-b}{2a}" });
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, await bed.signIn(guild1))).text();
    const reply = page.slice(page.indexOf("Use the quadratic formula"));
    expect(reply).toContain(`<img src="/attachments/${formula.id}" alt="x = \\frac{-b}{2a}"`);
    expect(reply).toContain(`formula-1.png · ${bed.png.byteLength} B · rendered by Baton`);
    const md = await (await bed.get(`/conversations/${bed.seeded.math}/export.md`, await bed.signIn(guild1))).text();
    expect(md).toContain(`- attachment #${formula.id}: formula-1.png (image/png, ${bed.png.byteLength} bytes, rendered by Baton)`);
  });

  it("escapes a hostile file name on the page", async () => {
    const bed = await attachmentBed();
    bed.add(bed.seeded.math, { kind: "image", mediaType: "image/png", fileName: HOSTILE_NAME, data: bed.png });
    const page = await (await bed.get(`/conversations/${bed.seeded.math}`, await bed.signIn(guild1))).text();
    expect(page).toContain('alt="a&quot;b&lt;img src=x onerror=alert(1)&gt;[x](javascript:alert(1))_é.png"');
    expect(page).not.toContain("<img src=x");
  });
});

describe("GET /attachments/:id", () => {
  it("serves a PNG inline with its type, nosniff and a sandboxing CSP", async () => {
    const bed = await attachmentBed();
    const response = await bed.get(`/attachments/${bed.image.id}`, await bed.signIn(guild1));
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/png");
    expect(response.headers.get("Content-Disposition")).toBe(`inline; filename="worksheet.png"; filename*=UTF-8''worksheet.png`);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
    expect(response.headers.get("Cache-Control")).toBe("private, max-age=3600");
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bed.png))).toBe(true);
  });

  it("never serves SVG or HTML inline or as themselves: a download of bytes; PDFs download as PDFs", async () => {
    const bed = await attachmentBed();
    const cookie = await bed.signIn(guild1);
    const svg = bed.add(bed.seeded.math, { kind: "image", mediaType: "image/svg+xml", fileName: "x.svg", data: new TextEncoder().encode("<svg onload=alert(1)>") });
    const page = bed.add(bed.seeded.math, { mediaType: "text/html", fileName: "x.html", data: new TextEncoder().encode("<script>alert(1)</script>") });
    const pdf = bed.add(bed.seeded.math, { kind: "pdf", mediaType: "application/pdf", fileName: "h.pdf", data: new Uint8Array(8) });
    for (const [id, type, name] of [[svg.id, "application/octet-stream", "x.svg"], [page.id, "application/octet-stream", "x.html"], [pdf.id, "application/pdf", "h.pdf"]] as const) {
      const response = await bed.get(`/attachments/${id}`, cookie);
      expect(response.headers.get("Content-Type")).toBe(type);
      expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
    const listed = await (await bed.get(`/conversations/${bed.seeded.math}`, cookie)).text();
    expect(listed).not.toContain(`<img src="/attachments/${svg.id}"`);
  });

  it("puts a hostile name in Content-Disposition safely: ASCII fallback and exact UTF-8", async () => {
    const bed = await attachmentBed();
    const file = bed.add(bed.seeded.math, { mediaType: "text/plain", fileName: HOSTILE_NAME, data: new Uint8Array(1) });
    const response = await bed.get(`/attachments/${file.id}`, await bed.signIn(guild1));
    const header = response.headers.get("Content-Disposition")!;
    expect(header).toBe(
      `attachment; filename="a_b<img src=x onerror=alert(1)>[x](javascript:alert(1))__.png"; ` +
        `filename*=UTF-8''a%22b%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%5Bx%5D%28javascript%3Aalert%281%29%29_%C3%A9.png`,
    );
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe(HOSTILE_NAME);
  });

  it("is 403 outside the session's scope: another server, Slack, another conversation of the same server", async () => {
    const bed = await attachmentBed();
    const other = bed.add(bed.seeded.otherGuild, { kind: "image", mediaType: "image/png", fileName: "other.png", data: bed.png });
    const slack = bed.add(bed.seeded.slack, { kind: "image", mediaType: "image/png", fileName: "slack.png", data: bed.png });
    const failed = bed.add(bed.seeded.failed, { kind: "image", mediaType: "image/png", fileName: "failed.png", data: bed.png });
    const server = await bed.signIn(guild1);
    expect((await bed.get(`/attachments/${bed.image.id}`, server)).status).toBe(200);
    expect((await bed.get(`/attachments/${failed.id}`, server)).status).toBe(200);
    for (const id of [other.id, slack.id, 99_999]) {
      const refused = await bed.get(`/attachments/${id}`, server);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("Content-Type")).toMatch(/^text\/html/);
    }
    const one = await bed.signIn({ kind: "conversation", conversationId: bed.seeded.math, platform: "discord", workspace: "guild-1" });
    expect((await bed.get(`/attachments/${bed.image.id}`, one)).status).toBe(200);
    expect((await bed.get(`/attachments/${failed.id}`, one)).status).toBe(403);
    expect((await bed.get(`/attachments/${bed.image.id}`)).status).toBe(403);
  });

  it("records downloads in the access log (inline images belong to the page view)", async () => {
    const bed = await attachmentBed();
    const pdf = bed.add(bed.seeded.math, { kind: "pdf", mediaType: "application/pdf", fileName: "h.pdf", data: new Uint8Array(8) });
    const cookie = await bed.signIn(guild1);
    await bed.get(`/attachments/${bed.image.id}`, cookie);
    await bed.get(`/attachments/${pdf.id}`, cookie);
    const actions = bed.db.prepare("SELECT action FROM console_access_log WHERE conversation_id = ? ORDER BY id").pluck().all(bed.seeded.math);
    expect(actions).toEqual(["attachment"]);
  });

  it("a forgotten student's files are no longer served or listed", async () => {
    const bed = await attachmentBed();
    const cookie = await bed.signIn(guild1);
    expect((await bed.get(`/attachments/${bed.image.id}`, cookie)).status).toBe(200);
    bed.store.forgetUser("discord", "stu-1");
    expect((await bed.get(`/attachments/${bed.image.id}`, cookie)).status).toBe(403);
    expect(bed.db.prepare("SELECT count(*) FROM attachments").pluck().get()).toBe(0);
  });
});

describe("attachments in the exports", () => {
  it("Markdown lists them under their message with the name escaped; JSON gives their fields", async () => {
    const bed = await attachmentBed();
    const hostile = bed.add(bed.seeded.math, { mediaType: "text/plain", fileName: HOSTILE_NAME, data: new Uint8Array(3) });
    const cookie = await bed.signIn(guild1);
    const md = await (await bed.get(`/conversations/${bed.seeded.math}/export.md`, cookie)).text();
    expect(md).toContain(
      `> How do I solve quadratic equations?\n\n- attachment #${bed.image.id}: worksheet.png (image/png, ${bed.png.byteLength} bytes, 48×32)\n` +
        `- attachment #${hostile.id}: a"b&lt;img src=x onerror=alert(1)>\\[x\\](javascript:alert(1))\\_é.png (text/plain, 3 bytes)\n`,
    );
    const json = (await (await bed.get(`/conversations/${bed.seeded.math}/export.json`, cookie)).json()) as { messages: Array<{ attachments?: unknown }> };
    expect(json.messages[0]!.attachments).toEqual([
      { id: bed.image.id, name: "worksheet.png", mediaType: "image/png", bytes: bed.png.byteLength, origin: "upload", width: 48, height: 32 },
      { id: hostile.id, name: HOSTILE_NAME, mediaType: "text/plain", bytes: 3, origin: "upload" },
    ]);
  });
});
