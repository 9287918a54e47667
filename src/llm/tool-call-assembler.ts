// Reassembles tool calls that a chat.completions stream delivers in pieces, keyed by their index.

import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ToolCall } from "../workflow/messages.js";
import { ModelBehaviorError } from "../workflow/errors.js";

type ToolCallDelta = ChatCompletionChunk.Choice.Delta.ToolCall;

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

export class ToolCallAssembler {
  readonly #calls = new Map<number, PartialToolCall>();

  /** The id and name come in the first delta of a call; arguments arrive as pieces to concatenate. */
  add(delta: ToolCallDelta): void {
    const call = this.#calls.get(delta.index) ?? { id: "", name: "", arguments: "" };
    if (delta.id) call.id = delta.id;
    // Some compatible servers repeat the name on every delta; keep it rather than concatenating it.
    if (delta.function?.name) call.name = call.name === "" ? delta.function.name : call.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    this.#calls.set(delta.index, call);
  }

  /** The calls in index order; arguments stay raw (the engine judges them), but id and name are required. */
  finish(): ToolCall[] {
    return [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => requireIdentity(call, index));
  }
}

export function requireIdentity(call: { id?: string; name?: string; arguments?: string }, index: number): ToolCall {
  if (!call.id) throw new ModelBehaviorError(`The model produced tool call #${index} without an id.`);
  if (!call.name) throw new ModelBehaviorError(`The model produced tool call #${index} without a function name.`);
  return { id: call.id, name: call.name, arguments: call.arguments ?? "" };
}
