// The seed's scenario on @langchain/langgraph-swarm: the same three agents as prebuilt ReAct agents, a fake chat model.

import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelCallOptions, type BindToolsInput } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { Runnable } from "@langchain/core/runnables";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createHandoffTool, createSwarm } from "@langchain/langgraph-swarm";
import { AGENTS, ANSWER_TEXT, priorMessages, QUESTION, streamDeltas, subjectOf, TRIAGE_TEXT } from "../lib/seed-scenario.js";
import type { PeerTurn } from "./peer-turn.js";

interface Reply {
  readonly text: string;
  readonly handoffTo?: string;
}

/** Plays the seed's agents from the system prompt it is sent; binds tools as a real chat model does (withConfig). */
class SeedChatModel extends BaseChatModel {
  calls = 0;
  private ids = 0;

  _llmType(): string {
    return "seed-fake";
  }

  override bindTools(tools: BindToolsInput[]): Runnable<BaseMessage[], AIMessageChunk, BaseChatModelCallOptions> {
    return this.withConfig({ tools: tools.map((tool) => convertToOpenAITool(tool)) } as Partial<BaseChatModelCallOptions>);
  }

  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const reply = this.reply(messages);
    const message = new AIMessage({
      content: reply.text,
      tool_calls: reply.handoffTo === undefined ? [] : [{ name: `transfer_to_${reply.handoffTo}`, args: {}, id: `call_${++this.ids}`, type: "tool_call" }],
      usage_metadata: { input_tokens: 100, output_tokens: 50, total_tokens: 150 },
    });
    return { generations: [{ text: reply.text, message }] };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const reply = this.reply(messages);
    for (const delta of streamDeltas(reply.text)) {
      const chunk = new ChatGenerationChunk({ text: delta, message: new AIMessageChunk({ content: delta }) });
      yield chunk;
      await runManager?.handleLLMNewToken(delta, undefined, undefined, undefined, undefined, { chunk });
    }
    const last = new AIMessageChunk({
      content: "",
      tool_call_chunks:
        reply.handoffTo === undefined ? [] : [{ name: `transfer_to_${reply.handoffTo}`, args: "{}", id: `call_${++this.ids}`, index: 0, type: "tool_call_chunk" }],
      usage_metadata: { input_tokens: 100, output_tokens: 50, total_tokens: 150 },
    });
    yield new ChatGenerationChunk({ text: "", message: last });
  }

  private reply(messages: BaseMessage[]): Reply {
    this.calls++;
    const system = typeof messages[0]?.content === "string" ? messages[0].content : "";
    let question = "";
    for (let i = messages.length - 1; i >= 0 && question === ""; i--) {
      const message = messages[i]!;
      if (message.getType() === "human" && typeof message.content === "string") question = message.content;
    }
    const subject = subjectOf(question);
    if (system.startsWith(AGENTS.triage.instructions)) return { text: TRIAGE_TEXT[subject], handoffTo: AGENTS[subject].name };
    return { text: ANSWER_TEXT[subject] };
  }
}

/** Builds the swarm once; each call of the returned function runs one turn at the given history length. */
export function langGraphSwarmTurn(): PeerTurn {
  const model = new SeedChatModel({});
  const handoff = (spec: (typeof AGENTS)[keyof typeof AGENTS]) => createHandoffTool({ agentName: spec.name, description: spec.description });
  const triage = createReactAgent({
    llm: model,
    tools: [handoff(AGENTS.math), handoff(AGENTS.history)],
    name: AGENTS.triage.name,
    prompt: AGENTS.triage.instructions,
  });
  const math = createReactAgent({ llm: model, tools: [handoff(AGENTS.triage)], name: AGENTS.math.name, prompt: AGENTS.math.instructions });
  const history = createReactAgent({ llm: model, tools: [handoff(AGENTS.triage)], name: AGENTS.history.name, prompt: AGENTS.history.instructions });
  // No checkpointer: like Baton's engine, each turn is handed the whole conversation and starts at the default agent.
  const app = createSwarm({ agents: [triage, math, history], defaultActiveAgent: AGENTS.triage.name }).compile();
  return {
    calls: () => model.calls,
    input(count: number): BaseMessage[] {
      const messages: BaseMessage[] = priorMessages(count).map((m) =>
        m.role === "user" ? new HumanMessage(m.text) : new AIMessage({ content: m.text, name: m.author }),
      );
      messages.push(new HumanMessage(QUESTION));
      return messages;
    },
    async turn(input: unknown, streaming: boolean): Promise<string> {
      const messages = input as BaseMessage[];
      if (!streaming) {
        const state = await app.invoke({ messages });
        return state.messages.at(-1)?.name ?? "";
      }
      let deltas = 0;
      let answeredBy = "";
      for await (const [chunk, metadata] of await app.stream({ messages }, { streamMode: "messages" })) {
        if (typeof chunk.content === "string" && chunk.content !== "") {
          deltas++;
          answeredBy = String((metadata as { langgraph_node?: string }).langgraph_node ?? "");
        }
      }
      if (deltas === 0) throw new Error("The streamed turn produced no text deltas.");
      return answeredBy;
    },
  };
}
