// One transcript view model: the lines a moderator reads are built once from the bot's Transcript, and Discord's
// /history pages, Slack's /homework-history and the CLI's history show the same lines, each in its own markup.

import { afterEach, describe, expect, it } from "vitest";
import type { Transcript } from "../../../src/bot/moderator-reads-port.js";
import { formatHistory } from "../../../src/history-command.js";
import { transcriptView } from "../../../src/platforms/common/transcript-view.js";
import { transcriptPages } from "../../../src/platforms/discord/transcript-pages.js";
import { formatTranscript } from "../../../src/platforms/slack/transcript-format.js";
import { RecordingPort } from "../../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { transcriptOf } from "../../support/moderator-reads.js";
import { envelopeOf } from "../../support/envelope-of.js";

const at = (second: number) => new Date(Date.UTC(2026, 0, 5, 14, 0, second));

const transcript: Transcript = {
  conversationId: 9,
  thread: { platform: "test", workspace: "w1", channel: "c1", thread: "t1" },
  activeAgent: "math_tutor",
  startedAt: at(0),
  trail: ["triage_agent", "math_tutor"],
  entries: [
    {
      kind: "message",
      role: "user",
      author: "Ada",
      authorId: "u1",
      text: "  What is 2+2?\n",
      at: at(1),
      flags: [{ id: 3, action: "answer", severity: "flag", categories: { harassment: 0.61 }, reviewed: false }],
      attachments: [{ name: "sum.png", mediaType: "image/png", byteSize: 2_048, origin: "upload" }],
    },
    { kind: "handoff", from: "triage_agent", to: "math_tutor", reason: "   ", at: at(2) },
    { kind: "message", role: "assistant", author: "Math Tutor", authorId: "math_tutor", text: "", at: at(3), flags: [], attachments: [{ name: "formula.png", mediaType: "image/png", byteSize: 900, origin: "rendered" }] },
  ],
};

describe("transcriptView", () => {
  it("words each message's files and flags once, trims text and reasons, and counts messages, not handoffs", () => {
    const view = transcriptView(transcript);
    expect(view.messageCount).toBe(2);
    expect(view.trail).toEqual(["triage_agent", "math_tutor"]);
    expect(view.lines).toEqual([
      {
        kind: "message",
        role: "user",
        author: "Ada",
        authorId: "u1",
        at: at(1),
        text: "What is 2+2?",
        files: ["📎 sum.png · image/png · 2 KB"],
        flags: ["⚑ flagged: let through · harassment 0.61 · flag #3"],
      },
      { kind: "handoff", from: "triage_agent", to: "math_tutor", reason: "", at: at(2) },
      { kind: "message", role: "assistant", author: "Math Tutor", authorId: "math_tutor", at: at(3), text: "", files: ["📎 formula.png · image/png · 900 B · rendered by Baton"], flags: [] },
    ]);
  });
});

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

it("Discord, Slack and the CLI show the view's lines: every file and flag line, the trail, no blank reason", async () => {
  harness = await startServiceHarness();
  harness.service.registerPort(new RecordingPort());
  const ref = transcript.thread;
  expect(await harness.service.accept(envelopeOf({ ...ref, eventId: "tv-1", user: { id: "u1", name: "Ada" }, text: "What is the derivative of x^2?" }))).toMatchObject({ status: "completed" });
  const stored = (await transcriptOf(harness.service, ref))!;
  const view = transcriptView(stored);
  const rendered = {
    discord: transcriptPages(stored).join("\n").replaceAll("\\", ""),
    slack: formatTranscript({ transcript: stored, teamDomain: "school" }),
    cli: await formatHistory(harness, "test", "t1"),
  };
  for (const [platform, text] of Object.entries(rendered)) {
    expect(text, platform).toContain(view.trail.join(" → "));
    for (const line of view.lines) {
      if (line.kind === "message") {
        expect(text, platform).toContain(line.author);
        for (const mark of [...line.files, ...line.flags]) expect(text, platform).toContain(mark);
      } else {
        expect(text, platform).toMatch(new RegExp(`${line.from}\\s*→\\s*${line.to}`));
      }
    }
  }
  // A blank reason shows as none (the CLI printed " (   )" for one; the view trims it for all three).
  const blank = { ...transcript, entries: [transcript.entries[1]!] };
  expect(transcriptPages(blank).join("\n")).not.toContain(" — ");
  expect(formatTranscript({ transcript: blank, teamDomain: "school" })).not.toMatch(/math_tutor: /);
});
