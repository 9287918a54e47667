// The seed's scenario on @openai/agents: the same three agents and graph, a fake Model that plays them, tracing off.

import { Agent, Runner, setTracingDisabled, Usage, type AgentInputItem, type Model, type ModelRequest, type ModelResponse } from "@openai/agents";
import type { protocol } from "@openai/agents";
import { AGENTS, ANSWER_TEXT, priorMessages, QUESTION, streamDeltas, subjectOf, TRIAGE_TEXT } from "../lib/seed-scenario.js";
import type { PeerTurn } from "./peer-turn.js";

type StreamEvent = protocol.StreamEvent;
type OutputItem = protocol.AssistantMessageItem | protocol.FunctionCallItem;

/** Plays the seed's agents from the system instructions it is sent, as Baton's fake model does from its system message. */
class SeedModel implements Model {
  calls = 0;
  private ids = 0;

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    return this.reply(request).response;
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const { response, output } = this.reply(request);
    yield { type: "response_started" };
    for (const item of output) {
      if (item.type !== "message") continue;
      for (const part of item.content) {
        if (part.type === "output_text") for (const delta of streamDeltas(part.text)) yield { type: "output_text_delta", delta };
      }
    }
    yield {
      type: "response_done",
      response: {
        id: `resp_${this.ids}`,
        usage: { requests: 1, inputTokens: 100, outputTokens: 50, totalTokens: 150 },
        output,
      },
    };
  }

  private reply(request: ModelRequest): { response: ModelResponse; output: OutputItem[] } {
    this.calls++;
    const instructions = request.systemInstructions ?? "";
    const subject = subjectOf(lastUserText(request.input));
    const output: OutputItem[] = [];
    if (instructions.startsWith(AGENTS.triage.instructions)) {
      output.push(message(TRIAGE_TEXT[subject]));
      const target = request.handoffs.find((h) => h.toolName.endsWith(AGENTS[subject].name));
      if (target === undefined) throw new Error(`No handoff to ${AGENTS[subject].name} was offered.`);
      const callId = `call_${++this.ids}`;
      output.push({ type: "function_call", callId, id: callId, name: target.toolName, arguments: "{}", status: "completed" });
    } else {
      output.push(message(ANSWER_TEXT[subject]));
    }
    const usage = new Usage({ requests: 1, inputTokens: 100, outputTokens: 50, totalTokens: 150 });
    return { response: { usage, output, responseId: `resp_${++this.ids}` }, output };
  }
}

function message(text: string): OutputItem {
  return { type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text }] };
}

function lastUserText(input: ModelRequest["input"]): string {
  if (typeof input === "string") return input;
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i]!;
    if ("role" in item && item.role === "user") return typeof item.content === "string" ? item.content : "";
  }
  return "";
}

/** Builds the graph once; each call of the returned function runs one turn at the given history length. */
export function openAiAgentsTurn(): PeerTurn {
  setTracingDisabled(true);
  const model = new SeedModel();
  const agent = (spec: (typeof AGENTS)[keyof typeof AGENTS]) =>
    new Agent({ name: spec.name, instructions: spec.instructions, handoffDescription: spec.description, model });
  const triage = agent(AGENTS.triage);
  const math = agent(AGENTS.math);
  const history = agent(AGENTS.history);
  triage.handoffs = [math, history];
  math.handoffs = [triage];
  history.handoffs = [triage];
  const runner = new Runner({ tracingDisabled: true });
  return {
    calls: () => model.calls,
    input(count: number): AgentInputItem[] {
      const items: AgentInputItem[] = priorMessages(count).map((m) =>
        m.role === "user"
          ? { role: "user", content: m.text }
          : { role: "assistant", status: "completed", content: [{ type: "output_text", text: m.text }] },
      );
      items.push({ role: "user", content: QUESTION });
      return items;
    },
    async turn(input: unknown, streaming: boolean): Promise<string> {
      const items = input as AgentInputItem[];
      if (!streaming) {
        const result = await runner.run(triage, items);
        return result.lastAgent?.name ?? "";
      }
      const result = await runner.run(triage, items, { stream: true });
      let deltas = 0;
      for await (const event of result) {
        if (event.type === "raw_model_stream_event" && event.data.type === "output_text_delta") deltas++;
      }
      await result.completed;
      if (deltas === 0) throw new Error("The streamed turn produced no text deltas.");
      return result.lastAgent?.name ?? "";
    },
  };
}
