// A received Discord event stored by the version before the inbound envelope is read as the envelope's stored form,
// keeping the steps it had recorded (the posted /ask question, the thread opened), so a restart does not redo them.

import { describe, expect, it } from "vitest";
import { reviveOlderDiscordEvent } from "../../../src/platforms/discord/older-received.js";

const ref = (channel: string, thread: string) => ({ platform: "discord", workspace: "G1", channel, thread });
const who = { guildId: "G1", userId: "U1", userName: "Ada" };

describe("reviveOlderDiscordEvent", () => {
  it("keeps an /ask's posted question and opened thread", () => {
    const posted = { kind: "ask", ...who, channelId: "C1", question: "Who was <@2>?", text: "Who was @Bo?", postedMessageId: "M1" };
    expect(reviveOlderDiscordEvent({ eventId: "I1", payload: posted })).toEqual({
      inbound: { platform: "discord", workspace: "G1", eventId: "I1", user: { id: "U1", name: "Ada" }, text: "Who was @Bo?", detail: { kind: "ask", channelId: "C1", question: "Who was <@2>?" } },
      opening: { postedMessageId: "M1" },
    });
    const opened = reviveOlderDiscordEvent({ eventId: "I1", payload: { ...posted, threadId: "T1" } });
    expect(opened?.thread).toEqual(ref("C1", "T1"));
    const continuing = reviveOlderDiscordEvent({ eventId: "I2", payload: { ...posted, channelId: "T9", continuingParentId: "C1" } });
    expect(continuing).toMatchObject({ inbound: { thread: ref("C1", "T9"), onlyInConversation: true, detail: { continuing: true } }, thread: ref("C1", "T9") });
  });

  it("keeps a message's decision: a follow-up answered only in a conversation's thread, a new question's opened thread", () => {
    const followUp = { kind: "message", decision: "follow_up", ...who, channelId: "T1", parentId: "C1", messageId: "M2", text: "and 3+3?" };
    expect(reviveOlderDiscordEvent({ eventId: "M2", payload: followUp })).toMatchObject({
      inbound: { thread: ref("C1", "T1"), onlyInConversation: true, platformMessageId: "M2", detail: { kind: "message", decision: "follow_up", channelId: "T1" } },
    });
    // A thread not cached on arrival: its parent is learnt by the envelope's opensConversation.
    expect(reviveOlderDiscordEvent({ eventId: "M2", payload: { ...followUp, parentId: null } })?.inbound.thread).toBeUndefined();
    const question = { kind: "message", decision: "new_question", ...who, channelId: "C1", parentId: null, messageId: "M3", text: "What is 2+2?", threadId: "M3" };
    expect(reviveOlderDiscordEvent({ eventId: "M3", payload: question })?.thread).toEqual(ref("C1", "M3"));
    expect(reviveOlderDiscordEvent({ eventId: "x", payload: { kind: "reaction", ...who, channelId: "C1", text: "" } })).toBeUndefined();
  });
});
