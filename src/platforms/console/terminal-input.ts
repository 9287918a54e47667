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
export function askQuestion(options: { input: TerminalInput; output: Writable; prompt: string; history: InputHistory }): Promise<PromptAnswer> {
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
  });
}

export type TurnKey = "interrupt" | "end";

/**
 * While an answer is written: the keys are read raw and not echoed; Ctrl-C (`interrupt`) and Ctrl-D (`end`) are
 * reported, anything else is dropped. Returns the function that stops watching.
 */
export function watchTurnKeys(input: TerminalInput, onKey: (key: TurnKey) => void): () => void {
  const onData = (data: Buffer | string): void => {
    const text = typeof data === "string" ? data : data.toString("utf8");
    for (const char of text) {
      if (char === "\u0003") onKey("interrupt");
      else if (char === "\u0004") onKey("end");
    }
  };
  input.setRawMode?.(true);
  input.on("data", onData);
  input.resume();
  return () => {
    input.off("data", onData);
    input.pause();
    input.setRawMode?.(false);
  };
}
