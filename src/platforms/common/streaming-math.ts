// Text deltas shown as they arrive, with their math already readable: a delta is held back from an opening `$`,
// `\(`, `\[` or backtick until its line (or display block, or code fence) closes, then shown as Unicode.

import { streamingMathText } from "./tex/math-reply.js";

/** The end of the longest prefix of `text` that can be converted on its own (no math or code left open). */
function safeEnd(text: string): number {
  if (!/[$\\`]/.test(text)) return text.length;
  let safe = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    const prefix = text.slice(0, i + 1);
    const count = (token: string): number => prefix.split(token).length - 1;
    const balanced = count("$$") % 2 === 0 && count("\\[") === count("\\]") && count("\\(") === count("\\)") && count("```") % 2 === 0;
    if (balanced) safe = i + 1;
  }
  const rest = text.slice(safe).search(/[$\\`]/);
  return rest === -1 ? text.length : safe + rest;
}

export class StreamingMath {
  private held = "";

  /** What of the text so far can be shown now, in its Unicode form. */
  push(delta: string): string {
    const text = this.held + delta;
    const end = safeEnd(text);
    this.held = text.slice(end);
    return streamingMathText(text.slice(0, end));
  }

  /** The rest, as it stands (the reply ended, or its line must end now). */
  flush(): string {
    const rest = this.held;
    this.held = "";
    return streamingMathText(rest);
  }

  /** Forgets what is held (the model's step is asked again). */
  reset(): void {
    this.held = "";
  }
}
