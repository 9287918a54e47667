// A received event as the service persists it on arrival (an envelope's stored form), before any network wait.

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

/** Finishes a received event left from before a restart: the same network steps as live (the envelope its port revives). */
export type ReceivedEventFinisher = (receipt: Receipt) => Promise<void>;
