// Flags reach every transcript as marked lines, from one shared view: the service's transcript, /history's pages,
// /homework-history's mrkdwn and the CLI's history all show the same marks.

import { afterEach, expect, it } from "vitest";
import type { InboundMessage } from "../../src/bot/ports.js";
import { flagMark } from "../../src/bot/transcript-flags.js";
import { formatHistory } from "../../src/history-command.js";
import { transcriptPages } from "../../src/platforms/discord/transcript-pages.js";
import { formatTranscript } from "../../src/platforms/slack/transcript-format.js";
import { RecordingPort } from "../support/recording-port.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const ref = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
let counter = 0;
const inbound = (text: string): InboundMessage => ({ ...ref, eventId: `tf-${++counter}`, user: { id: "u1", name: "Ada" }, text });

it("a blocked message, a withheld answer and an unchecked message are marked in every transcript", async () => {
  harness = await startServiceHarness({ safety: { moderation: true } });
  const h = harness;
  h.service.registerPort(new RecordingPort());
  h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96 });
  h.fakeOpenAI.moderations.script('Hastings?": here is the answer', { "violence/graphic": 0.8 });
  await h.service.accept(envelopeOf(inbound("I want to die")));
  await h.service.accept(envelopeOf(inbound("Tell me about Hastings?")));
  h.fakeOpenAI.moderations.failWith({ status: 503 });
  await h.service.accept(envelopeOf(inbound("What is 2+2?")));

  const transcript = (await transcriptOf(h.service, ref))!;
  const marked = transcript.entries.flatMap((e) => (e.kind === "message" && e.flags.length > 0 ? [[e.role, e.text, e.flags.map((f) => f.action)]] : []));
  expect(marked).toEqual([
    ["user", "I want to die", ["block"]],
    ["assistant", 'history_tutor on "Tell me about Hastings?": here is the answer.', ["withhold"]],
    ["user", "What is 2+2?", ["unchecked"]],
  ]);
  const blocked = transcript.entries.find((e) => e.kind === "message" && e.text === "I want to die");
  expect(blocked).toMatchObject({ author: "Ada", authorId: "u1" });
  const marks = transcript.entries.flatMap((e) => (e.kind === "message" ? e.flags.map(flagMark) : []));
  expect(marks[0]).toMatch(/^⚑ urgent · blocked: no agent saw it · self-harm\/intent 0\.96 · flag #\d+$/);
  expect(marks[1]).toMatch(/^⚑ alert · withheld: the student saw a notice instead · violence\/graphic 0\.80 · flag #\d+$/);
  expect(marks[2]).toMatch(/^⚑ unchecked: moderation was unavailable · flag #\d+$/);

  const discord = transcriptPages(transcript).join("\n");
  const slack = formatTranscript({ transcript, teamDomain: "school" });
  const cli = (await formatHistory(h, "test", "t1"));
  for (const mark of marks) {
    expect(cli).toContain(mark);
    // Discord escapes Markdown in it, Slack only &, < and >: the words are the same.
    expect(discord.replaceAll("\\", "")).toContain(mark);
    expect(slack).toContain(mark);
  }
});
