// Agents: ChatClientAgent (the seed's agent) and the function tools an agent may call on its own.

import type { ChatClient, ToolDefinition } from "./chat-client.js";

/** A function an agent can call itself (not a handoff); its result goes back to the same agent. */
export interface FunctionTool extends ToolDefinition {
  invoke(args: unknown, context: { readonly signal?: AbortSignal }): Promise<string> | string;
}

/** How an agent shows itself on a platform; all optional, the name is the fallback. */
export interface AgentPresentationOptions {
  displayName?: string;
  avatarUrl?: string;
  emoji?: string;
}

export interface ChatClientAgentOptions extends AgentPresentationOptions {
  name: string;
  instructions: string;
  description?: string;
  tools?: readonly FunctionTool[];
}

/** Everything an agent needs in one object: `new ChatClientAgent({ client, name, instructions, description })`. */
export interface ChatClientAgentInit extends ChatClientAgentOptions {
  client: ChatClient;
}

/**
 * An agent backed by a chat model, as in the seed:
 * `new ChatClientAgent(client, "You provide help with math problems…", "math_tutor", "Specialist agent for math questions")`,
 * or with one options object: `new ChatClientAgent({ client, name: "math_tutor", instructions: "…", description: "…" })`.
 */
export class ChatClientAgent {
  readonly client: ChatClient;
  readonly name: string;
  readonly instructions: string;
  readonly description: string;
  readonly displayName: string;
  readonly avatarUrl?: string;
  readonly emoji?: string;
  readonly tools: readonly FunctionTool[];

  constructor(init: ChatClientAgentInit);
  constructor(client: ChatClient, options: ChatClientAgentOptions);
  constructor(
    client: ChatClient,
    instructions: string,
    name: string,
    description?: string,
    options?: AgentPresentationOptions & { tools?: readonly FunctionTool[] },
  );
  constructor(
    clientOrInit: ChatClient | ChatClientAgentInit,
    instructionsOrOptions?: string | ChatClientAgentOptions,
    name?: string,
    description?: string,
    options: AgentPresentationOptions & { tools?: readonly FunctionTool[] } = {},
  ) {
    const { client, ...o }: ChatClientAgentInit = isInit(clientOrInit)
      ? clientOrInit
      : typeof instructionsOrOptions === "string"
        ? { ...options, client: clientOrInit, instructions: instructionsOrOptions, name: name ?? "", description }
        : { ...(instructionsOrOptions ?? missingOptions()), client: clientOrInit };
    this.client = client;
    this.name = o.name;
    this.instructions = o.instructions;
    this.description = o.description ?? "";
    this.displayName = o.displayName ?? o.name;
    if (o.avatarUrl !== undefined) this.avatarUrl = o.avatarUrl;
    if (o.emoji !== undefined) this.emoji = o.emoji;
    this.tools = o.tools ?? [];
  }
}

/** A chat client is an object with the two model calls; the one-object form carries its client in `client`. */
function isInit(value: ChatClient | ChatClientAgentInit): value is ChatClientAgentInit {
  return typeof (value as Partial<ChatClient>).getResponse !== "function" && "client" in value;
}

function missingOptions(): never {
  throw new TypeError("new ChatClientAgent(client, …) needs the instructions and name, or an options object.");
}
