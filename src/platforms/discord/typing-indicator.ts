// Keeps "<bot> is typing…" visible in a thread while the agents work: Discord shows it ~10 s, so it is renewed.

import type { Logger } from "pino";

/** Discord's indicator lasts about 10 seconds; renewing a little earlier keeps it continuous. */
export const TYPING_RENEW_MS = 8_000;

export interface TypingTarget {
  readonly id: string;
  sendTyping(): Promise<void>;
}

/** Starts the indicator now and every `intervalMs`; returns the function that stops it. Failures are only logged. */
export function startTyping(target: TypingTarget, options: { readonly logger: Logger; readonly intervalMs?: number }): () => void {
  const send = () => {
    target.sendTyping().catch((error: unknown) => {
      options.logger.debug({ err: error, channelId: target.id }, "discord: typing indicator failed");
    });
  };
  send();
  const timer = setInterval(send, options.intervalMs ?? TYPING_RENEW_MS);
  timer.unref();
  return () => clearInterval(timer);
}
