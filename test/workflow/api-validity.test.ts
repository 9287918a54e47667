// Every history the engine sends is one the real API accepts: the seed workflow on the real openai client, strict fake.

import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import { ChatMessage, InProcessExecution, type ToolCallFiltering } from "../../src/workflow/index.js";
import { offeredToolNames, startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../support/seed-responder.js";
import { seedBuilder } from "./seed-workflow.js";

let fake: FakeOpenAI;
let client: OpenAIChatClient;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAIChatClient({ client: new OpenAI({ apiKey: "sk-test", baseURL: fake.url, maxRetries: 0 }), model: "gpt-4o-mini" });
});
afterAll(() => fake.close());

describe.each<ToolCallFiltering>(["handoffOnly", "all", "none"])("with tool-call filtering %s", (filtering) => {
  it("sends only valid histories through a multi-turn conversation with refused, ignored and capped handoffs", async () => {
    let call = 0;
    fake.setResponder((request) => {
      call++;
      const agent = requestAgent(request);
      // a few misbehaving turns: an undeclared target, two handoffs at once, malformed arguments
      if (call === 1) return { text: "Hmm.", toolCalls: [{ name: "handoff_to_physics_tutor" }] };
      if (call === 2) return { toolCalls: [{ name: "handoff_to_math_tutor", arguments: "{not json" }, { name: "handoff_to_history_tutor" }] };
      if (agent !== "triage_agent" && call % 3 === 0) return { text: "Back to triage.", toolCalls: [{ name: "handoff_to_triage_agent" }] };
      return offeredToolNames(request).length > 0 && agent === "triage_agent" ? seedResponder(request) : { text: `${agent} answers.` };
    });
    const workflow = seedBuilder(client).withToolCallFiltering(filtering).withMaxHandoffs(3).build();
    const messages: ChatMessage[] = [];
    const before = fake.requests.length;
    for (const question of ["What is the derivative of x^2?", "Tell me about World War 2", "Can you help me with calculus integration?"]) {
      messages.push(new ChatMessage("user", question));
      const run = await InProcessExecution.stream(workflow, messages);
      for await (const _event of run.watchStream()) {
        // drain
      }
      const result = await run.completed;
      expect(result.status).toBe("completed");
      messages.push(...result.messages);
    }
    const sent = fake.requests.slice(before);
    expect(sent.length).toBeGreaterThan(6);
    expect(sent.filter((r) => r.rejection !== undefined).map((r) => r.rejection)).toEqual([]);
  });
});
