// Attachment intake: images normalised and downscaled, documents read as text, everything else named in a notice.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { prepareAttachments, refusalNotice } from "../../../src/bot/attachments/prepare-attachments.js";
import { normaliseImage } from "../../../src/bot/attachments/normalise-image.js";
import { DEFAULT_ATTACHMENT_LIMITS, type InboundAttachment } from "../../../src/bot/attachments/types.js";
import { samplePdf, sampleImage } from "../../support/sample-files.js";

const limits = DEFAULT_ATTACHMENT_LIMITS;
const file = (name: string, data: Uint8Array, mediaType?: string): InboundAttachment => ({ name, data, size: data.length, ...(mediaType ? { mediaType } : {}) });

describe("normaliseImage", () => {
  it("downscales the longest side to 2,048 px and keeps the aspect ratio", async () => {
    const image = await normaliseImage(await sampleImage(2400, 1200, "jpeg"));
    expect([image.width, image.height, image.mediaType]).toEqual([2048, 1024, "image/jpeg"]);
    const meta = await sharp(image.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 2048, 1024]);
  });

  it("never enlarges a small image, and re-encodes it", async () => {
    const input = await sampleImage(40, 30, "png");
    const image = await normaliseImage(input);
    expect([image.width, image.height, image.mediaType]).toEqual([40, 30, "image/png"]);
  });

  it("keeps only the first frame of an animated GIF, as PNG", async () => {
    const red = await sharp({ create: { width: 20, height: 10, channels: 3, background: "red" } }).png().toBuffer();
    const blue = await sharp({ create: { width: 20, height: 10, channels: 3, background: "blue" } }).png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const image = await normaliseImage(new Uint8Array(gif));
    const meta = await sharp(image.data).metadata();
    expect([meta.format, meta.pages ?? 1, meta.width, meta.height]).toEqual(["png", 1, 20, 10]);
    const { data } = await sharp(image.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([data[0], data[1], data[2]]).toEqual([255, 0, 0]);
  });

  it("turns a phone photo upright from its EXIF orientation", async () => {
    const sideways = await sharp(await sampleImage(60, 20, "jpeg")).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const image = await normaliseImage(new Uint8Array(sideways));
    expect([image.width, image.height]).toEqual([20, 60]);
  });
});

describe("prepareAttachments", () => {
  it("accepts PNG, JPEG, WebP and GIF images", async () => {
    const formats = ["png", "jpeg", "webp", "gif"] as const;
    const inputs = await Promise.all(formats.map(async (f) => file(`a.${f}`, await sampleImage(50, 40, f))));
    const { accepted, refused } = await prepareAttachments(inputs, limits);
    expect(refused).toEqual([]);
    expect(accepted.map((a) => a.kind === "image" && a.mediaType)).toEqual(["image/png", "image/jpeg", "image/webp", "image/png"]);
  });

  it("reads a PDF's text and a text file, cut at the limit", async () => {
    const { accepted } = await prepareAttachments(
      [file("worksheet.pdf", samplePdf("Problem 3: solve 3x + 5 = 20")), file("notes.md", new TextEncoder().encode("# Notes\n" + "x".repeat(50)), "text/markdown")],
      { ...limits, maxTextChars: 20 },
    );
    expect(accepted[0]).toMatchObject({ kind: "text", name: "worksheet.pdf", mediaType: "application/pdf" });
    expect(accepted[0]!.kind === "text" && accepted[0]!.text).toBe("Problem 3: solve 3x \n[… cut here: the file goes on for 8 more characters]");
    expect(accepted[1]).toMatchObject({ kind: "text", mediaType: "text/markdown", text: "# Notes\nxxxxxxxxxxxx\n[… cut here: the file goes on for 38 more characters]" });
  });

  it("refuses what is too large, too many, unsupported or unreadable, naming each", async () => {
    const png = await sampleImage(10, 10);
    const inputs: InboundAttachment[] = [
      { name: "huge.png", size: 30 * 1024 * 1024, problem: "too_large" },
      file("photo.tiff", await sampleImage(10, 10, "tiff")),
      file("program.exe", new Uint8Array([0x4d, 0x5a, 0, 0, 1, 2])),
      file("broken.pdf", new TextEncoder().encode("%PDF-1.4 garbage")),
      file("ok.png", png),
      file("fifth.png", png),
    ];
    const { accepted, refused } = await prepareAttachments(inputs, limits);
    expect(accepted.map((a) => a.name)).toEqual([]);
    // Four are looked at (and all four refused); the rest are over the count.
    expect(refused.map((r) => [r.name, r.code])).toEqual([
      ["huge.png", "too_large"],
      ["photo.tiff", "unsupported"],
      ["program.exe", "unsupported"],
      ["broken.pdf", "unreadable"],
      ["ok.png", "too_many"],
      ["fifth.png", "too_many"],
    ]);
    const notice = refusalNotice(refused, limits)!;
    expect(notice).toContain("huge.png: it is 30 MB; the limit is 10 MB per file.");
    expect(notice).toContain("program.exe: that kind of file isn't supported. I can read images (PNG, JPEG, WebP, GIF), PDFs and text files");
  });

  it("counts the limit per message: the fifth file is refused", async () => {
    const png = await sampleImage(10, 10);
    const { accepted, refused } = await prepareAttachments([1, 2, 3, 4, 5].map((n) => file(`${n}.png`, png)), limits);
    expect(accepted).toHaveLength(4);
    expect(refused).toEqual([{ name: "5.png", code: "too_many" }]);
  });

  it("checks the real size, not only the declared one", async () => {
    const data = await sampleImage(200, 200);
    const { refused } = await prepareAttachments([{ name: "liar.png", size: 10, data }], { ...limits, maxBytes: 1000 });
    expect(refused.map((r) => r.code)).toEqual(["too_large"]);
  });

  it("refuses images when vision is off, but still reads documents", async () => {
    const { accepted, refused } = await prepareAttachments(
      [file("a.png", await sampleImage(10, 10)), file("a.txt", new TextEncoder().encode("hello"))],
      { ...limits, vision: false },
    );
    expect(refused.map((r) => r.code)).toEqual(["vision_off"]);
    expect(accepted.map((a) => a.kind)).toEqual(["text"]);
  });
});
