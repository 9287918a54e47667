// The offline demo model: routes like the seed's triage from the request alone, answers as a specialist, deterministically.

import { describe, expect, it } from "vitest";
import { DemoChatClient } from "../../src/llm/demo-chat-client.js";
import type { ChatRequest, ModelMessage, ToolDefinition } from "../../src/workflow/chat-client.js";
import { RunAbortedError } from "../../src/workflow/errors.js";
import { collect } from "./adapter-helpers.js";

function handoffTool(target: string): ToolDefinition {
  return { name: `handoff_to_${target}`, description: `Hand off to ${target}.`, parameters: { type: "object", properties: {} } };
}

const TRIAGE_TOOLS = [handoffTool("math_tutor"), handoffTool("history_tutor")];
const SYSTEM: ModelMessage = { role: "system", content: "You determine which agent to use based on the user's homework question." };

function ask(question: string, tools: ToolDefinition[] = TRIAGE_TOOLS): ChatRequest {
  return { messages: [SYSTEM, { role: "user", content: question }], tools };
}

const demo = new DemoChatClient();

describe("DemoChatClient as triage", () => {
  it("hands a math question to the math tutor, with text and the handoff call", async () => {
    const response = await demo.getResponse(ask("What is the derivative of x^2?"));
    expect(response.text).toBe("This is a math question. I'll hand this off to the math tutor.");
    expect(response.toolCalls).toEqual([
      { id: "call_demo_2", name: "handoff_to_math_tutor", arguments: JSON.stringify({ reason: "math question" }) },
    ]);
    expect(response.finishReason).toBe("tool_calls");
  });

  it.each([
    ["Who was the first president of the United States?"],
    ["What caused World War I?"],
    ["Tell me about the Roman empire in the 2nd century."],
  ])("hands %j to the history tutor", async (question) => {
    const response = await demo.getResponse(ask(question));
    expect(response.toolCalls.map((call) => call.name)).toEqual(["handoff_to_history_tutor"]);
    expect(response.text).toBe("This is a history question. I'll hand this off to the history tutor.");
  });

  it.each([["What is 12 * 7?"], ["Can you help me solve 3x + 4 = 10?"], ["integrals are hard"]])(
    "recognises %j as math",
    async (question) => {
      const response = await demo.getResponse(ask(question));
      expect(response.toolCalls[0]?.name).toBe("handoff_to_math_tutor");
    },
  );

  it("routes by the LAST user message", async () => {
    const response = await demo.getResponse({
      messages: [SYSTEM, { role: "user", content: "What is 2+2?" }, { role: "assistant", content: "4" }, { role: "user", content: "Who was the king of France in 1700?" }],
      tools: TRIAGE_TOOLS,
    });
    expect(response.toolCalls[0]?.name).toBe("handoff_to_history_tutor");
  });

  it("asks whether it is math or history when nothing matches (and does not mistake 'warm' for a war)", async () => {
    const response = await demo.getResponse(ask("Is it warm outside today?"));
    expect(response.toolCalls).toEqual([]);
    expect(response.text).toMatch(/math or a history question/);
  });
});

describe("DemoChatClient as a specialist", () => {
  it("answers in text, saying it is the offline demo and how to configure a real model", async () => {
    const response = await demo.getResponse(ask("What is the derivative of x^2?", []));
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toBe("stop");
    expect(response.text).toContain("offline demo");
    expect(response.text).toContain('math question ("What is the derivative of x^2?")');
    for (const setting of ["OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENAI_BASE_URL"]) expect(response.text).toContain(setting);
    expect(response.text).not.toContain("\n");
  });

  it("answers in text after a tool result, even when handoffs are offered (no ping-pong)", async () => {
    const response = await demo.getResponse({
      messages: [
        { role: "user", content: "Who won the battle of Hastings?" },
        { role: "assistant", content: null, toolCalls: [{ id: "call_demo_1", name: "handoff_to_history_tutor", arguments: "{}" }] },
        { role: "tool", toolCallId: "call_demo_1", content: "Transferred." },
      ],
      tools: [handoffTool("triage_agent"), handoffTool("history_tutor")],
    });
    expect(response.toolCalls).toEqual([]);
    expect(response.text).toContain("history question");
  });

  it("answers in text when the only handoff offered does not match the topic", async () => {
    const response = await demo.getResponse(ask("Who was Napoleon's first emperor rival?", [handoffTool("triage_agent")]));
    expect(response.toolCalls).toEqual([]);
    expect(response.text).toContain("offline demo");
  });
});

describe("DemoChatClient streaming and bookkeeping", () => {
  it("streams the text in word-sized deltas, then the same response as getResponse", async () => {
    const request = ask("What is the derivative of x^2?");
    const { deltas, response } = await collect(demo.getStreamingResponse(request));
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join("")).toBe(response.text);
    expect(response).toEqual(await demo.getResponse(request));
  });

  it("reports usage as rough token counts (4 characters a token)", async () => {
    const response = await demo.getResponse(ask("What is 2+2?", []));
    const promptChars = SYSTEM.content.length + "What is 2+2?".length;
    expect(response.usage).toEqual({
      promptTokens: Math.ceil(promptChars / 4),
      completionTokens: Math.ceil(response.text.length / 4),
      totalTokens: Math.ceil(promptChars / 4) + Math.ceil(response.text.length / 4),
    });
  });

  it("refuses to answer once its signal has fired", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(demo.getResponse({ ...ask("What is 2+2?"), signal: controller.signal })).rejects.toBeInstanceOf(RunAbortedError);
    await expect(collect(demo.getStreamingResponse({ ...ask("What is 2+2?"), signal: controller.signal }))).rejects.toBeInstanceOf(
      RunAbortedError,
    );
  });
});
