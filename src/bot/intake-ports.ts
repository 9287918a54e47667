// The intake half of the gateway: an adapter persists each inbound event on arrival, before any network wait.

import type { HandleOutcome, InboundMessage } from "./ports.js";

/** An inbound event as it arrived, before the adapter has done the network work that makes a message of it. */
export interface ReceivedEvent {
  readonly platform: string;
  /** Discord guild id, Slack team id. */
  readonly workspace: string;
  /** The platform's id of the event; a second event with the same id is a duplicate. */
  readonly eventId: string;
  readonly userId: string;
  /** The adapter's own JSON: everything it needs to finish the event, also in a new process after a crash. */
  readonly payload: unknown;
}

/** A received event, persisted. */
export interface Receipt extends ReceivedEvent {
  readonly receiptId: number;
}

export interface ReceiveOptions {
  /**
   * How to reach the student before a thread exists (a Slack ephemeral response, a Discord reply): used if the
   * database is locked so long that the event cannot be saved in time, and if it finally cannot be saved at all.
   */
  readonly tellStudent?: (text: string) => Promise<unknown>;
}

/** Finishes a received event left from before a restart: the same network steps as live, then handleReceived. */
export type ReceivedEventFinisher = (receipt: Receipt) => Promise<void>;

export interface IntakeGateway {
  /**
   * Persists the event (deduplicated by its event id) and resolves with its receipt, or undefined for a duplicate
   * (or, after telling the student, an event that could not be saved). Call it first, before any network wait.
   */
  receive(event: ReceivedEvent, options?: ReceiveOptions): Promise<Receipt | undefined>;
  /** Records what the adapter learnt while finishing (e.g. the thread it opened), so a restart does not redo it. */
  updateReceipt(receipt: Receipt, payload: unknown): Promise<Receipt>;
  /** The message the received event became: stored (or queued) in the transaction that removes the receipt. */
  handleReceived(receipt: Receipt, inbound: InboundMessage): Promise<HandleOutcome>;
  /** The event turned out to need no answer (or could not be finished): forget the receipt. */
  dropReceipt(receipt: Receipt): Promise<void>;
  /** How this platform finishes received events left from before a restart (called from recover()). */
  registerReceiver(platform: string, finish: ReceivedEventFinisher): void;
}
