// toChatMessage / fromChatMessage: messages kept through the store port become the engine's ChatMessage and back without losing attribution.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromChatMessage, toChatMessage } from "../../src/bot/message-mapping.js";
import { openDatabase } from "../../src/store/database.js";
import { SqliteStorePort } from "../../src/store/sqlite-store-port.js";
import { ChatMessage } from "../../src/workflow/messages.js";
import { closeAfterTest, tempDir, thread } from "../store/temp-database.js";

function tempPort(): { port: SqliteStorePort; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  const db = closeAfterTest(openDatabase(join(tempDir(), "baton.db")));
  return { port: new SqliteStorePort({ db, now: () => clock.now }), clock };
}

describe("toChatMessage", () => {
  it("attributes user messages to the student and agent messages to the agent", async () => {
    const { port, clock } = tempPort();
    const id = (await port.conversations.getOrCreate(thread("t"))).id;
    const user = await port.messages.appendStudent(id, { userId: "u1", userName: "Ada", text: "2+2?" });
    const call = { id: "c1", name: "handoff_to_math_tutor", arguments: "{}" };
    const [assistant, tool] = await port.messages.append(id, [
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

  it("shows a teacher's message in a handed-over thread as the human participant's", async () => {
    const { port } = tempPort();
    const id = (await port.conversations.getOrCreate(thread("t"))).id;
    const [held] = await port.messages.append(id, [{ role: "user", text: "Try factoring.", authorAgent: "teacher", userName: "Ms Smith", userId: "m1" }]);
    expect(toChatMessage(held!).text).toBe("Teacher (Ms Smith): Try factoring.");
  });
});

describe("fromChatMessage", () => {
  it("round-trips the engine's messages through the store", async () => {
    const { port } = tempPort();
    const id = (await port.conversations.getOrCreate(thread("t"))).id;
    const produced = [
      new ChatMessage("assistant", "Rome fell in 476.", { authorName: "history_tutor", usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }),
      new ChatMessage("tool", "done", { authorName: "history_tutor", toolCallId: "c9" }),
      new ChatMessage("user", "thanks", { authorName: "Ada", userId: "u1" }),
    ];
    const stored = await port.messages.append(id, produced.map(fromChatMessage));
    expect(stored[0]).toMatchObject({ authorAgent: "history_tutor", userName: undefined });
    expect(stored[2]).toMatchObject({ userName: "Ada", userId: "u1", authorAgent: undefined, turnStatus: undefined });
    const back = (await port.messages.window(id, { maxMessages: 10, maxTokens: 1_000 })).map(toChatMessage);
    const shape = ({ role, text, authorName, userId, toolCallId, usage }: ChatMessage) => ({ role, text, authorName, userId, toolCallId, usage });
    expect(back.map(shape)).toEqual(produced.map(shape));
  });
});
