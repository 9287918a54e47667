// A model stream cut mid-answer is past the openai client's retries: the step is asked once more (its partial text
// dropped, nothing of it posted), and a second cut fails the turn with the "unavailable" notice.

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
const ANSWER = "The derivative of x^2 is 2x, by the power rule.";
/** The socket is destroyed after the role chunk and two words: "The derivative " reached the client. */
const CUT: FakeScript = { text: ANSWER, cutAfterChunks: 3 };

/** Triage's and the tutor's answers come from their lists in order, then the normal ones. */
function scripted(triage: FakeScript[], tutor: FakeScript[]): (request: RecordedRequest) => FakeScript {
  return (request) => {
    if (requestAgent(request) === "triage_agent") return triage.shift() ?? { text: "Routing…", toolCalls: [{ name: "handoff_to_math_tutor" }] };
    return tutor.shift() ?? { text: ANSWER };
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

describe("a model stream cut mid-answer", () => {
  it("is asked again once, and the student gets exactly one full answer", async () => {
    const { outcome, port, messages, requests } = await ask(scripted([], [CUT]));
    expect(outcome).toMatchObject({ status: "completed" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", `math_tutor: ${ANSWER}`]);
    expect(requests.map(requestAgent)).toEqual(["triage_agent", "math_tutor", "math_tutor"]);
    expect(requests.every((request) => request.stream)).toBe(true);
    // The partial text is in no history: the second ask is the first one again.
    expect(requests[2]!.body.messages).toEqual(requests[1]!.body.messages);
    expect(messages.map((m) => [m.role, m.text])).toEqual([
      ["user", "derivative of x^2"],
      ["assistant", "Routing…"],
      ["tool", expect.any(String)],
      ["assistant", ANSWER],
    ]);
    expect(messages[0]).toMatchObject({ turnStatus: "completed" });
  });

  it("twice in the same step fails the turn with the unavailable notice", async () => {
    const { outcome, port, messages, requests } = await ask(scripted([], [CUT, CUT]));
    expect(outcome).toMatchObject({ status: "failed", errorCode: "model_unavailable" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", `triage_agent: ${UNAVAILABLE_NOTICE}`]);
    expect(requests.map(requestAgent)).toEqual(["triage_agent", "math_tutor", "math_tutor"]);
    expect(messages[0]).toMatchObject({ role: "user", turnStatus: "failed", errorCode: "model_unavailable" });
    expect(messages.some((m) => m.text.includes("The derivative"))).toBe(false);
  });

  it("is asked again once per step: a cut in triage's step and one in the tutor's are both absorbed", async () => {
    const routing: FakeScript = { text: "Routing to the math tutor.", toolCalls: [{ name: "handoff_to_math_tutor" }], cutAfterChunks: 2 };
    const { outcome, port, requests } = await ask(scripted([routing], [CUT]));
    expect(outcome).toMatchObject({ status: "completed" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", `math_tutor: ${ANSWER}`]);
    expect(requests.map(requestAgent)).toEqual(["triage_agent", "triage_agent", "math_tutor", "math_tutor"]);
  });

  it("is asked again too when the stream ends politely but unfinished ([DONE] before any finish_reason)", async () => {
    const { outcome, port, requests } = await ask(scripted([], [{ text: ANSWER, endAfterChunks: 4 }]));
    expect(outcome).toMatchObject({ status: "completed" });
    expect(port.lines()).toEqual(["triage_agent: Routing…", `math_tutor: ${ANSWER}`]);
    expect(requests).toHaveLength(3);
  });
});
