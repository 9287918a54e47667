// Discord's busy signal: "<bot> is typing…" in a thread, shown by the common BusyIndicator and renewed (it fades in ~10 s).

import type { Client } from "discord.js";
import type { Logger } from "pino";
import type { ThreadRef } from "../../bot/ports.js";
import { BusyIndicator } from "../common/busy-indicator.js";

/** Discord's indicator lasts about 10 seconds; renewing a little earlier keeps it continuous. */
export const TYPING_RENEW_MS = 8_000;

export function discordTyping(client: Client<true>, logger: Logger, renewMs: number = TYPING_RENEW_MS): BusyIndicator<ThreadRef> {
  return new BusyIndicator<ThreadRef>({
    signal: {
      async show(ref) {
        // From the cache when it is there (the thread was just opened or written in); fetched otherwise.
        const channel = await client.channels.fetch(ref.thread);
        if (channel?.isThread() === true) await channel.sendTyping();
      },
    },
    key: (ref) => ref.thread,
    renewMs,
    logger,
    name: "discord typing indicator",
  });
}
