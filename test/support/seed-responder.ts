// A fake-model responder that plays the seed's sample: triage narrates and hands off by subject, tutors answer.

import { lastUserText, offeredToolNames, type FakeScript, type RecordedRequest } from "./fake-openai-server.js";

/** The agent a request was made for, read from the roster's instructions in its system prompt. */
export function requestAgent(request: RecordedRequest): string {
  const first = request.body.messages[0];
  const system = first?.role === "system" && typeof first.content === "string" ? first.content : "";
  if (system.includes("You determine which agent to use")) return "triage_agent";
  if (system.includes("You provide help with math problems")) return "math_tutor";
  if (system.includes("You provide assistance with historical queries")) return "history_tutor";
  return "unknown";
}

export function seedResponder(request: RecordedRequest): FakeScript {
  const agent = requestAgent(request);
  const question = lastUserText(request);
  if (agent === "triage_agent" && offeredToolNames(request).includes("handoff_to_math_tutor")) {
    const math = /deriv|integra|calculus|x\^|math|[0-9]\s*[-+*/]\s*[0-9]/i.test(question);
    return {
      text: math ? "This is a math question. I'll hand this off to the math tutor." : "This is a history question. I'll hand this off to the history tutor.",
      toolCalls: [{ name: math ? "handoff_to_math_tutor" : "handoff_to_history_tutor", arguments: { reason: math ? "math" : "history" } }],
    };
  }
  return { text: `${agent} on "${question}": here is the answer.` };
}
