// Runs one student's turn through the workflow, committing each agent step (message, tool results, handoff) as it completes.

import type { Logger } from "pino";
import { InProcessExecution } from "../workflow/execution.js";
import { ContentFilterError } from "../workflow/errors.js";
import { firstAgent, type HumanInputRequest } from "../workflow/run-loop.js";
import type { ChatMessage } from "../workflow/messages.js";
import type { Workflow } from "../workflow/workflow.js";
import type { BatonError } from "../workflow/errors.js";
import { AbortScope } from "./abort-scope.js";
import type { ReplyDelivery } from "./reply-delivery.js";
import { toChatMessage } from "./message-mapping.js";
import type { AgentPresentation } from "./ports.js";
import { TurnStreams } from "./reply-streaming.js";
import { commitStep, type StepCommitContext } from "./step-commit.js";
import type { StorePort } from "./store-port.js";
import type { Conversation, HistoryMessage, UsageDelta } from "./store-records.js";
import { windowMessages } from "./window-contents.js";

export interface TurnRunnerOptions {
  readonly store: StorePort;
  /** The workflow a conversation runs (its channel's, or the default), chosen per turn from prebuilt ones. */
  readonly workflowFor: (conversation: Conversation) => Workflow;
  readonly delivery: ReplyDelivery;
  readonly logger: Logger;
  readonly window: { readonly maxMessages: number; readonly maxTokens: number };
  /** Students' files: the window's messages carry them (the newest `historyImages` images as image parts). */
  readonly attachments?: { readonly historyImages: number };
  /** How each agent shows itself on the platforms (a streamed reply opens under it). */
  readonly presentation: (agentName: string) => AgentPresentation;
  /** Azure's content filter stopped the prompt or the answer: the safety step replies instead of the unavailable notice. */
  readonly onContentFilter?: (conversation: Conversation, userMessage: HistoryMessage, error: ContentFilterError) => Promise<void>;
  /** Replies' display math, rendered and stored with their messages. */
  readonly replyImages?: StepCommitContext["replyImages"];
  /** Counts a step's usage for the student who asked (classroom safety's meter), in the step's transaction. */
  readonly stepUsage?: (conversation: Conversation, userId: string | undefined, messages: readonly ChatMessage[]) => UsageDelta | undefined;
}

/** Who wants to watch a turn as it happens (the console prints text deltas as they arrive). */
export interface TurnObserver {
  onDelta?(agentName: string, delta: string): void;
  /** The agent's step is asked of the model again (its stream broke): the deltas shown for it so far are void. */
  onRetry?(agentName: string): void;
  /** An agent handed the turn on to another (after its own text, if it wrote any). */
  onHandoff?(from: string, to: string): void;
  /**
   * An agent is about to write and none of its words have arrived: the turn's first agent as the turn starts, and the
   * agent a handoff passed the turn to (not a person). Slack shows "is thinking…" under its name.
   */
  onWorking?(agent: AgentPresentation): void;
  /** Recovery is about to run again a question left unanswered by an earlier process. */
  onResume?(question: string): void;
}

/** How a caller watches and steers one turn: `cancel` stops it for good (it is not resumed at the next start). */
export interface TurnControl {
  readonly observer?: TurnObserver;
  readonly cancel?: AbortSignal;
}

export type TurnOutcome =
  | { readonly status: "completed"; readonly replies: number; readonly humanRequest?: HumanInputRequest }
  | { readonly status: "failed"; readonly errorCode: string; readonly replies: number }
  | { readonly status: "interrupted" }
  | { readonly status: "cancelled"; readonly replies: number };

/** The bot's wording when a cap ends a turn (the engine's own is neutral): given to the workflow when it is built. */
export const STUDENT_STOP_TEXTS = {
  maxHandoffs: "Sorry, I couldn't route your question to the right tutor. Could you rephrase it or say which subject it is about?",
  maxToolRounds: "Sorry, I couldn't finish working on that. Please try asking again.",
} as const;

export const UNAVAILABLE_NOTICE =
  "Sorry, the tutors are unavailable right now. Please try again in a minute — your question has been saved.";

export class TurnRunner {
  #scope: AbortScope | undefined;

  constructor(private readonly options: TurnRunnerOptions) {}

  /** Runs the turn of `userMessage` (resuming it when the agents had already said something before a crash). */
  async run(conversation: Conversation, userMessage: HistoryMessage, shutdown: AbortSignal, control: TurnControl = {}): Promise<TurnOutcome> {
    const { observer, cancel } = control;
    // The turn's own signal (see AbortScope), aborted with the shutdown; with the student's cancel too when there is one.
    const own = this.#scopeOf(shutdown).open();
    const signal = cancel === undefined ? own.signal : AbortSignal.any([own.signal, cancel]);
    try {
      return await this.#run(conversation, userMessage, { signal, cancel, observer });
    } finally {
      own.close();
    }
  }

  /** The service passes the same shutdown signal to every turn; a runner given another (a test) gets a scope for it. */
  #scopeOf(shutdown: AbortSignal): AbortScope {
    if (this.#scope?.parent !== shutdown) this.#scope = new AbortScope(shutdown);
    return this.#scope;
  }

  async #run(
    conversation: Conversation,
    userMessage: HistoryMessage,
    turn: { signal: AbortSignal; cancel: AbortSignal | undefined; observer: TurnObserver | undefined },
  ): Promise<TurnOutcome> {
    const { store, delivery, logger } = this.options;
    const workflow = this.options.workflowFor(conversation);
    const { signal, cancel, observer } = turn;
    const window = await store.messages.window(conversation.id, this.options.window);
    const later = window.filter((m) => m.seq > userMessage.seq);
    if (later.some((m) => m.role === "user")) {
      // The conversation went on without this turn (it was left pending by a failure): answering it now, against
      // newer history, would only confuse the thread.
      await store.turns.complete(userMessage.id, "failed", "superseded");
      logger.warn({ conversationId: conversation.id, messageId: userMessage.id }, "a pending turn was superseded by later messages");
      return { status: "failed", errorCode: "superseded", replies: 0 };
    }
    // Messages after the student's are what the agents said before an interruption: continue from there.
    const resuming = later.length > 0;
    const agent = conversation.activeAgent ?? undefined;
    const files = this.options.attachments;
    const history =
      files === undefined
        ? window.map(toChatMessage)
        : windowMessages(window, await store.attachments.withData(window.filter((m) => m.role === "user").map((m) => m.id)), files.historyImages);
    const start = agent === undefined ? {} : resuming ? { resumeAgent: agent } : { activeAgent: agent };
    const run = await InProcessExecution.stream(workflow, history, { signal, ...start });
    const streams = await TurnStreams.start({
      port: delivery.portFor(conversation.key.platform),
      store,
      logger,
      conversation,
      turnMessage: userMessage,
      presentation: this.options.presentation,
    });
    const replyImages = this.options.replyImages;
    const stepUsage = this.options.stepUsage;
    const context: StepCommitContext = {
      store,
      delivery,
      workflow,
      conversation,
      userMessageId: userMessage.id,
      streams,
      ...(replyImages === undefined ? {} : { replyImages }),
      ...(stepUsage === undefined ? {} : { usageOf: (messages: readonly ChatMessage[]) => stepUsage(conversation, userMessage.userId, messages) }),
    };
    let replies = 0;
    let failure: BatonError | undefined;
    let humanRequest: HumanInputRequest | undefined;
    observer?.onWorking?.(this.options.presentation(firstAgent(workflow, history, start).name));
    for await (const event of run.watchStream()) {
      switch (event.type) {
        case "agent_run_update":
          streams.delta(event.executorId, event.data);
          observer?.onDelta?.(event.executorId, event.data);
          break;
        case "agent_step_retry":
          // Nothing of the step was committed or posted: the partial text is dropped, the step asked again.
          logger.warn({ conversationId: conversation.id, agent: event.executorId, reason: event.reason }, `asking the model again: ${event.data}`);
          streams.restart(event.executorId);
          observer?.onRetry?.(event.executorId);
          break;
        case "agent_step":
          replies += await commitStep(context, event);
          if (event.next.kind === "handoff") {
            observer?.onHandoff?.(event.agent, event.next.to);
            if (workflow.human(event.next.to) === undefined) observer?.onWorking?.(this.options.presentation(event.next.to));
          }
          break;
        case "warning":
          logger.warn({ conversationId: conversation.id, code: event.code, agent: event.executorId }, event.data);
          break;
        case "human_input_request":
          humanRequest = { from: event.from, to: event.to, reason: event.reason };
          break;
        case "error":
          failure = event.data;
          break;
        default:
          break;
      }
    }
    // A stream whose step was never committed (the model failed, the turn was cancelled) is withdrawn; one cut by a
    // shutdown stays, recorded, and is finished on the same messages when the turn runs again at the next start.
    const interrupted = failure?.code === "aborted" && cancel?.aborted !== true;
    if (!interrupted) await streams.close();
    if (failure === undefined) return { status: "completed", replies, ...(humanRequest === undefined ? {} : { humanRequest }) };
    if (failure.code === "aborted" && cancel?.aborted === true) {
      // The student stopped it (even if a shutdown followed): the steps already committed stay, the one being written
      // is dropped, nothing resumes it.
      await store.turns.complete(userMessage.id, "failed", "cancelled");
      logger.info({ conversationId: conversation.id }, "turn cancelled by the user");
      return { status: "cancelled", replies };
    }
    if (failure.code === "aborted") {
      // Shutting down: the turn stays pending and is resumed at the next start.
      logger.info({ conversationId: conversation.id }, "turn interrupted by shutdown");
      return { status: "interrupted" };
    }
    const { onContentFilter } = this.options;
    if (failure instanceof ContentFilterError && onContentFilter !== undefined) {
      logger.warn({ conversationId: conversation.id, source: failure.source }, "the model service's content filter stopped the turn");
      await store.turns.complete(userMessage.id, "failed", failure.code);
      await onContentFilter(conversation, userMessage, failure);
      return { status: "failed", errorCode: failure.code, replies: replies + 1 };
    }
    logger.error({ conversationId: conversation.id, code: failure.code, err: failure }, "turn failed");
    const code = failure.code;
    const noticeId = await store.transaction(async (tx) => {
      await tx.turns.complete(userMessage.id, "failed", code);
      return tx.outbox.enqueueNotice(conversation.id, { agentName: workflow.startAgent.name, text: UNAVAILABLE_NOTICE });
    });
    void delivery.enqueue({ id: noticeId, conversationId: conversation.id, key: conversation.key, agentName: workflow.startAgent.name, text: UNAVAILABLE_NOTICE, kind: "notice" });
    return { status: "failed", errorCode: code, replies: replies + 1 };
  }
}
