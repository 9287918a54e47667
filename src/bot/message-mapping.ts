// The engine's ChatMessage and the store port's history messages, both ways: the store keeps rows, the bot makes messages.

import { ChatMessage } from "../workflow/messages.js";
import type { ChatMessageInit } from "../workflow/messages.js";
import type { HistoryMessageDraft, WindowMessage } from "./store-records.js";

/** The engine's view of a stored message: authorName is the agent (assistant/tool) or the student's name (user). */
export function toChatMessage(stored: WindowMessage): ChatMessage {
  const init: ChatMessageInit = { createdAt: stored.createdAt };
  const authorName = stored.role === "user" ? stored.userName : stored.authorAgent;
  if (authorName !== undefined) init.authorName = authorName;
  if (stored.userId !== undefined) init.userId = stored.userId;
  if (stored.toolCalls !== undefined) init.toolCalls = stored.toolCalls;
  if (stored.toolCallId !== undefined) init.toolCallId = stored.toolCallId;
  if (stored.usage !== undefined) init.usage = stored.usage;
  return new ChatMessage(stored.role, stored.role === "user" && stored.authorAgent !== undefined ? humanTurnText(stored) : stored.text, init);
}

/**
 * A moderator's message in a thread handed to a human participant (a user message with the human's name as its
 * author): the model reads who wrote it, e.g. "Teacher (Ms Smith): …".
 */
function humanTurnText(stored: WindowMessage): string {
  const human = stored.authorAgent!;
  const label = `${human.charAt(0).toUpperCase()}${human.slice(1)}`;
  return `${label} (${stored.userName ?? "moderator"}): ${stored.text}`;
}

/** The inverse of toChatMessage, for appending what the engine produced (an agent step's message, tool results). */
export function fromChatMessage(message: ChatMessage): HistoryMessageDraft {
  const isUser = message.role === "user";
  return {
    role: message.role,
    text: message.text,
    ...(message.authorName !== undefined && (isUser ? { userName: message.authorName } : { authorAgent: message.authorName })),
    ...(message.userId !== undefined && { userId: message.userId }),
    ...(message.toolCalls !== undefined && { toolCalls: message.toolCalls }),
    ...(message.toolCallId !== undefined && { toolCallId: message.toolCallId }),
    ...(message.usage !== undefined && { usage: message.usage }),
  };
}
