// The LLM adapters' public surface: the OpenAI/Azure adapter, the offline demo model, and the factory over settings.

export { createChatClient, type LlmSettings } from "./create-chat-client.js";
export { DemoChatClient } from "./demo-chat-client.js";
export { OpenAIChatClient, type OpenAIChatClientOptions } from "./openai-chat-client.js";
export { batonErrorFromOpenAI } from "./openai-errors.js";
export { createModerationClient } from "./create-moderation-client.js";
export { OpenAIModerationClient, DEFAULT_MODERATION_MODEL, type OpenAIModerationClientOptions } from "./openai-moderation.js";
