// Where a console conversation lives: one named thread of the local console.

import type { ThreadRef } from "../../bot/ports.js";

export function consoleThread(thread: string): ThreadRef {
  return { platform: "console", workspace: "local", channel: "console", thread };
}
