// The service commits the engine's agent steps: each in its own transaction, and with the bot's wording at a cap.

import { afterEach, expect, it } from "vitest";
import { STUDENT_STOP_TEXTS } from "../../src/bot/turn-runner.js";
import { DEFAULT_STOP_TEXTS } from "../../src/workflow/builder.js";
import { requestAgent } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { RecordingPort } from "../support/recording-port.js";
import { transcriptOf } from "../support/moderator-reads.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const thread = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };

it("ends a turn that cannot be routed with the bot's wording, stored and posted under the agent that stopped", async () => {
  // Triage and the tutor hand the question back and forth until the handoff cap ends the turn.
  harness = await startServiceHarness({
    responder: (request) =>
      requestAgent(request) === "triage_agent"
        ? { text: "", toolCalls: [{ name: "handoff_to_math_tutor", arguments: {} }] }
        : { text: "", toolCalls: [{ name: "handoff_to_triage_agent", arguments: {} }] },
  });
  const port = new RecordingPort();
  harness.service.registerPort(port);
  const outcome = await harness.service.accept(envelopeOf({ ...thread, eventId: "e1", user: { id: "u1", name: "Ada" }, text: "Help?" }));
  expect(outcome).toMatchObject({ status: "completed", replies: 1 });
  expect(STUDENT_STOP_TEXTS.maxHandoffs).not.toBe(DEFAULT_STOP_TEXTS.maxHandoffs);
  expect(port.delivered.map((r) => r.text)).toEqual([STUDENT_STOP_TEXTS.maxHandoffs]);
  const transcript = (await transcriptOf(harness.service, thread))!;
  expect(transcript.entries.filter((e) => e.kind === "handoff")).toHaveLength(5);
  expect(transcript.entries.at(-1)).toMatchObject({ kind: "message", text: STUDENT_STOP_TEXTS.maxHandoffs });
  // The turn is complete and every stored tool call has its result: the next turn's history is valid.
  expect(harness.store.pendingTurns()).toEqual([]);
  const conversation = harness.store.findConversation(thread)!;
  const window = harness.store.loadWindow(conversation.id, { maxMessages: 100, maxTokens: 100_000 });
  const calls = window.flatMap((m) => m.toolCalls ?? []).map((c) => c.id);
  const answered = window.filter((m) => m.role === "tool").map((m) => m.toolCallId);
  expect(answered.sort()).toEqual(calls.sort());
});
