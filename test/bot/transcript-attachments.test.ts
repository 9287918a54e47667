// A message's files are listed (name, type, size) in every transcript, from one shared view: the service's
// transcript, /history's pages, /homework-history's mrkdwn and the CLI's history.

import { afterEach, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { attachmentMark } from "../../src/bot/transcript-attachments.js";
import { formatHistory } from "../../src/history-command.js";
import { transcriptPages } from "../../src/platforms/discord/transcript-pages.js";
import { formatTranscript } from "../../src/platforms/slack/transcript-format.js";
import { RecordingPort } from "../support/recording-port.js";
import { sampleImage, samplePdf } from "../support/sample-files.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };

it("lists each message's attachments with name, type and stored size in every transcript", async () => {
  harness = await startServiceHarness();
  const h = harness;
  h.service.registerPort(new RecordingPort());
  const photo = await sampleImage(300, 200, "png");
  const pdf = samplePdf("Essay on Rome");
  const inbound: InboundMessage = {
    ...ref,
    eventId: "ta-1",
    user: { id: "u1", name: "Ada" },
    text: "Tell me about Rome, see my essay",
    attachments: [
      { name: "map.png", mediaType: "image/png", size: photo.length, data: photo },
      { name: "essay.pdf", mediaType: "application/pdf", size: pdf.length, data: pdf },
    ],
  };
  expect(await h.service.accept(envelopeOf(inbound))).toMatchObject({ status: "completed" });

  const transcript = (await transcriptOf(h.service, ref))!;
  const student = transcript.entries.find((entry) => entry.kind === "message" && entry.role === "user");
  const stored = h.db.prepare("SELECT byte_size FROM attachments WHERE file_name = 'map.png'").get() as { byte_size: number };
  expect(student).toMatchObject({
    attachments: [
      { name: "map.png", mediaType: "image/png", byteSize: stored.byte_size, origin: "upload" },
      { name: "essay.pdf", mediaType: "application/pdf", byteSize: pdf.length, origin: "upload" },
    ],
  });
  const marks = student!.kind === "message" ? (student!.attachments ?? []).map(attachmentMark) : [];
  expect(marks[1]).toBe(`📎 essay.pdf · application/pdf · ${pdf.length < 1024 ? `${pdf.length} B` : `${Math.round(pdf.length / 1024)} KB`}`);
  const discord = transcriptPages(transcript).join("\n").replaceAll("\\", "");
  const slack = formatTranscript({ transcript, teamDomain: "school" });
  const cli = (await formatHistory(h, "test", "t1"));
  for (const mark of marks) {
    expect(discord).toContain(mark);
    expect(slack).toContain(mark);
    expect(cli).toContain(mark);
  }
});
