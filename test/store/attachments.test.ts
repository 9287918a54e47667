// The attachments table (migration 0006) through AttachmentStore: add, list, read, and how deletion reaches it.

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AttachmentStore, cleanFileName, normalMediaType } from "../../src/store/attachment-store.js";
import { StoreError } from "../../src/store/errors.js";
import { pngImage } from "../support/sample-images.js";
import { tempStore, thread } from "./temp-database.js";

function bed() {
  const t = tempStore();
  const attachments = new AttachmentStore(t.db, () => t.clock.now);
  const conversation = t.store.getOrCreateConversation(thread("t1"));
  const question = t.store.appendUserMessage(conversation.id, { userId: "stu-1", userName: "Ada", text: "number 3 please" });
  return { ...t, attachments, conversation, question };
}

describe("AttachmentStore", () => {
  it("stores a file with its conversation, size and SHA-256, and lists it by message and by conversation", async () => {
    const t = bed();
    const data = await pngImage(40, 30);
    const added = t.attachments.add({
      messageId: t.question.id,
      origin: "upload",
      kind: "image",
      mediaType: "Image/PNG; charset=binary",
      fileName: "C:\\Users\\ada\\worksheet.png",
      data,
      width: 40,
      height: 30,
      platformFileId: "att-1",
      sourceUrl: "https://cdn.discordapp.com/attachments/1/2/worksheet.png",
    });
    expect(added).toMatchObject({
      conversationId: t.conversation.id,
      messageId: t.question.id,
      origin: "upload",
      kind: "image",
      mediaType: "image/png",
      fileName: "worksheet.png",
      byteSize: data.byteLength,
      width: 40,
      height: 30,
      sha256: createHash("sha256").update(data).digest("hex"),
      altText: undefined,
      platformFileId: "att-1",
      createdAt: t.clock.now,
    });
    const answer = t.store.appendMessages(t.conversation.id, [{ role: "assistant", text: "Here it is:", authorAgent: "math_tutor" }])[0]!;
    const formula = t.attachments.add({
      messageId: answer.id,
      origin: "rendered",
      kind: "image",
      mediaType: "image/png",
      fileName: "formula-1.png",
      data,
      altText: "\\frac{d}{dx}x^2 = 2x",
    });
    expect(t.attachments.listByMessage(t.question.id).map((a) => a.id)).toEqual([added.id]);
    expect(t.attachments.listByConversation(t.conversation.id).map((a) => a.id)).toEqual([added.id, formula.id]);
    const read = t.attachments.get(formula.id)!;
    expect(read.altText).toBe("\\frac{d}{dx}x^2 = 2x");
    expect(Buffer.from(read.data).equals(Buffer.from(data))).toBe(true);
    expect(t.attachments.get(formula.id + 100)).toBeUndefined();
  });

  it("refuses a file for a message that does not exist, and a media type that is not type/subtype", () => {
    const t = bed();
    const file = { origin: "upload", kind: "file", fileName: "a.bin", data: new Uint8Array([1]) } as const;
    expect(() => t.attachments.add({ ...file, messageId: 9_999, mediaType: "application/octet-stream" })).toThrow(StoreError);
    expect(() => t.attachments.add({ ...file, messageId: t.question.id, mediaType: "png" })).toThrow(StoreError);
    expect(t.attachments.listByConversation(t.conversation.id)).toEqual([]);
  });

  it("the table itself refuses a size that is not the data's, and an unknown kind", () => {
    const t = bed();
    const insert = (size: number, kind: string) =>
      t.db
        .prepare(
          "INSERT INTO attachments (conversation_id, message_id, origin, kind, media_type, file_name, byte_size, sha256, data, created_at) " +
            "VALUES (?, ?, 'upload', ?, 'text/plain', 'a.txt', ?, ?, x'6869', 0)",
        )
        .run(t.conversation.id, t.question.id, kind, size, "0".repeat(64));
    expect(() => insert(3, "text")).toThrow(/CHECK/);
    expect(() => insert(2, "video")).toThrow(/CHECK/);
    expect(() => insert(2, "text")).not.toThrow();
  });

  it("forgetting the student deletes their files; another student's stay", async () => {
    const t = bed();
    const other = t.store.appendUserMessage(t.conversation.id, { userId: "stu-2", userName: "Bruno", text: "me too" });
    const data = await pngImage(2, 2);
    const image = { origin: "upload", kind: "image", mediaType: "image/png", fileName: "x.png", data } as const;
    const mine = t.attachments.add({ ...image, messageId: t.question.id });
    const theirs = t.attachments.add({ ...image, messageId: other.id });
    t.store.forgetUser("discord", "stu-1");
    expect(t.attachments.get(mine.id)).toBeUndefined();
    expect(t.attachments.get(theirs.id)).toBeDefined();
  });

  it("retention deletes the files of the conversations it removes", async () => {
    const t = bed();
    const a = t.attachments.add({ messageId: t.question.id, origin: "upload", kind: "text", mediaType: "text/plain", fileName: "notes.txt", data: new TextEncoder().encode("notes"), extractedText: "notes" });
    expect(t.attachments.get(a.id)?.extractedText).toBe("notes");
    t.store.purgeConversationsOlderThan(t.clock.now + 1);
    expect(t.attachments.get(a.id)).toBeUndefined();
    expect(t.db.prepare("SELECT count(*) FROM attachments").pluck().get()).toBe(0);
  });
});

describe("names and types", () => {
  it("keeps the base name, without control characters, never empty", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("a\r\nb.png")).toBe("ab.png");
    expect(cleanFileName("  ")).toBe("attachment");
    expect(cleanFileName("..")).toBe("attachment");
    expect([...cleanFileName("é".repeat(300))]).toHaveLength(255);
  });

  it("normalises media types", () => {
    expect(normalMediaType("IMAGE/JPEG")).toBe("image/jpeg");
    expect(normalMediaType("text/plain; charset=utf-8")).toBe("text/plain");
    expect(normalMediaType("image/svg+xml")).toBe("image/svg+xml");
    expect(normalMediaType("<script>")).toBeUndefined();
    expect(normalMediaType("")).toBeUndefined();
  });
});
