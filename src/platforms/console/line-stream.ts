// A streamed reply on a console: written on its own line as its words come; what a terminal cannot take back is
// printed again whole at the finish. Shared by the plain chat's ConsolePort and the terminal's TerminalPort.

import { randomUUID } from "node:crypto";
import type { ReplyStream, StreamListener } from "../../bot/ports.js";
import { StreamingMath } from "../common/streaming-math.js";

/** What a console port does for a line stream: open, write and end its line, and print a reply whole. */
export interface ConsoleLines {
  /** Whether the line open now is this stream's. */
  owns(owner: symbol): boolean;
  /** Starts the stream's line (the agent's label), ending any other. */
  openLine(owner: symbol, math: StreamingMath): void;
  /** Text of the open line (already through the streaming math). */
  write(text: string): void;
  /** The step is asked again: the words shown are void (the line is given up). */
  interrupted(): void;
  /** Ends the stream's line. */
  endLine(): void;
  printWhole(text: string): void;
  /** The turn failed before the reply was committed. */
  abandon(): void;
}

export function consoleLineStream(agent: string, listener: StreamListener, lines: ConsoleLines): ReplyStream {
  const owner = Symbol(agent);
  const id = `console-${randomUUID()}`;
  const math = new StreamingMath();
  let shown = "";
  let reported = false;
  return {
    append: (delta) => {
      if (!lines.owns(owner)) {
        // A line never starts with blanks.
        const text = shown === "" ? delta.trimStart() : delta;
        if (text === "") return;
        delta = text;
        lines.openLine(owner, math);
      }
      shown += delta;
      lines.write(math.push(delta));
      if (!reported) listener.onPieces([id]);
      reported = true;
    },
    restart: () => {
      if (lines.owns(owner)) lines.interrupted();
      math.reset();
      shown = "";
    },
    finish: async (finalText) => {
      if (lines.owns(owner)) lines.endLine();
      if (shown.trim() !== finalText) lines.printWhole(finalText);
      shown = finalText;
      return [id];
    },
    abandon: async () => {
      if (lines.owns(owner)) lines.abandon();
    },
  };
}
