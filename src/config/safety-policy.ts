// The `safety:` section of agents.yaml: which moderation categories lead to which action and alert, thresholds, replies.

import { z } from "zod";

/** Every category Baton knows: OpenAI's moderation categories, and the ones only Azure's content filter reports. */
export const MODERATION_CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/instructions",
  "self-harm/intent",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
  "jailbreak",
  "profanity",
  "protected-material",
] as const;

/** A category, a prefix ending in `*` ("self-harm*" is self-harm and its subcategories), or `*` for any other. */
const pattern = z.string().refine(
  (p) => p === "*" || MODERATION_CATEGORIES.some((c) => (p.endsWith("*") ? c.startsWith(p.slice(0, -1)) : c === p)),
  { message: `not a moderation category or prefix* (categories are: ${MODERATION_CATEGORIES.join(", ")})` },
);

const RuleSchema = z.strictObject({
  /** block: no agent runs, the student gets `reply`; answer: the turn goes on. */
  action: z.enum(["block", "answer"]),
  /** urgent: always posted to the moderators' channel; normal: at most once per conversation and category an hour. */
  alert: z.enum(["urgent", "normal", "none"]),
  /** What a blocked student is told; `{helpResources}` is replaced by the help resources. Default: `blockedReply`. */
  reply: z.string().trim().min(1).optional(),
});

export type SafetyRule = z.infer<typeof RuleSchema>;

export const DEFAULT_HELP_RESOURCES =
  "Please talk to someone you trust today: a parent, a teacher or your school counsellor. If you are in danger right " +
  "now, call your local emergency number. In the US you can call or text 988 (Suicide & Crisis Lifeline); in the UK " +
  "and Ireland you can call Samaritans on 116 123; elsewhere, findahelpline.com lists free, confidential helplines.";

const CARING_REPLY =
  "I'm really sorry you're feeling this way, and I'm glad you said something. You matter, and you don't have to " +
  "face this alone. {helpResources}";

/** The safe defaults; a `categories:` entry in agents.yaml replaces the default for the same pattern. */
export const DEFAULT_RULES: Readonly<Record<string, SafetyRule>> = {
  "self-harm*": { action: "block", alert: "urgent", reply: CARING_REPLY },
  "sexual/minors": { action: "block", alert: "urgent" },
  "violence*": { action: "answer", alert: "normal" },
  "harassment/threatening": { action: "answer", alert: "normal" },
  "hate/threatening": { action: "answer", alert: "normal" },
  "illicit/violent": { action: "answer", alert: "normal" },
  "*": { action: "answer", alert: "none" },
};

export const SafetyPolicySchema = z.strictObject({
  categories: z.record(pattern, RuleSchema).default({}),
  /** A category counts from this score (0..1) on; without one, when the moderation service flags it. */
  thresholds: z.record(pattern, z.number().min(0).max(1)).default({}),
  helpResources: z.string().trim().min(1).default(DEFAULT_HELP_RESOURCES),
  blockedReply: z
    .string()
    .trim()
    .min(1)
    .default("I can't help with that here. If something is worrying you, please talk to a trusted adult — a parent, a teacher or your school counsellor."),
  /** What replaces an agent's answer that moderation flagged (on the platform; the answer is kept for moderators). */
  withheldNotice: z.string().trim().min(1).default("This answer was withheld by Baton's safety check. A teacher can review it."),
});

export type SafetyPolicyInput = z.input<typeof SafetyPolicySchema>;

/** The policy in force: the defaults with the file's entries over them. */
export interface SafetyPolicy {
  readonly rules: Readonly<Record<string, SafetyRule>>;
  readonly thresholds: Readonly<Record<string, number>>;
  readonly helpResources: string;
  readonly blockedReply: string;
  readonly withheldNotice: string;
}

export function resolveSafetyPolicy(section: z.output<typeof SafetyPolicySchema> | undefined): SafetyPolicy {
  const parsed = section ?? SafetyPolicySchema.parse({});
  return {
    rules: { ...DEFAULT_RULES, ...parsed.categories },
    thresholds: parsed.thresholds,
    helpResources: parsed.helpResources,
    blockedReply: parsed.blockedReply,
    withheldNotice: parsed.withheldNotice,
  };
}

/** The entry for a category: the exact name first, then the longest matching prefix*, then `*`. */
export function lookup<T>(table: Readonly<Record<string, T>>, category: string): T | undefined {
  if (table[category] !== undefined) return table[category];
  let best: { length: number; value: T } | undefined;
  for (const [key, value] of Object.entries(table)) {
    if (key === "*" || !key.endsWith("*")) continue;
    const prefix = key.slice(0, -1);
    if (category.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = { length: prefix.length, value };
  }
  return best?.value ?? table["*"];
}
