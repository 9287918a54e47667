// The events a workflow run emits, as classes so that callers can write `evt instanceof AgentRunUpdateEvent`.

import type { BatonError } from "./errors.js";
import type { ChatMessage, TokenUsage } from "./messages.js";

export abstract class WorkflowEvent {
  abstract readonly type: string;
}

/** A piece of text an agent is writing (a streaming delta). */
export class AgentRunUpdateEvent extends WorkflowEvent {
  readonly type = "agent_run_update";
  constructor(
    readonly executorId: string,
    readonly data: string,
  ) {
    super();
  }
}

/** An agent finished one response: the whole message (text and/or tool calls) and its token usage. */
export class AgentResponseEvent extends WorkflowEvent {
  readonly type = "agent_response";
  constructor(
    readonly executorId: string,
    readonly message: ChatMessage,
    readonly usage: TokenUsage | undefined,
  ) {
    super();
  }
}

/** The result given back for one of an agent's tool calls (its own function, or a handoff's acknowledgement). */
export class ToolResultEvent extends WorkflowEvent {
  readonly type = "tool_result";
  constructor(
    readonly executorId: string,
    readonly message: ChatMessage,
  ) {
    super();
  }
}

/** Control passed from one agent to another along a declared edge. */
export class HandoffEvent extends WorkflowEvent {
  readonly type = "handoff";
  constructor(
    readonly from: string,
    readonly to: string,
    readonly reason: string,
    /** The assistant message that carried the handoff call. */
    readonly message: ChatMessage,
  ) {
    super();
  }
}

export type WorkflowWarningCode = "max_handoffs_exceeded" | "invalid_handoff" | "max_tool_rounds_exceeded" | "tool_failed";

/** Something went wrong that the workflow handled by itself (a refused handoff, a cap reached). */
export class WorkflowWarningEvent extends WorkflowEvent {
  readonly type = "warning";
  constructor(
    readonly code: WorkflowWarningCode,
    readonly data: string,
    readonly executorId: string,
  ) {
    super();
  }
}

/** The run ended on an error; `messages` are the ones this turn completed before it (they are not lost). */
export class WorkflowErrorEvent extends WorkflowEvent {
  readonly type = "error";
  constructor(
    readonly data: BatonError,
    readonly messages: readonly ChatMessage[],
  ) {
    super();
  }
}

/** The turn is over: `data` holds the messages it added, each carrying its author agent. */
export class WorkflowCompletedEvent extends WorkflowEvent {
  readonly type = "completed";
  constructor(
    readonly data: ChatMessage[],
    readonly activeAgent: string,
  ) {
    super();
  }
}
