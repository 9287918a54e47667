// What a Discord message means to the bot: the decision table, and the bot's mention removed from the text.

import { describe, expect, it } from "vitest";
import { decideInbound, withoutBotMention, type MessageFacts } from "../../../src/platforms/discord/inbound-message.js";

const facts = (overrides: Partial<MessageFacts> = {}): MessageFacts => ({
  authorIsBot: false,
  webhookId: null,
  system: false,
  inGuild: true,
  text: "What is 2+2?",
  attachmentCount: 0,
  readsAttachments: false,
  mentionsBot: false,
  inThread: false,
  inQuestionChannel: true,
  ...overrides,
});

describe("decideInbound", () => {
  it("opens a question for a mention in a question channel", () => {
    expect(decideInbound(facts({ mentionsBot: true }))).toEqual({ kind: "new_question" });
  });

  it("takes any message in a thread as a follow-up, mention or not (the service answers it only in a conversation's thread)", () => {
    expect(decideInbound(facts({ inThread: true, inQuestionChannel: false }))).toEqual({ kind: "follow_up" });
    expect(decideInbound(facts({ inThread: true, mentionsBot: true }))).toEqual({ kind: "follow_up" });
  });

  it("ignores messages not addressed to the bot", () => {
    expect(decideInbound(facts())).toEqual({ kind: "ignore", reason: "not_addressed" });
    expect(decideInbound(facts({ mentionsBot: true, inQuestionChannel: false }))).toEqual({ kind: "ignore", reason: "not_addressed" });
  });

  it("ignores webhooks (its own replies included), bots, system messages and direct messages before anything else", () => {
    expect(decideInbound(facts({ webhookId: "1", inThread: true }))).toEqual({ kind: "ignore", reason: "webhook" });
    expect(decideInbound(facts({ authorIsBot: true, inThread: true }))).toEqual({ kind: "ignore", reason: "bot" });
    expect(decideInbound(facts({ system: true, inThread: true }))).toEqual({ kind: "ignore", reason: "system" });
    expect(decideInbound(facts({ inGuild: false, inThread: true }))).toEqual({ kind: "ignore", reason: "direct_message" });
  });

  it("takes a message of only files as a question when the service reads files", () => {
    const reads = { text: "", attachmentCount: 1, readsAttachments: true };
    expect(decideInbound(facts({ ...reads, inThread: true }))).toEqual({ kind: "follow_up" });
    expect(decideInbound(facts({ ...reads, mentionsBot: true }))).toEqual({ kind: "new_question" });
    expect(decideInbound(facts(reads))).toEqual({ kind: "ignore", reason: "not_addressed" });
    expect(decideInbound(facts({ ...reads, attachmentCount: 0, mentionsBot: true }))).toEqual({ kind: "ignore", reason: "empty" });
  });

  it("ignores an empty message and answers an attachment-only mention with a notice when files are not read", () => {
    expect(decideInbound(facts({ text: "", inThread: true }))).toEqual({ kind: "ignore", reason: "empty" });
    // In a thread the notice waits for the service: only a conversation's thread gets it.
    expect(decideInbound(facts({ text: "", attachmentCount: 2, inThread: true }))).toEqual({ kind: "follow_up" });
    expect(decideInbound(facts({ text: "", attachmentCount: 1, mentionsBot: true }))).toEqual({ kind: "text_only_notice" });
    expect(decideInbound(facts({ text: "", attachmentCount: 1 }))).toEqual({ kind: "ignore", reason: "not_addressed" });
  });
});

describe("withoutBotMention", () => {
  it("removes both mention forms of the bot, and only the bot", () => {
    expect(withoutBotMention("<@42> what is 2+2?", "42")).toBe("what is 2+2?");
    expect(withoutBotMention("hey <@!42>, and <@7>?", "42")).toBe("hey  , and <@7>?");
    expect(withoutBotMention("<@42>", "42")).toBe("");
    expect(withoutBotMention("<@420> hi", "42")).toBe("<@420> hi");
  });
});
