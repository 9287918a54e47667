// Tutoring policies: Baton's text for `socratic` and `direct`, appended to an agent's instructions, and who gets which.

import { z } from "zod";

export const TUTORING_POLICIES = ["socratic", "direct"] as const;
export type TutoringPolicy = (typeof TUTORING_POLICIES)[number];

export const TutoringPolicySchema = z.enum(TUTORING_POLICIES);

/**
 * Baton's wording of each policy. A `policies:` map in agents.yaml replaces the text of a policy by name. The direct
 * text is conditional ("when you answer") so that a triage agent told to always hand off is not pushed to answer.
 */
export const TUTORING_POLICY_TEXTS: Readonly<Record<TutoringPolicy, string>> = {
  socratic:
    "Tutoring policy: help the student learn to solve the problem themselves rather than doing their homework for " +
    "them. Do not open with the answer. First find out what the student has already tried or understood; if they " +
    "have not said, ask them. Then guide them one step at a time with questions and hints, and check their " +
    "reasoning as they go, pointing out where a step went wrong. Give the full worked solution only after the " +
    "student has shown their own attempt at this problem, or when they ask for the solution a second time; then " +
    "explain every step so that they can solve the next one alone.",
  direct:
    "Tutoring policy: when you answer the student, answer outright: give the complete answer or solution with a " +
    "clear explanation of the reasoning, without holding it back.",
};

/** The `policies:` section: a replacement text per policy name. */
export const PolicyTextsSchema = z.partialRecord(TutoringPolicySchema, z.string().trim().min(1));

export type PolicyTexts = Readonly<Partial<Record<TutoringPolicy, string>>>;

/**
 * Whom a policy applies to. The start agent of the file (triage) routes rather than tutors: it is `direct` unless it
 * names a policy itself. Every other agent is a tutor: `socratic` by default. A channel's policy (agents.yaml
 * `channels:`) replaces every tutor's policy in that channel's conversations; the triage agent keeps its own.
 */
export function effectivePolicy(agent: { readonly name: string; readonly policy?: TutoringPolicy | undefined }, context: {
  readonly triage: string;
  readonly channelPolicy?: TutoringPolicy | undefined;
}): TutoringPolicy {
  if (agent.name === context.triage) return agent.policy ?? "direct";
  return context.channelPolicy ?? agent.policy ?? "socratic";
}

/** The agent's instructions with the policy text appended (a blank line between them). */
export function withPolicy(instructions: string, policy: TutoringPolicy, texts: PolicyTexts = {}): string {
  return `${instructions}\n\n${texts[policy] ?? TUTORING_POLICY_TEXTS[policy]}`;
}
