// The order race: an answer flagged while its post waits behind another (or between two attempts) is posted as the
// notice, because each delivery attempt reads the outbox row again and the flag rewrote it.

import pino from "pino";
import { describe, expect, it } from "vitest";
import type { OutboundReply } from "../../src/bot/ports.js";
import { ReplyDelivery } from "../../src/bot/reply-delivery.js";
import { FlagStore } from "../../src/store/flag-store.js";
import { SqliteStorePort } from "../../src/store/sqlite-store-port.js";
import { RecordingPort } from "../support/recording-port.js";
import { tempStore, thread } from "../store/temp-database.js";

const NOTICE = "This answer was withheld.";

/** Holds its first delivery until released. */
class HeldPort extends RecordingPort {
  release!: () => void;
  readonly arrived: Promise<void>;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));
  private signal!: () => void;
  private first = true;
  constructor() {
    super("discord");
    this.arrived = new Promise((resolve) => (this.signal = resolve));
  }
  override async deliver(reply: OutboundReply): Promise<string> {
    if (this.first) {
      this.first = false;
      this.signal();
      await this.gate;
    }
    return super.deliver(reply);
  }
}

function setup() {
  const t = tempStore();
  const logger = pino({ level: "silent" });
  const flags = new FlagStore(t.db, () => t.clock.now);
  const conversation = t.store.getOrCreateConversation(thread("a"));
  const delivery = new ReplyDelivery({
    store: new SqliteStorePort({ db: t.db, logger, now: () => t.clock.now }),
    logger,
    presentation: (name) => ({ name, displayName: name }),
    maxAttempts: 5,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  const reply = (text: string) => {
    const { message, outboxId } = t.store.appendAgentReply(conversation.id, {
      message: { role: "assistant", text, authorAgent: "history_tutor" },
      reply: { agentName: "history_tutor", text },
    });
    const row = { id: outboxId!, conversationId: conversation.id, key: conversation.key, agentName: "history_tutor", text, kind: "agent" as const };
    return { messageId: message.id, row };
  };
  const withhold = (answer: { messageId: number; row: { id: number; text: string } }) =>
    flags.withhold(
      { conversationId: conversation.id, messageId: answer.messageId, source: "output", categories: { violence: 0.9 }, severity: "alert", text: answer.row.text },
      { outboxId: answer.row.id, notice: NOTICE },
    );
  return { ...t, flags, conversation, delivery, reply, withhold };
}

describe("an answer flagged before its post went out", () => {
  it("queued behind another reply: posted as the notice, never as the answer", async () => {
    const { delivery, reply, withhold, conversation, flags } = setup();
    const port = new HeldPort();
    delivery.registerPort(port);
    const narration = reply("Let me hand this to the history tutor.");
    const answer = reply("The gory answer.");
    void delivery.enqueue(narration.row);
    void delivery.enqueue(answer.row);
    await port.arrived;
    const flagId = withhold(answer);
    port.release();
    await delivery.settled(conversation.id);
    expect(port.attempts.map((r) => r.text)).toEqual(["Let me hand this to the history tutor.", NOTICE]);
    // Still owed: the notice's message is edited once the replacement runs (it may have been posted as the answer elsewhere).
    expect(flags.pendingReplacement(flagId)).toMatchObject({ outboxStatus: "sent", platformMessageId: "discord-msg-2" });
  });

  it("flagged between two attempts of its own post: the retry carries the notice", async () => {
    const { delivery, reply, withhold, conversation } = setup();
    const port = new RecordingPort("discord");
    delivery.registerPort(port);
    const answer = reply("The gory answer.");
    port.failNext = 1;
    const original = port.deliver.bind(port);
    port.deliver = async (r) => {
      // The first attempt fails; the flag lands before the retry.
      if (port.attempts.length === 0) withhold(answer);
      return original(r);
    };
    await delivery.enqueue(answer.row);
    await delivery.settled(conversation.id);
    expect(port.attempts.map((r) => r.text)).toEqual(["The gory answer.", NOTICE]);
    expect(port.delivered.map((r) => r.text)).toEqual([NOTICE]);
  });
});
