// Takes one inbound envelope from an adapter: stores the event before any network wait, runs the adapter's network
// steps after (recording their results), then hands the message to intake; the same path finishes it after a restart.

import type { Logger } from "pino";
import type { InboundAcceptance } from "./inbound-acceptance.js";
import type { AcceptOutcome, InboundEnvelope, OpenedThread, ReviveInbound, ReviveOlderReceived, StoredInbound } from "./inbound-envelope.js";
import type { Receipt } from "./intake-ports.js";
import type { AgentPresentation, InboundMessage, ThreadRef } from "./ports.js";
import type { ReceivedIntake } from "./received-intake.js";
import type { StorePort } from "./store-port.js";
import type { TurnControl, TurnObserver } from "./turn-runner.js";

export interface EnvelopeIntakeDeps {
  readonly store: StorePort;
  readonly intake: ReceivedIntake;
  readonly acceptance: InboundAcceptance;
  /** The person a thread waits for (an agent handed it over), or undefined when the agents answer there. */
  readonly waitingFor: (ref: ThreadRef) => Promise<string | undefined>;
  readonly logger: Logger;
}

/** The stored form's marker: tells an envelope's row from a row an older adapter wrote in its own format. */
const ENVELOPE_VERSION = 1;

interface StoredRow extends StoredInbound {
  readonly envelope: typeof ENVELOPE_VERSION;
}

/** Whether a received event's payload is an envelope's (finished here) rather than an adapter's own format. */
export function isStoredEnvelope(payload: unknown): payload is StoredRow {
  if (typeof payload !== "object" || payload === null) return false;
  const row = payload as Record<string, unknown>;
  return row.envelope === ENVELOPE_VERSION && typeof row.inbound === "object" && row.inbound !== null;
}

export class EnvelopeIntake {
  constructor(private readonly deps: EnvelopeIntakeDeps) {}

  async accept(envelope: InboundEnvelope): Promise<AcceptOutcome> {
    const { inbound, observer } = envelope;
    const { thread } = inbound;
    // A reply in a thread that is no conversation is none of the bot's business: nothing is stored.
    if (thread !== undefined && inbound.onlyInConversation === true && (await this.deps.store.conversations.find(thread)) === undefined) {
      return this.ended(envelope, { status: "ignored", reason: "not_a_conversation" }, { thread, storedNothing: true });
    }
    // Nothing waits on the network before the message is stored: intake stores it in one step, deduplicated there.
    if (thread !== undefined && envelope.opensConversation === undefined && inbound.lookups === undefined) {
      // Handed to intake in this tick, before anything is awaited: its write is queued in arrival order.
      const accepted = this.deps.acceptance.accept(this.messageOf(envelope, thread, {}), {
        control: this.controlOf(envelope, thread),
        ...(observer?.stored === undefined ? {} : { stored: observer.stored }),
      });
      // Busy around the turn here too, so every adapter hears the same thing whichever path its event takes.
      const busy = observer?.busyStart === undefined && observer?.busyEnd === undefined ? Promise.resolve(false) : this.showBusy(thread, envelope);
      let outcome: AcceptOutcome;
      try {
        outcome = await accepted;
      } finally {
        if (await busy) await observer?.busyEnd?.(thread);
      }
      return this.ended(envelope, outcome, { thread });
    }
    const { lookups: _lookups, attachments: _attachments, ...data } = inbound;
    const stored: StoredInbound = { inbound: data };
    const received = await this.deps.intake
      .receiveEvent(
        { platform: inbound.platform, workspace: inbound.workspace, eventId: inbound.eventId, userId: inbound.user.id, payload: rowOf(stored) },
        observer?.tellStudent === undefined ? {} : { tellStudent: observer.tellStudent },
      )
      .finally(() => observer?.stored?.());
    if (received === "duplicate") return this.ended(envelope, { status: "duplicate" }, { thread });
    if (received === "not_saved") return this.ended(envelope, { status: "failed", conversationId: 0, errorCode: "database_busy" }, { thread });
    return this.finish(received, stored, envelope);
  }

  /** Finishes an event stored before a restart, through the envelope its platform's port rebuilds from it. */
  async finishStored(receipt: Receipt, port: { readonly revive?: ReviveInbound; readonly reviveOlder?: ReviveOlderReceived } | undefined): Promise<void> {
    const row = isStoredEnvelope(receipt.payload) ? receipt.payload : undefined;
    // A row an earlier version wrote in the adapter's own format: the adapter reads it as an envelope's stored form.
    const stored: StoredInbound | undefined =
      row === undefined
        ? port?.reviveOlder?.({ eventId: receipt.eventId, payload: receipt.payload })
        : { inbound: row.inbound, ...(row.thread === undefined ? {} : { thread: row.thread }), ...(row.opening === undefined ? {} : { opening: row.opening }) };
    const envelope = stored === undefined ? undefined : port?.revive?.(stored);
    if (stored === undefined || envelope === undefined) {
      this.deps.logger.warn({ platform: receipt.platform, receiptId: receipt.receiptId }, "a received event its adapter cannot finish was dropped");
      await this.deps.intake.drop(receipt);
      return;
    }
    await this.finish(receipt, stored, envelope);
  }

  /** The adapter's network steps, each result stored as soon as it is known, then the message itself. */
  private async finish(receipt: Receipt, stored: StoredInbound, envelope: InboundEnvelope): Promise<AcceptOutcome> {
    const { inbound, observer, opensConversation } = envelope;
    let current = stored;
    let saved = receipt;
    const save = async (next: StoredInbound): Promise<void> => {
      current = next;
      saved = await this.deps.intake.update(saved, rowOf(next));
    };
    let thread: OpenedThread | undefined = current.thread ?? (opensConversation === undefined ? inbound.thread : undefined);
    if (thread === undefined && opensConversation !== undefined) {
      thread = await opensConversation({ recorded: current.opening, record: (opening) => save({ ...current, opening }) });
      // Remembered at once: a restart from here on continues in this thread instead of making another.
      if (thread !== undefined) await save({ ...current, thread });
    }
    if (thread === undefined) return this.dropped(saved, envelope, "no_thread", undefined);
    const { questionMessageId, ...ref } = thread;
    if (inbound.onlyInConversation === true) {
      if ((await this.deps.store.conversations.find(ref)) === undefined) return this.dropped(saved, envelope, "not_a_conversation", ref);
    } else {
      // A conversation from now on, before the slower steps: the student's next message in the thread counts at once.
      await this.deps.store.conversations.getOrCreate(ref);
    }
    // No "typing…" in a thread waiting for a person: the agents do not answer there.
    const waiting = (await this.deps.waitingFor(ref)) !== undefined;
    if (!waiting) observer?.busyStart?.(ref);
    let outcome: AcceptOutcome;
    try {
      const { lookups } = inbound;
      const name = (await lookups?.userName?.()) ?? inbound.user.name;
      const attachments = inbound.attachments ?? (await lookups?.attachments?.()) ?? [];
      const fromModerator = waiting && (await lookups?.isModerator?.(ref)) === true;
      const message = this.messageOf(envelope, ref, { name, attachments, fromModerator, ...(questionMessageId === undefined ? {} : { questionMessageId }) });
      outcome = await this.deps.acceptance.accept(message, { receipt: saved, control: this.controlOf(envelope, ref) });
    } finally {
      if (!waiting) await observer?.busyEnd?.(ref);
    }
    return this.ended(envelope, outcome, { thread: ref });
  }

  /** Starts the busy indicator unless the thread waits for a person; resolves whether it did. */
  private async showBusy(thread: ThreadRef, envelope: InboundEnvelope): Promise<boolean> {
    if ((await this.deps.waitingFor(thread)) !== undefined) return false;
    envelope.observer?.busyStart?.(thread);
    return true;
  }

  private messageOf(
    envelope: InboundEnvelope,
    thread: ThreadRef,
    found: { name?: string; attachments?: InboundMessage["attachments"]; fromModerator?: boolean; questionMessageId?: string },
  ): InboundMessage {
    const { inbound } = envelope;
    const attachments = found.attachments ?? inbound.attachments ?? [];
    return {
      platform: thread.platform,
      workspace: thread.workspace,
      channel: thread.channel,
      thread: thread.thread,
      eventId: inbound.eventId,
      user: { id: inbound.user.id, name: found.name ?? inbound.user.name },
      text: inbound.text,
      ...((inbound.platformMessageId ?? found.questionMessageId) === undefined ? {} : { platformMessageId: inbound.platformMessageId ?? found.questionMessageId }),
      ...(attachments.length === 0 ? {} : { attachments }),
      ...(found.fromModerator === true ? { fromModerator: true } : {}),
    };
  }

  private controlOf(envelope: InboundEnvelope, thread: ThreadRef): TurnControl {
    const working = envelope.observer?.working;
    const turn = working === undefined ? envelope.observer?.turn : alsoWorking(envelope.observer?.turn, (agent) => working(plainRef(thread), agent));
    return { ...(turn === undefined ? {} : { observer: turn }), ...(envelope.cancel === undefined ? {} : { cancel: envelope.cancel }) };
  }

  private async dropped(receipt: Receipt, envelope: InboundEnvelope, reason: "no_thread" | "not_a_conversation", thread: ThreadRef | undefined): Promise<AcceptOutcome> {
    this.deps.logger.info({ platform: receipt.platform, eventId: receipt.eventId, reason }, "a received event needs no answer");
    await this.deps.intake.drop(receipt);
    return this.ended(envelope, { status: "ignored", reason }, { thread });
  }

  /** Tells the observer how it ended (and, when nothing was stored, that the platform may be acknowledged). */
  private ended(envelope: InboundEnvelope, outcome: AcceptOutcome, at: { thread: ThreadRef | undefined; storedNothing?: boolean }): AcceptOutcome {
    if (at.storedNothing === true) envelope.observer?.stored?.();
    envelope.observer?.outcome?.(outcome, at.thread === undefined ? undefined : plainRef(at.thread));
    return outcome;
  }
}

/** The adapter's turn observer (kept as it is: it may be a class), with its working agent also told to `working`. */
function alsoWorking(turn: TurnObserver | undefined, working: (agent: AgentPresentation) => void): TurnObserver {
  if (turn === undefined) return { onWorking: working };
  return {
    onDelta: (agentName, delta) => turn.onDelta?.(agentName, delta),
    onRetry: (agentName) => turn.onRetry?.(agentName),
    onHandoff: (from, to) => turn.onHandoff?.(from, to),
    onResume: (question) => turn.onResume?.(question),
    onWorking: (agent) => {
      turn.onWorking?.(agent);
      working(agent);
    },
  };
}

function rowOf(stored: StoredInbound): StoredRow {
  return { envelope: ENVELOPE_VERSION, ...stored };
}

/** The thread alone (without what opensConversation noted about it). */
function plainRef(thread: OpenedThread): ThreadRef {
  return { platform: thread.platform, workspace: thread.workspace, channel: thread.channel, thread: thread.thread };
}
