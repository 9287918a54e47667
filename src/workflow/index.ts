// The handoff engine's public surface.

export { ChatClientAgent, type ChatClientAgentInit, type ChatClientAgentOptions, type FunctionTool, type AgentPresentationOptions } from "./agent.js";
export {
  AgentWorkflowBuilder,
  HandoffWorkflowBuilder,
  DEFAULT_HANDOFF_INSTRUCTIONS,
  DEFAULT_STOP_TEXTS,
  DEFAULT_CONTINUATION_PROMPT,
  DEFAULT_AUTONOMOUS_TURN_LIMIT,
} from "./builder.js";
export type { ChatClient, ChatRequest, ChatResponse, ChatStreamPart, ModelMessage, ToolDefinition } from "./chat-client.js";
export * from "./errors.js";
export * from "./events.js";
export { InProcessExecution, StreamingRun, TurnToken, type Run, type RunOptions, type WorkflowResult } from "./execution.js";
export { handoffFunctionName, HANDOFF_PREFIX } from "./handoff-tools.js";
export { HumanParticipant } from "./human.js";
export { ChatMessage, type ChatMessageInit, type ChatRole, type TokenUsage, type ToolCall } from "./messages.js";
export { DataContent, TextContent, UriContent, type AIContent } from "./contents.js";
export { answerToolCalls, chooseNextStep, type CallAnswer, type NextStep, type RetryReason, type StopCode } from "./next-step.js";
export type { AgentPlan, HandoffTarget } from "./plan.js";
export type { HumanInputRequest, TurnResult } from "./run-loop.js";
export {
  Workflow,
  type AutonomousModeOptions,
  type HandoffEdge,
  type StopTexts,
  type TerminationCondition,
  type TerminationContext,
  type ToolCallFiltering,
} from "./workflow.js";
