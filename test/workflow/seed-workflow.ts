// The seed's three agents and graph, built on any ChatClient, shared by the engine tests.

import type { ChatClient } from "../../src/workflow/chat-client.js";
import { AgentWorkflowBuilder, ChatClientAgent, type HandoffWorkflowBuilder } from "../../src/workflow/index.js";

export const TRIAGE = "You determine which agent to use based on the user's homework question. ALWAYS handoff to another agent.";
export const MATH = "You provide help with math problems. Explain your reasoning at each step and include examples. Only respond about math.";
export const HISTORY = "You provide assistance with historical queries. Explain important events and context clearly. Only respond about history.";

export function seedAgents(client: ChatClient) {
  const historyTutor = new ChatClientAgent(client, HISTORY, "history_tutor", "Specialist agent for historical questions");
  const mathTutor = new ChatClientAgent(client, MATH, "math_tutor", "Specialist agent for math questions");
  const triageAgent = new ChatClientAgent(client, TRIAGE, "triage_agent", "Routes messages to the appropriate specialist agent");
  return { historyTutor, mathTutor, triageAgent };
}

export function seedBuilder(client: ChatClient): HandoffWorkflowBuilder {
  const { historyTutor, mathTutor, triageAgent } = seedAgents(client);
  return AgentWorkflowBuilder.startHandoffWith(triageAgent)
    .withHandoff(triageAgent, [mathTutor, historyTutor])
    .withHandoff(mathTutor, triageAgent)
    .withHandoff(historyTutor, triageAgent);
}

/** Which seed agent a request was sent to, read from its system prompt. */
export function agentOf(system: string): string {
  if (system.startsWith(TRIAGE)) return "triage_agent";
  if (system.startsWith(MATH)) return "math_tutor";
  if (system.startsWith(HISTORY)) return "history_tutor";
  return "unknown";
}
