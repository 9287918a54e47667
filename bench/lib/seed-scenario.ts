// The benchmarked scenario, shared word for word by Baton and its peers: the seed's agents, question and replies.

export const TRIAGE_INSTRUCTIONS =
  "You determine which agent to use based on the user's homework question. ALWAYS handoff to another agent.";
export const MATH_INSTRUCTIONS =
  "You provide help with math problems. Explain your reasoning at each step and include examples. Only respond about math.";
export const HISTORY_INSTRUCTIONS =
  "You provide assistance with historical queries. Explain important events and context clearly. Only respond about history.";

export const AGENTS = {
  triage: { name: "triage_agent", instructions: TRIAGE_INSTRUCTIONS, description: "Routes messages to the appropriate specialist agent" },
  math: { name: "math_tutor", instructions: MATH_INSTRUCTIONS, description: "Specialist agent for math questions" },
  history: { name: "history_tutor", instructions: HISTORY_INSTRUCTIONS, description: "Specialist agent for historical questions" },
} as const;

/** The seed's sample interaction, in order. */
export const SAMPLE_QUESTIONS = [
  "What is the derivative of x^2?",
  "Tell me about World War 2",
  "Can you help me with calculus integration?",
] as const;

export const QUESTION = SAMPLE_QUESTIONS[0];

export type Subject = "math" | "history";

export function subjectOf(question: string): Subject {
  return /deriv|integra|calculus|x\^|math|[0-9]\s*[-+*/]\s*[0-9]/i.test(question) ? "math" : "history";
}

export const TRIAGE_TEXT: Record<Subject, string> = {
  math: "This is a math question. I'll hand this off to the math tutor.",
  history: "This is a history question. I'll hand this off to the history tutor.",
};

/** About the length of a real tutor's answer (~150 tokens), so that prompts and token counts look like real ones. */
export const ANSWER_TEXT: Record<Subject, string> = {
  math:
    "The derivative of x^2 is 2x. Using the power rule, we bring down the exponent and subtract one from it: " +
    "d/dx x^n = n·x^(n-1). Here n = 2, so d/dx x^2 = 2·x^1 = 2x. For example, at x = 3 the slope of the curve " +
    "y = x^2 is 6: if x grows a little, from 3 to 3.01, y grows from 9 to about 9.06, six times as much. The same " +
    "rule gives d/dx x^3 = 3x^2 and d/dx x^10 = 10x^9. Try it yourself on x^5 and check your answer by plotting both.",
  history:
    "World War 2 was a global conflict from 1939 to 1945. It began when Germany invaded Poland in September 1939, " +
    "and Britain and France declared war in return. The war spread to Africa, Asia and the Pacific; the United " +
    "States joined after the attack on Pearl Harbor in December 1941. It ended in Europe in May 1945 and in Asia in " +
    "August 1945. Around 70 million people died, and its aftermath shaped the United Nations and the Cold War.",
};

/** One prior message of the conversation, in a framework-neutral shape each benchmark converts to its own. */
export interface PriorMessage {
  readonly role: "user" | "assistant";
  /** The agent that wrote an assistant message; the student's name for a user message. */
  readonly author: string;
  readonly text: string;
}

/**
 * `count` earlier messages of a conversation: the student's questions alternating between subjects, each followed by
 * the tutor's answer. Text only (no tool calls), so that every framework is handed exactly the same history.
 */
export function priorMessages(count: number): PriorMessage[] {
  const out: PriorMessage[] = [];
  for (let i = 0; out.length < count; i++) {
    const question = SAMPLE_QUESTIONS[i % SAMPLE_QUESTIONS.length]!;
    const subject = subjectOf(question);
    out.push({ role: "user", author: "student", text: `${question} (${i})` });
    if (out.length < count) out.push({ role: "assistant", author: AGENTS[subject].name, text: ANSWER_TEXT[subject] });
  }
  return out;
}

/** How a fake model streams a text: one delta per word, as the same text in every framework. */
export function streamDeltas(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** The estimate every fake model reports as usage: about four characters per token. */
export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}
