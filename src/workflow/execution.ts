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

  /**
   * The run's events; iterating starts the run, and the generator returns the turn's outcome. A run can be watched once.
   * It is the turn's own generator, not one around it: delegating costs promise rounds per event, and a streamed answer
   * has hundreds.
   */
  watchStream(): AsyncGenerator<WorkflowEvent, WorkflowResult> {
    if (this.started) throw new Error("This run has already been started; watch it once.");
    this.started = true;
    return runHandoffTurn(this.workflow, this.messages, {
      streaming: this.options.streaming,
      emitUpdates: this.workflow.options.emitAgentResponseUpdateEvents ?? this.emitEvents,
      onSettled: this.resolveResult,
      onFailed: this.rejectResult,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.options.activeAgent !== undefined ? { activeAgent: this.options.activeAgent } : {}),
      ...(this.options.resumeAgent !== undefined ? { resumeAgent: this.options.resumeAgent } : {}),
    });
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
