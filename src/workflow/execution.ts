// Running a workflow in process: InProcessExecution.stream(…) → StreamingRun with watchStream(), as in the seed.

import type { BatonError } from "./errors.js";
import type { WorkflowEvent } from "./events.js";
import type { ChatMessage } from "./messages.js";
import { runHandoffTurn, type TurnResult } from "./run-loop.js";
import type { Workflow } from "./workflow.js";

/** Starts the turn; `emitEvents: false` suppresses the text-delta events (AgentRunUpdateEvent). */
export class TurnToken {
  constructor(readonly emitEvents = true) {}
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** With return-to-previous: the agent that answered last (e.g. loaded from storage). */
  readonly activeAgent?: string;
  /** Continue an interrupted turn (e.g. after a crash) with the agent that was active when it stopped. */
  readonly resumeAgent?: string;
}

export type WorkflowResult = TurnResult;

export class StreamingRun {
  private emitEvents = true;
  private started = false;
  private readonly settled: Promise<WorkflowResult>;
  private resolveResult!: (result: WorkflowResult) => void;
  private rejectResult!: (error: unknown) => void;

  constructor(
    private readonly workflow: Workflow,
    private readonly messages: readonly ChatMessage[],
    private readonly options: RunOptions & { readonly streaming: boolean },
  ) {
    this.settled = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
  }

  /** The seed's `TrySendMessageAsync(new TurnToken(emitEvents: true))`; false once the run has started. */
  async trySendMessage(token: TurnToken): Promise<boolean> {
    if (this.started) return false;
    this.emitEvents = token.emitEvents;
    return true;
  }

  /** The run's events; iterating starts the run. A run can be watched once. */
  watchStream(): AsyncGenerator<WorkflowEvent, void> {
    if (this.started) throw new Error("This run has already been started; watch it once.");
    this.started = true;
    const turn = runHandoffTurn(this.workflow, this.messages, {
      streaming: this.options.streaming,
      emitUpdates: this.workflow.options.emitAgentResponseUpdateEvents ?? this.emitEvents,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.options.activeAgent !== undefined ? { activeAgent: this.options.activeAgent } : {}),
      ...(this.options.resumeAgent !== undefined ? { resumeAgent: this.options.resumeAgent } : {}),
    });
    return new TurnEvents(turn, this.resolveResult, this.rejectResult);
  }

  /** The turn's outcome; runs the turn without watching it if nobody has started it yet. */
  get completed(): Promise<WorkflowResult> {
    if (!this.started) void this.drain();
    return this.settled;
  }

  private async drain(): Promise<void> {
    try {
      for await (const _event of this.watchStream()) {
        // events are not wanted: only the outcome
      }
    } catch {
      // rejectResult already carries it
    }
  }
}

/**
 * The turn's own generator handed to the watcher, its outcome settling the run's result on the way. Not an async
 * generator around it: delegating with `yield*` costs several promise rounds per event, and a streamed answer has hundreds.
 */
class TurnEvents implements AsyncGenerator<WorkflowEvent, void> {
  constructor(
    private readonly turn: AsyncGenerator<WorkflowEvent, WorkflowResult>,
    private readonly resolve: (result: WorkflowResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  next(): Promise<IteratorResult<WorkflowEvent, void>> {
    return this.settle(this.turn.next());
  }

  /** A watcher that stops early (break) ends the turn too. */
  async return(): Promise<IteratorResult<WorkflowEvent, void>> {
    await this.turn.return(undefined as never);
    return { done: true, value: undefined };
  }

  throw(error: unknown): Promise<IteratorResult<WorkflowEvent, void>> {
    return this.settle(this.turn.throw(error));
  }

  private settle(step: Promise<IteratorResult<WorkflowEvent, WorkflowResult>>): Promise<IteratorResult<WorkflowEvent, void>> {
    return step.then(
      (result) => {
        if (!result.done) return result;
        this.resolve(result.value);
        return { done: true, value: undefined };
      },
      (error: unknown) => {
        this.reject(error);
        throw error;
      },
    );
  }

  [Symbol.asyncIterator](): AsyncGenerator<WorkflowEvent, void> {
    return this;
  }
}

export interface Run {
  readonly events: readonly WorkflowEvent[];
  readonly result: WorkflowResult;
  readonly error?: BatonError;
}

export const InProcessExecution = {
  /** Streams the turn: the model is asked for token streams, each delta is an AgentRunUpdateEvent. */
  async stream(workflow: Workflow, messages: readonly ChatMessage[], options: RunOptions = {}): Promise<StreamingRun> {
    return new StreamingRun(workflow, messages, { ...options, streaming: true });
  },

  /** Runs the turn to its end with whole (non-streamed) model responses; returns every event it emitted. */
  async run(workflow: Workflow, messages: readonly ChatMessage[], options: RunOptions = {}): Promise<Run> {
    const run = new StreamingRun(workflow, messages, { ...options, streaming: false });
    await run.trySendMessage(new TurnToken(false));
    const events: WorkflowEvent[] = [];
    for await (const event of run.watchStream()) events.push(event);
    const result = await run.completed;
    return result.error ? { events, result, error: result.error } : { events, result };
  },
} as const;
