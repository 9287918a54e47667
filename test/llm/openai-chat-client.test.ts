// The OpenAI adapter with the real openai client against the fake server: mapping, streaming, usage and answers.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatRequest, ModelMessage, ToolDefinition } from "../../src/workflow/chat-client.js";
import { ModelBehaviorError } from "../../src/workflow/errors.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { adapterFor, collect } from "./adapter-helpers.js";

const HANDOFF_TOOL: ToolDefinition = {
  name: "handoff_to_math_tutor",
  description: "Hand off to the math tutor.",
  parameters: { type: "object", properties: { reason: { type: "string" } } },
};
const QUESTION: ModelMessage[] = [
  { role: "system", content: "You are a triage agent." },
  { role: "user", content: "What is the derivative of x^2?" },
];

function request(messages: ModelMessage[], tools: ToolDefinition[] = []): ChatRequest {
  return { messages, tools };
}

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

describe("OpenAIChatClient streaming", () => {
  it("yields the text as several deltas, then one done part with the whole answer", async () => {
    fake.enqueue({ text: "The derivative of x^2 is 2x, by the power rule." });
    const { deltas, response } = await collect(adapterFor(fake).getStreamingResponse(request(QUESTION)));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe("The derivative of x^2 is 2x, by the power rule.");
    expect(response).toMatchObject({ text: deltas.join(""), toolCalls: [], finishReason: "stop" });
    const sent = fake.requests[0];
    expect(sent?.path).toBe("/v1/chat/completions");
    expect(sent?.body).toMatchObject({ model: "gpt-test", stream: true, stream_options: { include_usage: true } });
    expect(sent?.authorization).toBe("Bearer sk-test-key");
  });

  it("assembles tool calls whose arguments arrive split over several chunks", async () => {
    fake.enqueue({
      text: "This is a math question. I'll hand this off to the math tutor.",
      toolCalls: [
        { name: "handoff_to_math_tutor", arguments: { reason: "the student asks about derivatives" } },
        { name: "lookup_formula", arguments: '{"topic":"power rule"}' },
      ],
    });
    const { response } = await collect(adapterFor(fake).getStreamingResponse(request(QUESTION, [HANDOFF_TOOL])));
    expect(response.text).toBe("This is a math question. I'll hand this off to the math tutor.");
    expect(response.toolCalls).toEqual([
      { id: "call_fake_1_0", name: "handoff_to_math_tutor", arguments: '{"reason":"the student asks about derivatives"}' },
      { id: "call_fake_1_1", name: "lookup_formula", arguments: '{"topic":"power rule"}' },
    ]);
    expect(response.finishReason).toBe("tool_calls");
  });

  it("reports the usage of the final chunk", async () => {
    fake.enqueue({ text: "2x", usage: { promptTokens: 42, completionTokens: 7 } });
    const { response } = await collect(adapterFor(fake).getStreamingResponse(request(QUESTION)));
    expect(response.usage).toEqual({ promptTokens: 42, completionTokens: 7, totalTokens: 49 });
  });

  it("passes malformed tool arguments through as the raw string", async () => {
    fake.enqueue({ toolCalls: [{ name: "handoff_to_math_tutor", arguments: '{"reason": "unterminated' }] });
    const { response } = await collect(adapterFor(fake).getStreamingResponse(request(QUESTION, [HANDOFF_TOOL])));
    expect(response.toolCalls[0]?.arguments).toBe('{"reason": "unterminated');
  });

  it("treats a tool call without a name or without an id as a ModelBehaviorError", async () => {
    fake.enqueue({ toolCalls: [{ name: "", arguments: "{}" }] }, { toolCalls: [{ name: "handoff_to_math_tutor", id: "" }] });
    const client = adapterFor(fake);
    await expect(collect(client.getStreamingResponse(request(QUESTION, [HANDOFF_TOOL])))).rejects.toBeInstanceOf(ModelBehaviorError);
    await expect(collect(client.getStreamingResponse(request(QUESTION, [HANDOFF_TOOL])))).rejects.toMatchObject({
      code: "model_behavior",
    });
  });
});

describe("OpenAIChatClient non-streaming", () => {
  it("returns text, tool calls, usage and finish reason", async () => {
    fake.enqueue({
      text: "Handing off.",
      toolCalls: [{ name: "handoff_to_math_tutor", arguments: { reason: "math" } }],
      usage: { promptTokens: 10, completionTokens: 3 },
    });
    const response = await adapterFor(fake).getResponse(request(QUESTION, [HANDOFF_TOOL]));
    expect(response).toEqual({
      text: "Handing off.",
      toolCalls: [{ id: "call_fake_1_0", name: "handoff_to_math_tutor", arguments: '{"reason":"math"}' }],
      usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13 },
      finishReason: "tool_calls",
    });
    expect(fake.requests[0]?.body.stream).toBe(false);
  });

  it("treats a tool call without a name as a ModelBehaviorError", async () => {
    fake.enqueue({ toolCalls: [{ name: "", arguments: "{}" }] });
    await expect(adapterFor(fake).getResponse(request(QUESTION, [HANDOFF_TOOL]))).rejects.toBeInstanceOf(ModelBehaviorError);
  });
});

describe("OpenAIChatClient request mapping", () => {
  it("sends messages and tools exactly as the chat.completions API wants them", async () => {
    fake.enqueue({ text: "It is 2x." });
    const history: ModelMessage[] = [
      { role: "system", content: "You are the math tutor." },
      { role: "user", content: "What is the derivative of x^2?", name: "Jane Doe" },
      {
        role: "assistant",
        content: "",
        name: "triage_agent",
        toolCalls: [{ id: "call_1", name: "handoff_to_math_tutor", arguments: '{"reason":"math"}' }],
      },
      { role: "tool", toolCallId: "call_1", content: "Handed off to math_tutor." },
      { role: "assistant", content: "Let me think.", name: "math_tutor" },
      { role: "user", content: "Please hurry." },
    ];
    await adapterFor(fake).getResponse(request(history, [HANDOFF_TOOL]));
    const body = fake.requests[0]?.body;
    expect(fake.requests[0]?.rejection).toBeUndefined();
    expect(body?.messages).toEqual([
      { role: "system", content: "You are the math tutor." },
      { role: "user", content: "What is the derivative of x^2?", name: "Jane_Doe" },
      {
        role: "assistant",
        content: null,
        name: "triage_agent",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "handoff_to_math_tutor", arguments: '{"reason":"math"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "Handed off to math_tutor." },
      { role: "assistant", content: "Let me think.", name: "math_tutor" },
      { role: "user", content: "Please hurry." },
    ]);
    expect(body?.tools).toEqual([
      {
        type: "function",
        function: { name: HANDOFF_TOOL.name, description: HANDOFF_TOOL.description, parameters: HANDOFF_TOOL.parameters },
      },
    ]);
  });

  it("leaves out `tools` entirely when no tools are offered", async () => {
    fake.enqueue({ text: "Hello." });
    await adapterFor(fake).getResponse(request(QUESTION, []));
    expect(fake.requests[0]?.body).not.toHaveProperty("tools");
    expect(fake.requests[0]?.rejection).toBeUndefined();
  });

  it("sends an assistant message with no text and no tool calls as empty content, never null", async () => {
    fake.enqueue({ text: "Hello." });
    await adapterFor(fake).getResponse(request([...QUESTION, { role: "assistant", content: null }, { role: "user", content: "?" }]));
    expect(fake.requests[0]?.body.messages[2]).toEqual({ role: "assistant", content: "" });
  });
});
