// Shared by the adapter tests: a real openai client pointed at the fake server, and a stream collector.

import OpenAI from "openai";
import { expect } from "vitest";
import { OpenAIChatClient } from "../../src/llm/openai-chat-client.js";
import type { ChatResponse, ChatStreamPart } from "../../src/workflow/chat-client.js";
import type { FakeOpenAI } from "../support/fake-openai-server.js";

export function adapterFor(fake: { url: FakeOpenAI["url"] }, maxRetries = 0): OpenAIChatClient {
  return new OpenAIChatClient({
    client: new OpenAI({ apiKey: "sk-test-key", baseURL: fake.url, maxRetries, timeout: 10_000 }),
    model: "gpt-test",
  });
}

/** Drains a stream, checking the port's contract: text deltas, then exactly one done part, last. */
export async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<{ deltas: string[]; response: ChatResponse }> {
  const deltas: string[] = [];
  let response: ChatResponse | undefined;
  for await (const part of stream) {
    expect(response, "nothing may follow the done part").toBeUndefined();
    if (part.type === "text-delta") deltas.push(part.delta);
    else response = part.response;
  }
  if (response === undefined) throw new Error("The stream ended without a done part.");
  return { deltas, response };
}
