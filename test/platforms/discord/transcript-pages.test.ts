// Moderator transcripts: authors, times and the handoff trail, on pages Discord accepts.

import { describe, expect, it } from "vitest";
import type { Transcript, TranscriptEntry } from "../../../src/bot/moderator-reads-port.js";
import { transcriptPages } from "../../../src/platforms/discord/transcript-pages.js";

const at = new Date("2025-03-01T10:00:00Z");
const unix = Math.floor(at.getTime() / 1000);

function transcript(entries: TranscriptEntry[], trail: string[] = ["triage_agent", "math_tutor"]): Transcript {
  return {
    conversationId: 7,
    thread: { platform: "discord", workspace: "1", channel: "2", thread: "3" },
    activeAgent: "triage_agent",
    startedAt: at,
    trail,
    entries,
  };
}

const question: TranscriptEntry = { kind: "message", role: "user", author: "alice_*", authorId: "55", text: "What is 2+2?", at, flags: [] };
const narration: TranscriptEntry = {
  kind: "message",
  role: "assistant",
  author: "Triage",
  authorId: "triage_agent",
  text: "This is a math question. I'll hand this off to the math tutor.",
  at,
  flags: [],
};
const handoff: TranscriptEntry = { kind: "handoff", from: "triage_agent", to: "math_tutor", reason: "math", at };
const answer: TranscriptEntry = { kind: "message", role: "assistant", author: "Math Tutor", authorId: "math_tutor", text: "4.", at, flags: [] };

describe("transcriptPages", () => {
  it("lists each message with its author and time, the handoffs, and the trail", () => {
    const pages = transcriptPages(transcript([question, narration, handoff, answer]));
    expect(pages).toHaveLength(1);
    const page = pages[0]!;
    expect(page.startsWith("**Conversation in <#3>** · page 1/1\n")).toBe(true);
    expect(page).toContain("Handoff trail: triage\\_agent → math\\_tutor");
    expect(page).toContain(`**alice\\_\\*** (student) · <t:${unix}:f>\nWhat is 2+2?`);
    expect(page).toContain(`**Triage** (triage\\_agent) · <t:${unix}:f>\nThis is a math question.`);
    expect(page).toContain(`↪ *handoff* triage\\_agent → math\\_tutor — math · <t:${unix}:f>`);
    expect(page).toContain("**Math Tutor** (math\\_tutor)");
    expect(page.indexOf("What is 2+2?")).toBeLessThan(page.indexOf("↪"));
    expect(page.indexOf("↪")).toBeLessThan(page.indexOf("4."));
  });

  it("says so when there was no handoff yet", () => {
    expect(transcriptPages(transcript([question], []))[0]).toContain("Handoff trail: none yet");
  });

  it("pages a long conversation, each page within 2,000 characters and numbered", () => {
    const long: TranscriptEntry[] = Array.from({ length: 12 }, (_, i) => ({
      kind: "message" as const,
      role: "assistant" as const,
      author: "Math Tutor",
      authorId: "math_tutor",
      text: `Step ${i}: ${"explain the reasoning carefully. ".repeat(25)}\n\n\`\`\`python\nprint(${i})\n\`\`\``,
      at,
      flags: [],
    }));
    const pages = transcriptPages(transcript([question, ...long]));
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((page, index) => {
      expect(page.length).toBeLessThanOrEqual(2000 - 40);
      expect(page.startsWith(`**Conversation in <#3>** · page ${index + 1}/${pages.length}\n`)).toBe(true);
      expect((page.split("```").length - 1) % 2).toBe(0);
    });
    expect(pages.join("\n")).toContain("Step 11:");
  });
});
