// Persists inbound events on arrival (through the store port) and hands the unfinished ones back to their adapters.

import type { Logger } from "pino";
import type { Receipt, ReceivedEvent, ReceivedEventFinisher, ReceiveOptions } from "./intake-ports.js";
import { isStoreBusy, type StorePort } from "./store-port.js";

export const SAVING_SLOWLY_NOTICE =
  "I'm having trouble saving messages right now. Yours is kept, and I'll answer it as soon as I can.";
export const NOT_SAVED_NOTICE = "Sorry, I couldn't save your message because my database was unavailable. Please send it again.";

export interface ReceivedIntakeOptions {
  readonly store: StorePort;
  readonly logger: Logger;
  /** A student whose event is still not saved after this long is told it is kept (see WriteGate). */
  readonly slowAfterMs: number;
}

export class ReceivedIntake {
  private readonly finishers = new Map<string, ReceivedEventFinisher>();
  /**
   * Events received by this process before recover() ran: their adapter is finishing them already, so recovery must
   * not finish them a second time (that would redo the network steps: a second thread, a second posted question).
   */
  private receivedLive: Set<number> | undefined = new Set();

  constructor(private readonly options: ReceivedIntakeOptions) {}

  async receive(event: ReceivedEvent, options: ReceiveOptions = {}): Promise<Receipt | undefined> {
    const received = await this.receiveEvent(event, options);
    return typeof received === "string" ? undefined : received;
  }

  /** As receive, telling a duplicate from an event that could not be saved (the student has been told). */
  async receiveEvent(event: ReceivedEvent, options: ReceiveOptions = {}): Promise<Receipt | "duplicate" | "not_saved"> {
    const { store, logger, slowAfterMs } = this.options;
    const tell = (text: string): void => {
      void options.tellStudent?.(text).catch((error: unknown) => logger.warn({ err: error, platform: event.platform }, "could not tell a student their message is delayed"));
    };
    try {
      const id = await store.transaction((tx) => tx.intake.receive(event), { slowAfterMs, onSlow: () => tell(SAVING_SLOWLY_NOTICE) });
      if (id !== undefined) this.receivedLive?.add(id);
      return id === undefined ? "duplicate" : { ...event, receiptId: id };
    } catch (error) {
      if (!isStoreBusy(error)) throw error;
      logger.error({ platform: event.platform, eventId: event.eventId }, "a received event could not be saved: the database stayed locked");
      tell(NOT_SAVED_NOTICE);
      return "not_saved";
    }
  }

  async update(receipt: Receipt, payload: unknown): Promise<Receipt> {
    await this.options.store.intake.updateReceived(receipt.receiptId, payload);
    return { ...receipt, payload };
  }

  async drop(receipt: Receipt): Promise<void> {
    await this.options.store.intake.dropReceived(receipt.receiptId);
  }

  register(platform: string, finish: ReceivedEventFinisher): void {
    this.finishers.set(platform, finish);
  }

  /** Starts the finisher of every waiting event whose platform `wanted` accepts; returns their work. */
  async recover(wanted: (platform: string) => boolean): Promise<Array<Promise<void>>> {
    const work: Array<Promise<void>> = [];
    const rows = await this.options.store.intake.received();
    // Taken after the read: an event this process received meanwhile is in one or the other, never finished twice.
    const live = this.receivedLive ?? new Set<number>();
    this.receivedLive = undefined;
    for (const row of rows) {
      const finish = this.finishers.get(row.platform);
      if (finish === undefined || !wanted(row.platform) || live.has(row.id)) continue;
      const receipt: Receipt = { platform: row.platform, workspace: row.workspace, eventId: row.eventId, userId: row.userId, payload: row.payload, receiptId: row.id };
      work.push(
        finish(receipt).catch((error: unknown) => {
          this.options.logger.error({ err: error, platform: row.platform, receiptId: row.id }, "could not finish a received event");
        }),
      );
    }
    return work;
  }
}
