// The events a workflow run emits: classes for the seed's `instanceof` style, a discriminated union for `switch`.

import type { BatonError } from "./errors.js";
import type { ChatMessage, TokenUsage } from "./messages.js";
import type { NextStep } from "./next-step.js";

/** What every event class shares; `WorkflowEvent` (the union below) is what a run yields. */
export abstract class WorkflowEventBase {
  abstract readonly type: string;
}

/** A piece of text an agent is writing (a streaming delta). */
export class AgentRunUpdateEvent extends WorkflowEventBase {
  readonly type = "agent_run_update";
  constructor(
    readonly executorId: string,
    readonly data: string,
  ) {
    super();
  }
}

/**
 * The agent's model call is made once more (its stream broke after it had started, or it answered nothing): text
 * deltas shown for it so far are void, and the step's text starts again from the next delta.
 */
export class AgentStepRetryEvent extends WorkflowEventBase {
  readonly type = "agent_step_retry";
  constructor(
    readonly executorId: string,
    readonly reason: "stream_interrupted" | "empty_answer",
    /** What went wrong, for logs. */
    readonly data: string,
  ) {
    super();
  }
}

/**
 * The engine's unit: one agent's response, the results given back for its tool calls, and what happens next.
 * `messages` is what the step adds to the conversation, in order (a stop's closing text included).
 */
export class AgentStepEvent extends WorkflowEventBase {
  readonly type = "agent_step";
  readonly messages: readonly ChatMessage[];
  constructor(
    readonly agent: string,
    readonly message: ChatMessage,
    readonly toolResults: readonly ChatMessage[],
    readonly next: NextStep,
    /** The closing message of a `stop` (its text is `next.text`), written under the agent's name. */
    readonly closing?: ChatMessage,
  ) {
    super();
    this.messages = closing === undefined ? [message, ...toolResults] : [message, ...toolResults, closing];
  }

  get executorId(): string {
    return this.agent;
  }

  get usage(): TokenUsage | undefined {
    return this.message.usage;
  }
}

/** An agent finished one response: the whole message (text and/or tool calls) and its token usage. */
export class AgentResponseEvent extends WorkflowEventBase {
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
export class ToolResultEvent extends WorkflowEventBase {
  readonly type = "tool_result";
  constructor(
    readonly executorId: string,
    readonly message: ChatMessage,
  ) {
    super();
  }
}

/** Control passed from one participant to another along a declared edge. */
export class HandoffEvent extends WorkflowEventBase {
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

/** An agent handed the conversation to a human participant: the turn ends, waiting for that person. */
export class HumanInputRequestEvent extends WorkflowEventBase {
  readonly type = "human_input_request";
  constructor(
    /** The agent that asked for the human. */
    readonly from: string,
    /** The human participant's name (e.g. "teacher"). */
    readonly to: string,
    readonly reason: string,
  ) {
    super();
  }
}

export type WorkflowWarningCode = "max_handoffs_exceeded" | "invalid_handoff" | "max_tool_rounds_exceeded" | "tool_failed";

/** Something went wrong that the workflow handled by itself (a refused handoff, a cap reached). */
export class WorkflowWarningEvent extends WorkflowEventBase {
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
export class WorkflowErrorEvent extends WorkflowEventBase {
  readonly type = "error";
  constructor(
    readonly data: BatonError,
    readonly messages: readonly ChatMessage[],
  ) {
    super();
  }
}

/** The turn is over: `data` holds the messages it added, each carrying its author agent. */
export class WorkflowCompletedEvent extends WorkflowEventBase {
  readonly type = "completed";
  constructor(
    readonly data: ChatMessage[],
    readonly activeAgent: string,
  ) {
    super();
  }
}

/** Everything a run yields; `switch (event.type)` narrows it, and a `never` default proves the switch complete. */
export type WorkflowEvent =
  | AgentRunUpdateEvent
  | AgentStepRetryEvent
  | AgentStepEvent
  | AgentResponseEvent
  | ToolResultEvent
  | HandoffEvent
  | HumanInputRequestEvent
  | WorkflowWarningEvent
  | WorkflowErrorEvent
  | WorkflowCompletedEvent;
