// Socket Mode with the acknowledgement deferred until Bolt has processed the envelope (so a student's event is stored first).

import { defaultProcessEventErrorHandler, SocketModeReceiver, type App, type LogLevel, type Receiver, type ReceiverEvent } from "@slack/bolt";
import type { webApi } from "@slack/bolt";

/** Sent anyway this long after an envelope arrived, if the listeners have asked for it (Slack gives up after 3 s). */
export const SOCKET_ACK_CAP_MS = 2_000;

type AckPayload = Record<string, unknown>;

/** What @slack/socket-mode's SocketModeClient emits as `slack_event` for every envelope. */
interface SlackEventArgs {
  readonly ack: (response?: AckPayload) => Promise<void>;
  readonly body: Record<string, unknown>;
  readonly retry_num?: number;
  readonly retry_reason?: string;
}

export interface DeferredAckSocketModeReceiverOptions {
  readonly appToken: string;
  /** Bolt's logger (the Socket Mode client logs through it). */
  readonly boltLogger: NonNullable<ConstructorParameters<typeof SocketModeReceiver>[0]["logger"]>;
  readonly logLevel: LogLevel;
  /** The Web API options Bolt's own Socket Mode receiver would get (slackApiUrl, retries) for apps.connections.open. */
  readonly clientOptions: webApi.WebClientOptions;
  readonly ackCapMs?: number;
}

/**
 * Bolt acknowledges an Events API envelope before any listener runs, and its Socket Mode receiver sends that ack over
 * the socket at once: a crash before the listener stores the event loses it (Slack does not redeliver an acked
 * envelope). Here `ack(response)` only records the response; the real ack goes when Bolt's processing of the envelope
 * settles, or at the cap if the listeners asked for it by then (later asks are sent at once), exactly as Bolt's
 * receiver would on an error (the listener asked, or Bolt's error handler says so). The listeners return once a
 * student's event is stored (bolt-listeners.ts), as they do for the HTTP receiver's processBeforeResponse.
 *
 * It reuses Bolt's SocketModeReceiver for the connection (the same SocketModeClient, options and reconnects as
 * `socketMode: true`) and replaces only its per-envelope handler.
 */
export class DeferredAckSocketModeReceiver implements Receiver {
  readonly #inner: SocketModeReceiver;
  readonly #logger: DeferredAckSocketModeReceiverOptions["boltLogger"];
  readonly #capMs: number;
  #app: App | undefined;

  constructor(options: DeferredAckSocketModeReceiverOptions) {
    this.#logger = options.boltLogger;
    this.#capMs = options.ackCapMs ?? SOCKET_ACK_CAP_MS;
    this.#inner = new SocketModeReceiver({
      appToken: options.appToken,
      logger: options.boltLogger,
      logLevel: options.logLevel,
      installerOptions: { clientOptions: options.clientOptions },
    });
    this.#inner.client.removeAllListeners("slack_event");
    this.#inner.client.on("slack_event", (args: SlackEventArgs) => void this.#deliver(args));
  }

  init(app: App): void {
    this.#app = app;
    this.#inner.init(app);
  }

  start(): Promise<unknown> {
    return this.#inner.start();
  }

  stop(): Promise<unknown> {
    return this.#inner.stop();
  }

  async #deliver(args: SlackEventArgs): Promise<void> {
    const app = this.#app;
    if (app === undefined) return;
    let asked = false;
    let sent = false;
    let response: AckPayload | undefined;
    const send = async (): Promise<void> => {
      if (sent) return;
      sent = true;
      try {
        await args.ack(response);
      } catch (error) {
        this.#logger.error(`Socket Mode ack failed: ${String(error)}`);
      }
    };
    let passThrough = false;
    const event: ReceiverEvent = {
      body: args.body,
      ack: async (body?: AckPayload) => {
        if (asked) {
          this.#logger.warn("ack() has already been called. Additional calls will be ignored.");
          return;
        }
        asked = true;
        response = body;
        if (passThrough) await send();
      },
      ...(args.retry_num === undefined ? {} : { retryNum: args.retry_num }),
      ...(args.retry_reason === undefined ? {} : { retryReason: args.retry_reason }),
      customProperties: {},
    };

    let timer: NodeJS.Timeout | undefined;
    const capped = new Promise<"cap">((resolve) => (timer = setTimeout(() => resolve("cap"), this.#capMs)));
    const processed = app.processEvent(event).then(
      () => "done" as const,
      (error: unknown) => ({ error }),
    );
    const first = await Promise.race([processed, capped]);
    clearTimeout(timer);
    if (first === "cap") {
      // Still running: what was asked goes now, what is asked later goes at once.
      passThrough = true;
      if (asked) await send();
      const late = await processed;
      if (late !== "done") await this.#onError(late.error, event, asked, send);
      return;
    }
    if (first === "done") {
      if (asked) await send();
      return;
    }
    await this.#onError(first.error, event, asked, send);
  }

  /** As Bolt's receiver: an ack the listeners asked for was sent already; otherwise the error handler decides. */
  async #onError(error: unknown, event: ReceiverEvent, asked: boolean, send: () => Promise<void>): Promise<void> {
    const shouldAck = await defaultProcessEventErrorHandler({ error: error as Error, logger: this.#logger, event });
    if (asked || shouldAck) await send();
  }
}
