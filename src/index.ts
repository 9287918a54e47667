// Baton's public library API: the handoff engine, the model adapters, and the pieces to run a durable bot.

export * from "./workflow/index.js";
export { OpenAIChatClient, DemoChatClient, createChatClient, type LlmSettings } from "./llm/index.js";
export { ConversationService, type ConversationServiceOptions, type ServiceLimits } from "./bot/conversation-service.js";
export type { TurnControl, TurnObserver } from "./bot/turn-runner.js";
export type * from "./bot/ports.js";
// What an adapter hands the service per inbound event: accept({ inbound, opensConversation?, observer? }).
export type * from "./bot/inbound-envelope.js";
export { createConversationApp, type ConversationApp, type ConversationAppOptions } from "./app/create-app.js";
export { loadRoster, parseRoster } from "./config/agents-file.js";
export { buildWorkflow } from "./app/workflow-from-roster.js";
