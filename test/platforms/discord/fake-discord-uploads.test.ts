// The fake Discord takes file uploads as Discord documents them (Uploading Files): payload_json plus files[n], each
// named by an attachments[] id, at most 10 files; anything else is refused as Discord refuses it.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord } from "../../support/fake-discord/index.js";

let fake: FakeDiscord;
beforeEach(async () => {
  fake = await startFakeDiscord();
});
afterEach(async () => {
  await fake.close();
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

async function execute(form: FormData): Promise<{ status: number; body: Record<string, unknown> }> {
  const hook = fake.world.createWebhook(fake.channelId("homework"), "Baton");
  const response = await fetch(`${fake.apiUrl}/v10/webhooks/${hook.id}/${hook.token}?wait=true`, { method: "POST", body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function form(payload: unknown, files: ReadonlyArray<readonly [string, string]>): FormData {
  const data = new FormData();
  data.set("payload_json", JSON.stringify(payload));
  for (const [field, name] of files) data.set(field, new Blob([PNG], { type: "image/png" }), name);
  return data;
}

describe("fake Discord uploads", () => {
  it("stores files[n] as the attachments named by payload_json, with their bytes", async () => {
    const { status, body } = await execute(form({ content: "hi", attachments: [{ id: 0, filename: "f.png", description: "x^2" }] }, [["files[0]", "f.png"]]));
    expect(status).toBe(200);
    const attachments = body.attachments as Array<{ id: string; filename: string; description: string; size: number }>;
    expect(attachments.map((a) => [a.filename, a.description, a.size])).toEqual([["f.png", "x^2", PNG.byteLength]]);
    expect(fake.attachmentBytes(attachments[0]!.id)).toEqual(PNG);
  });

  it("refuses an attachment id with no files[n], more than 10 files, and unknown form fields", async () => {
    const unmatched = await execute(form({ content: "hi", attachments: [{ id: 1, filename: "f.png" }] }, [["files[0]", "f.png"]]));
    expect(unmatched).toMatchObject({ status: 400, body: { code: 50035 } });
    const eleven = Array.from({ length: 11 }, (_, i) => [`files[${i}]`, `f${i}.png`] as const);
    expect(await execute(form({ content: "hi" }, eleven))).toMatchObject({ status: 400, body: { code: 50035 } });
    expect(await execute(form({ content: "hi" }, [["file", "f.png"]]))).toMatchObject({ status: 400, body: { code: 50035 } });
    const long = await execute(form({ content: "hi", attachments: [{ id: 0, description: "x".repeat(1025) }] }, [["files[0]", "f.png"]]));
    expect(long).toMatchObject({ status: 400, body: { code: 50035 } });
  });

  it("accepts a message of files alone, and refuses the bot's own post with files without Attach Files", async () => {
    expect((await execute(form({}, [["files[0]", "f.png"]]))).status).toBe(200);
    fake.setCanAttachFiles(false);
    const response = await fetch(`${fake.apiUrl}/v10/channels/${fake.channelId("homework")}/messages`, {
      method: "POST",
      headers: { authorization: `Bot ${fake.token}` },
      body: form({ content: "hi" }, [["files[0]", "f.png"]]),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 50013 });
  });
});
