// toChatMessage / fromChatMessage: stored messages become the engine's ChatMessage and back without losing attribution.

import { describe, expect, it } from "vitest";
import { fromChatMessage, toChatMessage } from "../../src/store/index.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import { tempStore, thread } from "./temp-database.js";

describe("toChatMessage", () => {
  it("attributes user messages to the student and agent messages to the agent", () => {
    const { store, clock } = tempStore();
    const id = store.getOrCreateConversation(thread("t")).id;
    const user = store.appendUserMessage(id, { userId: "u1", userName: "Ada", text: "2+2?" });
    const call = { id: "c1", name: "handoff_to_math_tutor", arguments: "{}" };
    const [assistant, tool] = store.appendMessages(id, [
      { role: "assistant", text: "", authorAgent: "triage_agent", toolCalls: [call], usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 } },
      { role: "tool", text: "ok", authorAgent: "triage_agent", toolCallId: "c1" },
    ]);

    const u = toChatMessage(user);
    expect(u).toBeInstanceOf(ChatMessage);
    expect(u).toMatchObject({ role: "user", text: "2+2?", authorName: "Ada", userId: "u1" });
    expect(u.createdAt.getTime()).toBe(clock.now);

    expect(toChatMessage(assistant!)).toMatchObject({ role: "assistant", authorName: "triage_agent", toolCalls: [call] });
    expect(toChatMessage(assistant!).usage).toEqual({ promptTokens: 5, completionTokens: 2, totalTokens: 7 });
    expect(toChatMessage(tool!)).toMatchObject({ role: "tool", authorName: "triage_agent", toolCallId: "c1" });
    expect(toChatMessage(tool!).userId).toBeUndefined();
  });
});

describe("fromChatMessage", () => {
  it("round-trips the engine's messages through the store", () => {
    const { store } = tempStore();
    const id = store.getOrCreateConversation(thread("t")).id;
    const produced = [
      new ChatMessage("assistant", "Rome fell in 476.", { authorName: "history_tutor", usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }),
      new ChatMessage("tool", "done", { authorName: "history_tutor", toolCallId: "c9" }),
      new ChatMessage("user", "thanks", { authorName: "Ada", userId: "u1" }),
    ];
    const stored = store.appendMessages(id, produced.map(fromChatMessage));
    expect(stored[0]).toMatchObject({ authorAgent: "history_tutor", userName: undefined });
    expect(stored[2]).toMatchObject({ userName: "Ada", userId: "u1", authorAgent: undefined, turnStatus: undefined });
    const back = store.loadWindow(id, { maxMessages: 10, maxTokens: 1_000 }).map(toChatMessage);
    expect(back.map(({ role, text, authorName, userId, toolCallId, usage }) => ({ role, text, authorName, userId, toolCallId, usage }))).toEqual(
      produced.map(({ role, text, authorName, userId, toolCallId, usage }) => ({ role, text, authorName, userId, toolCallId, usage })),
    );
  });
});
