// An empty final answer (no text, no tool call) is a model failure: asked once more, then the "unavailable" notice.

import { afterEach, describe, expect, it } from "vitest";
import { UNAVAILABLE_NOTICE } from "../../src/bot/turn-runner.js";
import type { FakeScript, RecordedRequest } from "../support/fake-openai-server.js";
import { RecordingPort } from "../support/recording-port.js";
import { requestAgent } from "../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../support/service-harness.js";
import { envelopeOf } from "../support/envelope-of.js";

let harness: ServiceHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const THREAD = { platform: "test", workspace: "w1", channel: "c1", thread: "t1" };

/** Triage narrates and hands off; the tutor's answers come from `tutor` in order (then a real answer). */
function triageThen(tutor: FakeScript[]): (request: RecordedRequest) => FakeScript {
  return (request) => {
    if (requestAgent(request) === "triage_agent") return { text: "Routing…", toolCalls: [{ name: "handoff_to_math_tutor" }] };
    return tutor.shift() ?? { text: "The derivative is 2x." };
  };
}

async function ask(responder: (request: RecordedRequest) => FakeScript) {
  harness = await startServiceHarness({ responder });
  const port = new RecordingPort();
  harness.service.registerPort(port);
  const outcome = await harness.service.accept(envelopeOf({ ...THREAD, eventId: "ev-1", user: { id: "u1", name: "Ada" }, text: "derivative of x^2" }));
  const conversation = harness.store.findConversation(THREAD)!;
  return { outcome, port, messages: harness.store.transcript(conversation.id)!.messages, requests: harness.fakeOpenAI.requests };
}

describe("an empty model answer", () => {
  it("is asked again once, and a real answer then completes the turn", async () => {
    const { outcome, port, messages, requests } = await ask(triageThen([{ text: "" }]));
    expect(outcome).toMatchObject({ status: "completed" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", "math_tutor: The derivative is 2x."]);
    expect(requests.map(requestAgent)).toEqual(["triage_agent", "math_tutor", "math_tutor"]);
    // The empty answer is not kept in the history: the retry's request is the same as the first one.
    expect(requests[2]!.body.messages).toEqual(requests[1]!.body.messages);
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("twice in a row fails the turn with the unavailable notice", async () => {
    const { outcome, port, messages, requests } = await ask(triageThen([{ text: "" }, { text: "  \n" }]));
    expect(outcome).toMatchObject({ status: "failed", errorCode: "model_behavior" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", `triage_agent: ${UNAVAILABLE_NOTICE}`]);
    expect(requests).toHaveLength(3);
    expect(messages[0]).toMatchObject({ role: "user", turnStatus: "failed", errorCode: "model_behavior" });
  });
});
