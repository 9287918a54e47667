// The library example of docs/library.md, as written, against the fake OpenAI server: the seed's C# sample ported line by line.

import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  AgentRunUpdateEvent,
  AgentWorkflowBuilder,
  ChatClientAgent,
  ChatMessage,
  InProcessExecution,
  OpenAIChatClient,
  TurnToken,
  WorkflowCompletedEvent,
} from "../src/index.js";
import { startFakeOpenAI, type FakeOpenAI } from "./support/fake-openai-server.js";
import { seedResponder } from "./support/seed-responder.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  fake.setResponder(seedResponder);
});
afterAll(() => fake.close());

it("runs the seed's sample interaction through the public API", async () => {
  const client = new OpenAIChatClient({ client: new OpenAI({ apiKey: "sk-test", baseURL: fake.url, maxRetries: 0 }), model: "gpt-4o-mini" });
  const historyTutor = new ChatClientAgent(client,
    "You provide assistance with historical queries. Explain important events and context clearly. Only respond about history.",
    "history_tutor", "Specialist agent for historical questions");
  const mathTutor = new ChatClientAgent(client,
    "You provide help with math problems. Explain your reasoning at each step and include examples. Only respond about math.",
    "math_tutor", "Specialist agent for math questions");
  const triageAgent = new ChatClientAgent(client,
    "You determine which agent to use based on the user's homework question. ALWAYS handoff to another agent.",
    "triage_agent", "Routes messages to the appropriate specialist agent");
  const workflow = AgentWorkflowBuilder.startHandoffWith(triageAgent)
    .withHandoff(triageAgent, [mathTutor, historyTutor])
    .withHandoff(mathTutor, triageAgent)
    .withHandoff(historyTutor, triageAgent)
    .build();

  const messages: ChatMessage[] = [];
  let printed = "";
  for (const question of ["What is the derivative of x^2?", "Tell me about World War 2", "Can you help me with calculus integration?"]) {
    messages.push(new ChatMessage("user", question));
    const run = await InProcessExecution.stream(workflow, messages);
    await run.trySendMessage(new TurnToken(true));
    let lastAgent = "";
    for await (const evt of run.watchStream()) {
      if (evt instanceof AgentRunUpdateEvent) {
        printed += evt.executorId === lastAgent ? evt.data : `\n${evt.executorId}: ${evt.data}`;
        lastAgent = evt.executorId;
      } else if (evt instanceof WorkflowCompletedEvent) messages.push(...evt.data);
    }
  }
  const speakers = printed.trim().split("\n").map((line) => line.split(":")[0]);
  expect(speakers).toEqual(["triage_agent", "math_tutor", "triage_agent", "history_tutor", "triage_agent", "math_tutor"]);
  expect(messages.filter((m) => m.role === "user")).toHaveLength(3);
  expect(workflow.toMermaid()).toContain("triage_agent --> math_tutor");
});
