// An in-memory ConversationGateway for adapter tests: records what the adapter hands in and replies through its port.

import type { AcceptOutcome, InboundEnvelope, OpenedThread, StoredInbound } from "../../../src/bot/inbound-envelope.js";
import type { AgentPresentation, ConversationGateway, HandleOutcome, InboundMessage, PlatformPort, ThreadRef } from "../../../src/bot/ports.js";
import { FakeModeratorReads } from "../../support/fake-moderator-reads.js";

export const TEST_AGENTS: ReadonlyMap<string, AgentPresentation> = new Map([
  ["triage_agent", { name: "triage_agent", displayName: "Triage", emoji: ":compass:", avatarUrl: "https://img.test/triage.png" }],
  ["math_tutor", { name: "math_tutor", displayName: "Math Tutor", avatarUrl: "https://img.test/math.png" }],
]);

/** One of TEST_AGENTS by name (throws for a name it does not have). */
export function testAgent(name: string): AgentPresentation {
  const agent = TEST_AGENTS.get(name);
  if (agent === undefined) throw new Error(`no test agent ${name}`);
  return agent;
}

export interface ScriptedReply {
  readonly agent: string;
  readonly text: string;
}

const keyOf = (ref: ThreadRef): string => `${ref.platform}|${ref.workspace}|${ref.channel}|${ref.thread}`;

export class FakeGateway implements ConversationGateway {
  port: PlatformPort | undefined;
  readonly handled: InboundMessage[] = [];
  readonly opened: ThreadRef[] = [];
  readonly delivered: Array<{ replyId: number; ts: string }> = [];
  readonly deliveryErrors: unknown[] = [];
  /** The moderator reads the Slack bot gets beside this gateway (transcripts and listings are stored there). */
  readonly moderatorReads = new FakeModeratorReads();
  /** What the agents answer to each message. */
  script: (inbound: InboundMessage) => ScriptedReply[] = () => [{ agent: "triage_agent", text: "Hello!" }];
  /** While set, handle() waits for it before replying (a slow model). */
  stall: Promise<unknown> | undefined;
  readonly #handledWaiters: Array<{ count: number; resolve: () => void }> = [];
  readonly #conversations = new Set<string>();
  readonly #events = new Set<string>();
  #nextReply = 1;

  registerPort(port: PlatformPort): void {
    this.port = port;
  }


  /**
   * The service's accept, in memory and as strict: a reply outside a conversation is ignored unstored, the event is
   * stored before opensConversation or any lookup runs, a duplicate id is refused, busy brackets the turn.
   */
  async accept(envelope: InboundEnvelope): Promise<AcceptOutcome> {
    const { inbound, observer } = envelope;
    if (inbound.thread !== undefined && inbound.onlyInConversation === true && !this.hasConversation(inbound.thread)) {
      observer?.stored?.();
      return this.#ended(envelope, { status: "ignored", reason: "not_a_conversation" }, inbound.thread);
    }
    const duplicate = this.#events.has(inbound.eventId);
    this.#events.add(inbound.eventId);
    const { lookups: _lookups, attachments: _attachments, ...data } = inbound;
    if (!duplicate) this.stored.set(inbound.eventId, { inbound: data });
    observer?.stored?.();
    if (duplicate) return this.#ended(envelope, { status: "duplicate" }, inbound.thread);
    return this.finishEnvelope(inbound.eventId, envelope);
  }

  /** Events accepted and not yet answered or dropped, by event id, as the service would have stored them. */
  readonly stored = new Map<string, StoredInbound>();

  /** Finishes a stored event (as recovery does, through the port's revive when `envelope` is not given). */
  async finishEnvelope(eventId: string, given?: InboundEnvelope): Promise<AcceptOutcome> {
    let stored = this.stored.get(eventId);
    if (stored === undefined) throw new Error(`no stored event ${eventId}`);
    const envelope = given ?? this.port?.revive?.(stored);
    if (envelope === undefined) {
      this.stored.delete(eventId);
      return { status: "ignored", reason: "unreadable" };
    }
    const { inbound, observer, opensConversation } = envelope;
    let thread: OpenedThread | undefined = stored.thread ?? (opensConversation === undefined ? inbound.thread : undefined);
    if (thread === undefined && opensConversation !== undefined) {
      thread = await opensConversation({
        recorded: stored.opening,
        record: async (opening) => {
          stored = { ...stored!, opening };
          this.stored.set(eventId, stored);
        },
      });
      if (thread !== undefined) this.stored.set(eventId, (stored = { ...stored, thread }));
    }
    if (thread === undefined || (inbound.onlyInConversation === true && !this.hasConversation(thread))) {
      this.stored.delete(eventId);
      return this.#ended(envelope, { status: "ignored", reason: thread === undefined ? "no_thread" : "not_a_conversation" }, thread);
    }
    const { questionMessageId, ...ref } = thread;
    if (inbound.onlyInConversation !== true && !this.hasConversation(ref)) await this.openConversation(ref);
    observer?.busyStart?.(ref);
    try {
      const name = (await inbound.lookups?.userName?.()) ?? inbound.user.name;
      const attachments = inbound.attachments ?? (await inbound.lookups?.attachments?.()) ?? [];
      this.stored.delete(eventId);
      const platformMessageId = inbound.platformMessageId ?? questionMessageId;
      const outcome = await this.#answer({
        ...ref,
        eventId,
        user: { id: inbound.user.id, name },
        text: inbound.text,
        ...(platformMessageId === undefined ? {} : { platformMessageId }),
        ...(attachments.length === 0 ? {} : { attachments }),
      });
      return this.#ended(envelope, outcome, ref);
    } finally {
      await observer?.busyEnd?.(ref);
    }
  }

  #ended(envelope: InboundEnvelope, outcome: AcceptOutcome, thread?: ThreadRef): AcceptOutcome {
    envelope.observer?.outcome?.(outcome, thread === undefined ? undefined : { platform: thread.platform, workspace: thread.workspace, channel: thread.channel, thread: thread.thread });
    return outcome;
  }






  async #answer(inbound: InboundMessage): Promise<HandleOutcome> {
    this.handled.push(inbound);
    for (const waiter of this.#handledWaiters.filter((w) => this.handled.length >= w.count)) {
      this.#handledWaiters.splice(this.#handledWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    this.#conversations.add(keyOf(inbound));
    if (this.stall !== undefined) await this.stall;
    const replies = this.script(inbound);
    const port = this.port;
    if (port === undefined) throw new Error("the adapter registered no port");
    for (const reply of replies) {
      const replyId = this.#nextReply++;
      try {
        const ts = await port.deliver({
          platform: inbound.platform,
          workspace: inbound.workspace,
          channel: inbound.channel,
          thread: inbound.thread,
          replyId,
          conversationId: 1,
          agent: TEST_AGENTS.get(reply.agent) ?? { name: reply.agent, displayName: reply.agent },
          text: reply.text,
          kind: "agent",
        });
        this.delivered.push({ replyId, ts });
      } catch (error) {
        this.deliveryErrors.push(error);
      }
    }
    return { status: "completed", conversationId: 1, replies: replies.length };
  }

  /** Resolves once `count` messages have reached the agents (counting those already there). */
  waitForHandled(count: number): Promise<void> {
    if (this.handled.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#handledWaiters.push({ count, resolve }));
  }

  /** Whether the fake holds a conversation for the thread (a test seeds one with openConversation). */
  hasConversation(ref: ThreadRef): boolean {
    return this.#conversations.has(keyOf(ref));
  }

  async openConversation(ref: ThreadRef): Promise<void> {
    this.opened.push(ref);
    this.#conversations.add(keyOf(ref));
  }

  agents(): ReadonlyMap<string, AgentPresentation> {
    return TEST_AGENTS;
  }
}
