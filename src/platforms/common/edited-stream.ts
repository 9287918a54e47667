// A ReplyStream made of edits: the text so far is rendered into pieces and the posted messages brought to them, paced
// by the edit throttle; a partial edit that fails is superseded by the next one; finish() always ends on the exact
// final text. Discord (webhook or bot messages) and Slack's fallback (chat.postMessage + chat.update) use it.

import type { Logger } from "pino";
import type { ReplyStream } from "../../bot/ports.js";
import type { PostedPieces } from "./posted-pieces.js";

export interface EditedStreamOptions {
  readonly pieces: PostedPieces;
  /** The pieces the text reads as: while streaming (`final` false: an open code block is shown closed) or finished. */
  readonly render: (text: string, final: boolean) => readonly string[];
  readonly logger: Logger;
  /** Turns a platform failure of the final edits into what delivery retries on (a DeliveryError). */
  readonly deliveryError: (error: unknown) => unknown;
  /** Called once the stream is finished or abandoned (the throttle forgets it). */
  readonly done?: () => void;
  /** Called when the stream ends: a partial edit still waiting for the throttle gives way to the final one at once. */
  readonly hurry?: () => void;
}

export class EditedStream implements ReplyStream {
  private text = "";
  private finalText: string | undefined;
  private abandoned = false;
  private wake: (() => void) | undefined;
  private readonly pumping: Promise<void>;

  constructor(private readonly options: EditedStreamOptions) {
    this.pumping = this.pump();
  }

  append(text: string): void {
    this.text += text;
    this.wake?.();
  }

  restart(): void {
    // The messages keep what they show until the new text's first words replace it (a message never goes blank).
    this.text = "";
    this.wake?.();
  }

  async finish(finalText: string): Promise<readonly string[]> {
    this.finalText = finalText;
    this.options.hurry?.();
    this.wake?.();
    await this.pumping;
    try {
      const pieces = this.options.render(finalText, true);
      await this.options.pieces.apply(() => pieces, true);
    } catch (error) {
      throw this.options.deliveryError(error);
    }
    this.options.done?.();
    return this.options.pieces.ids();
  }

  async abandon(): Promise<void> {
    this.abandoned = true;
    this.options.hurry?.();
    this.wake?.();
    await this.pumping;
    this.options.done?.();
    await this.options.pieces.removeAll();
  }

  private ended(): boolean {
    return this.finalText !== undefined || this.abandoned;
  }

  /** Shows the latest text, one paced call at a time, until the stream ends. */
  private async pump(): Promise<void> {
    let shown = "";
    for (;;) {
      if (this.text === shown && !this.ended()) await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (this.ended()) return;
      if (this.text.trim() === "") {
        shown = this.text;
        continue;
      }
      try {
        await this.options.pieces.apply(() => {
          // Ended while waiting for the throttle: the final edit goes instead.
          if (this.ended()) return [];
          shown = this.text;
          return this.options.render(shown, false);
        }, false);
      } catch (error) {
        // The next edit (or the final one) carries all of this text too.
        this.options.logger.debug({ err: error }, "a partial edit of a streamed reply failed; the next one supersedes it");
      }
    }
  }
}
