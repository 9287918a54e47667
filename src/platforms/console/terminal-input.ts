// Reading the student's questions on a terminal: readline's line editing and history at the prompt, Ctrl-C and Ctrl-D
// while an answer is written.

import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { HISTORY_SIZE, type InputHistory } from "./input-history.js";

/** A terminal's input stream (process.stdin on a TTY). */
export interface TerminalInput extends Readable {
  setRawMode?(mode: boolean): unknown;
}

export type PromptAnswer = { readonly kind: "line"; readonly text: string } | { readonly kind: "exit" };

/**
 * One prompt: a line, or exit on Ctrl-D or on Ctrl-C at an empty line (Ctrl-C with text clears the line). Each prompt
 * opens its own readline interface and closes it, so that nothing echoes the keys typed while an answer is written.
 */
export function askQuestion(options: {
  input: TerminalInput;
  output: Writable;
  prompt: string;
  history: InputHistory;
  /** One line typed while the last answer was written: shown after the prompt (and entered, if it ends with Enter). */
  typedAhead?: string;
}): Promise<PromptAnswer> {
  const { input, output, history } = options;
  return new Promise((resolve) => {
    const rl = createInterface({
      input,
      output,
      terminal: true,
      prompt: options.prompt,
      history: history.entries(),
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      crlfDelay: Infinity,
    });
    let settled = false;
    const finish = (answer: PromptAnswer): void => {
      if (settled) return;
      settled = true;
      // Not removeAllListeners(): readline detaches itself from the input on its own "close" event.
      rl.close();
      resolve(answer);
    };
    rl.on("history", (entries: string[]) => history.update(entries));
    rl.on("line", (text: string) => finish({ kind: "line", text }));
    rl.on("SIGINT", () => {
      if (rl.line === "") {
        output.write("\n");
        finish({ kind: "exit" });
        return;
      }
      // Clear what was typed, as shells do: to the end of the line, then everything before the cursor.
      rl.write(null, { ctrl: true, name: "e" });
      rl.write(null, { ctrl: true, name: "u" });
    });
    // Ctrl-D on an empty line, or the terminal went away.
    rl.on("close", () => {
      if (settled) return;
      output.write("\n");
      finish({ kind: "exit" });
    });
    rl.prompt();
    if (options.typedAhead) rl.write(options.typedAhead);
  });
}

export type TurnKey = "interrupt" | "end";

/** Escape sequences (arrows, function keys) typed during an answer: not part of the next question. */
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/gu;

/**
 * While an answer is written: the keys are read raw and not echoed; Ctrl-C (`interrupt`) and Ctrl-D (`end`) are
 * reported. What is typed meanwhile (after `carried`, typed during an earlier answer) is kept for the next prompts,
 * each Enter ending a line; Ctrl-C throws it away, as it clears a prompt's line. `stop()` ends the watch and returns it.
 */
export function watchTurnKeys(input: TerminalInput, onKey: (key: TurnKey) => void, carried = ""): { stop(): string } {
  let ahead = carried;
  const onData = (data: Buffer | string): void => {
    const text = (typeof data === "string" ? data : data.toString("utf8")).replace(ESCAPE_SEQUENCE, "");
    for (const char of text) {
      if (char === "\u0003") {
        ahead = "";
        onKey("interrupt");
      } else if (char === "\u0004") onKey("end");
      else if (char === "\r" || char === "\n") ahead = /[^\r]$/.test(ahead) ? `${ahead}\r` : ahead;
      else if (char === "\u007f" || char === "\b") ahead = ahead.endsWith("\r") ? ahead : [...ahead].slice(0, -1).join("");
      else if (char === "\u0015") ahead = ahead.slice(0, ahead.lastIndexOf("\r") + 1);
      else if (char >= " ") ahead += char;
    }
  };
  input.setRawMode?.(true);
  input.on("data", onData);
  input.resume();
  return {
    stop: () => {
      input.off("data", onData);
      input.pause();
      input.setRawMode?.(false);
      return ahead;
    },
  };
}

/** The first line typed ahead (with its Enter, if it has one) for the next prompt, and the rest for the ones after. */
export function nextTypedLine(typedAhead: string): { line: string; rest: string } {
  const end = typedAhead.indexOf("\r");
  return end < 0 ? { line: typedAhead, rest: "" } : { line: typedAhead.slice(0, end + 1), rest: typedAhead.slice(end + 1) };
}
