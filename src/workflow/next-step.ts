// What happens after an agent's response, as two pure functions: how each tool call is answered, then the next step.

import { handoffReason, HANDOFF_PREFIX, isHandoffCall } from "./handoff-tools.js";
import type { ToolCall } from "./messages.js";
import type { AgentPlan, HandoffTarget } from "./plan.js";

/** Why an agent runs again within the same activation. */
export type RetryReason =
  /** It asked for a handoff it is not allowed (the error is in the tool result). */
  | "undeclared_handoff"
  /** It called a function that does not exist. */
  | "unknown_function"
  /** It called its own functions; their results go back to it. */
  | "tool_results"
  /** Autonomous mode: it answered without handing off and goes on by itself. */
  | "autonomous";

export type StopCode = "max_handoffs_exceeded" | "max_tool_rounds_exceeded";

/** What the loop does after an agent's step. */
export type NextStep =
  | { readonly kind: "final" }
  | { readonly kind: "handoff"; readonly to: string; readonly reason: string }
  | { readonly kind: "retry"; readonly because: RetryReason }
  | { readonly kind: "stop"; readonly code: StopCode; readonly text: string };

/** How one tool call is answered. `invoke` calls are the agent's own functions: the loop runs them. */
export type CallAnswer =
  | { readonly kind: "handoff"; readonly call: ToolCall; readonly target: HandoffTarget; readonly reason: string; readonly text: string }
  | { readonly kind: "refused"; readonly call: ToolCall; readonly target: string; readonly text: string }
  | { readonly kind: "ignored"; readonly call: ToolCall; readonly text: string }
  | { readonly kind: "not_performed"; readonly call: ToolCall; readonly text: string }
  | { readonly kind: "unknown_function"; readonly call: ToolCall; readonly text: string }
  | { readonly kind: "invoke"; readonly call: ToolCall };

/** Counters of the turn so far, as the decision needs them. */
export interface StepCounters {
  /** Handoffs (and refused handoff attempts) so far this turn. */
  readonly handoffs: number;
  /** Rounds of the agent's own functions in a row so far. */
  readonly toolRounds: number;
  /** Autonomous continuations the current agent took so far. */
  readonly continuations: number;
}

export interface StepLimits {
  readonly maxHandoffs: number;
  readonly maxToolRounds: number;
}

/**
 * Answers every tool call of one response: the first allowed handoff wins, later ones are ignored, undeclared ones are
 * refused with the list of what is allowed; past the handoff cap a handoff is not performed and neither is anything after.
 */
export function answerToolCalls(plan: AgentPlan, calls: readonly ToolCall[], counters: StepCounters, limits: StepLimits): CallAnswer[] {
  const answers: CallAnswer[] = [];
  let chosen: string | undefined;
  let capped = false;
  for (const call of calls) {
    if (capped) {
      answers.push({ kind: "not_performed", call, text: "Not performed: the turn was ended." });
      continue;
    }
    if (isHandoffCall(call.name)) {
      const target = call.name.slice(HANDOFF_PREFIX.length);
      const allowed = plan.targets.get(target);
      if (allowed === undefined) {
        const options = [...plan.targets.keys()].map((name) => `${HANDOFF_PREFIX}${name}`).join(", ") || "none";
        answers.push({ kind: "refused", call, target, text: `Error: '${target}' is not an agent you can hand off to. Available handoffs: ${options}.` });
      } else if (chosen !== undefined) {
        answers.push({ kind: "ignored", call, text: `Ignored: the conversation was already handed off to ${chosen}.` });
      } else if (counters.handoffs >= limits.maxHandoffs) {
        answers.push({ kind: "not_performed", call, text: "Not performed: too many handoffs in this turn." });
        capped = true;
      } else {
        chosen = target;
        answers.push({ kind: "handoff", call, target: allowed, reason: handoffReason(call), text: `Handed off to ${target}.` });
      }
      continue;
    }
    if (plan.functions.has(call.name)) answers.push({ kind: "invoke", call });
    else answers.push({ kind: "unknown_function", call, text: `Error: there is no function named '${call.name}'.` });
  }
  return answers;
}

/** Chooses the next step from how the calls were answered (no calls: the agent answered). */
export function chooseNextStep(
  plan: AgentPlan,
  answers: readonly CallAnswer[],
  counters: StepCounters,
  limits: StepLimits & { readonly stopTexts: { readonly maxHandoffs: string; readonly maxToolRounds: string } },
): NextStep {
  const handoff = answers.find((a) => a.kind === "handoff");
  if (handoff !== undefined) return { kind: "handoff", to: handoff.call.name.slice(HANDOFF_PREFIX.length), reason: handoff.reason };
  const capped = answers.some((a) => a.kind === "not_performed");
  const refused = answers.some((a) => a.kind === "refused");
  if (capped || (refused && counters.handoffs + 1 > limits.maxHandoffs)) {
    return { kind: "stop", code: "max_handoffs_exceeded", text: limits.stopTexts.maxHandoffs };
  }
  if (refused) return { kind: "retry", because: "undeclared_handoff" };
  if (answers.length === 0) {
    const autonomous = plan.autonomous;
    if (autonomous !== undefined && counters.continuations < autonomous.turnLimit) return { kind: "retry", because: "autonomous" };
    return { kind: "final" };
  }
  if (counters.toolRounds + 1 >= limits.maxToolRounds) {
    return { kind: "stop", code: "max_tool_rounds_exceeded", text: limits.stopTexts.maxToolRounds };
  }
  return { kind: "retry", because: answers.some((a) => a.kind === "invoke") ? "tool_results" : "unknown_function" };
}
