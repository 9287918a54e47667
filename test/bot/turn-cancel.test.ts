// A turn cancelled by its caller (the console's Ctrl-C): the model request stops, finished steps stay, the step being
// written is dropped, the turn is marked cancelled and nothing resumes it.

import { afterEach, expect, it } from "vitest";
import type { InboundMessage, ThreadRef } from "../../src/bot/ports.js";
import { lastUserText } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const THREAD: ThreadRef = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };
const inbound = (text: string, eventId: string): InboundMessage => ({ ...THREAD, eventId, user: { id: "u1", name: "Ada" }, text });

it("cancels a turn mid-answer: the handoff before it is kept, the partial answer is not, and it is never resumed", async () => {
  harness = await startServiceHarness({
    responder: (request) =>
      requestAgent(request) === "math_tutor" && lastUserText(request).includes("slowly")
        ? { text: "Let me think about this slowly and very carefully", stallAfterChunks: 2 }
        : seedResponder(request),
  });
  const port = new RecordingPort();
  harness.service.registerPort(port);
  const cancel = new AbortController();
  const deltas: string[] = [];
  const outcome = await harness.service.accept(envelopeOf(inbound("What is the derivative of x^2, slowly?", "e1"), {
    cancel: cancel.signal,
    observer: {
      onDelta: (agent, delta) => {
        deltas.push(`${agent}:${delta}`);
        if (agent === "math_tutor") cancel.abort();
      },
    },
  }));
  expect(outcome).toMatchObject({ status: "failed", errorCode: "cancelled" });
  expect(deltas.some((d) => d.startsWith("math_tutor:"))).toBe(true);
  // The model request itself was stopped: the client hung up on the stalled stream.
  await harness.fakeOpenAI.waitForHangUp(harness.fakeOpenAI.requests[1]!);
  expect(port.lines()).toEqual(["triage_agent: This is a math question. I'll hand this off to the math tutor."]);
  const conversation = harness.store.findConversation(THREAD)!;
  const stored = harness.store.transcript(conversation.id)!;
  expect(stored.messages.map((m) => `${m.role}:${m.authorAgent ?? ""}`)).toEqual(["user:", "assistant:triage_agent", "tool:triage_agent"]);
  expect(stored.messages[0]).toMatchObject({ turnStatus: "failed", errorCode: "cancelled" });
  expect(await harness.service.recover()).toEqual({ replies: 0, turns: 0, queued: 0 });

  // The conversation is free again: the next question is answered as usual.
  expect(await harness.service.accept(envelopeOf(inbound("What is the derivative of x^3?", "e2")))).toMatchObject({ status: "completed" });
  expect(port.lines().at(-1)).toBe('math_tutor: math_tutor on "What is the derivative of x^3?": here is the answer.');
});

it("a cancel signal that never fires changes nothing", async () => {
  harness = await startServiceHarness();
  const port = new RecordingPort();
  harness.service.registerPort(port);
  const outcome = await harness.service.accept(envelopeOf(inbound("Tell me about World War 2", "e1"), { cancel: new AbortController().signal }));
  expect(outcome).toMatchObject({ status: "completed", replies: 2 });
});
