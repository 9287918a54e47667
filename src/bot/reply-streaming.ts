// Drives a turn's replies as streams (ports.ts ReplyStream): each agent's message opens on its first words, grows with
// the model's deltas and is finished with the committed text; its pieces are recorded as soon as they are posted, so a
// crash mid-stream is finished on the same messages at the next start (never posted again).

import type { Logger } from "pino";
import type { AgentPresentation, OutboundReply, PlatformPort, ReplyStream } from "./ports.js";
import type { StorePort, StoreTransaction } from "./store-port.js";
import type { Conversation, EarlierStream, HistoryMessage } from "./store-records.js";

export interface TurnStreamsOptions {
  /** The conversation's platform port; without `openStream`, replies are delivered whole and this does nothing. */
  readonly port: PlatformPort | undefined;
  readonly store: StorePort;
  readonly logger: Logger;
  readonly conversation: Conversation;
  /** The student's message this turn answers. */
  readonly turnMessage: HistoryMessage;
  readonly presentation: (agentName: string) => AgentPresentation;
}

/** How delivery posts a committed reply that was streamed: by finishing its stream (or an earlier process's messages). */
export type StreamFinisher = (reply: OutboundReply) => Promise<string>;

interface LiveStream {
  readonly kind: "live";
  readonly agent: string;
  readonly stream: ReplyStream;
  rowId: number | undefined;
  outboxId: number | undefined;
  pieces: readonly string[];
  /** The stream row's writes, in order. */
  writes: Promise<void>;
}

interface ResumedStream {
  readonly kind: "resumed";
  readonly agent: string;
  readonly rowId: number;
  readonly pieces: readonly string[];
}

export class TurnStreams {
  private current: LiveStream | ResumedStream | undefined;
  /** The previous step's reply being finished: the next agent's message opens after it. */
  private finishing: Promise<void> | undefined;
  /** The agent whose message waits for `finishing` to open. */
  private opening: string | undefined;
  /** Leading whitespace of a step, held back: a message never opens empty. */
  private held = "";

  private constructor(
    private readonly options: TurnStreamsOptions,
    /** Streams an earlier attempt at this turn left unfinished: finished on the same messages. */
    private readonly uncommitted: EarlierStream[],
  ) {}

  static async start(options: TurnStreamsOptions): Promise<TurnStreams> {
    const { port, store, turnMessage } = options;
    return new TurnStreams(options, port?.resume === undefined ? [] : await store.streams.earlier(turnMessage.id));
  }

  /** Whether replies of this turn stream at all. */
  get streaming(): boolean {
    return this.options.port?.openStream !== undefined;
  }

  /** A text delta of `agent`'s step. */
  delta(agent: string, text: string): void {
    if (!this.streaming) return;
    if (this.current !== undefined && this.current.agent !== agent) void this.abandonCurrent();
    if (this.current === undefined) {
      // An earlier attempt at this turn died while this agent was writing: its messages are finished at the commit.
      const earlier = this.uncommitted.findIndex((stream) => stream.agentName === agent);
      if (earlier !== -1) {
        const [stream] = this.uncommitted.splice(earlier, 1);
        this.current = { kind: "resumed", agent, rowId: stream!.id, pieces: stream!.pieces };
        return;
      }
      this.held += text;
      if (this.held.trim() === "") return;
      if (this.finishing !== undefined) {
        // The previous agent's reply is still being finished: this one opens once it is, so the thread shows them in
        // order (its words so far are held and open it).
        this.openAfterFinish(agent, this.finishing);
        return;
      }
      text = this.held;
      this.held = "";
      this.current = this.open(agent);
    }
    if (this.current.kind === "live") this.current.stream.append(text);
  }

  /** `agent`'s step is asked of the model again: its live stream starts its text afresh, on the same messages. */
  restart(agent: string): void {
    if (!this.streaming) return;
    this.held = "";
    if (this.current?.agent === agent && this.current.kind === "live") this.current.stream.restart();
  }

  /** The step's stream rows are all written (called before the step's commit, so the commit can link them). */
  async settled(): Promise<void> {
    if (this.current?.kind === "live") await this.current.writes;
  }

  /** Inside the commit transaction of `agent`'s step whose reply is outbox row `outboxId` (undefined: it had no text). */
  async linkInTransaction(tx: StoreTransaction, agent: string, outboxId: number | undefined): Promise<void> {
    const current = this.current;
    if (current === undefined || current.agent !== agent || outboxId === undefined) return;
    if (current.rowId !== undefined) await tx.streams.link(current.rowId, outboxId, current.pieces[0]);
    // A first post still under way records the link itself when it lands.
    if (current.kind === "live") current.outboxId = outboxId;
  }

  /** After the commit: how delivery finishes the step's reply, or undefined when it was not streamed. */
  takeStep(agent: string, outboxId: number | undefined, text?: string): StreamFinisher | undefined {
    if (this.current === undefined && this.opening === agent && this.held.trim() !== "") {
      // Its whole step came while the previous reply was being finished: it streams all the same, opened now.
      const live = this.open(agent);
      live.stream.append(this.held);
      this.current = live;
    }
    const current = this.current;
    this.current = undefined;
    this.held = "";
    this.opening = undefined;
    if (current === undefined) return undefined;
    if (current.agent !== agent || outboxId === undefined) {
      if (current.kind === "live") void this.abandon(current);
      return undefined;
    }
    if (current.kind === "resumed") {
      const { port } = this.options;
      if (port?.resume === undefined) return undefined;
      return (reply) => port.resume!(reply, current.pieces);
    }
    // Finished at once with the committed text, before the next agent's words can open their message: the thread shows
    // this one done first. Delivery awaits it (a retry finishes again, with the row's text then).
    let started = text === undefined ? undefined : current.stream.finish(text, outboxId);
    if (started !== undefined) {
      const finishing = started.then(
        () => undefined,
        () => undefined,
      );
      this.finishing = finishing;
      void finishing.then(() => {
        if (this.finishing === finishing) this.finishing = undefined;
      });
    }
    return async (reply) => {
      const finishing = started ?? current.stream.finish(reply.text, reply.replyId);
      started = undefined;
      // The outbox id goes with the final text: messages posted before the commit get it (Slack's reply metadata).
      const ids = await finishing;
      await current.writes;
      const first = ids[0];
      if (first === undefined) throw new Error("the stream posted nothing");
      return first;
    };
  }

  private openAfterFinish(agent: string, finishing: Promise<void>): void {
    if (this.opening === agent) return;
    this.opening = agent;
    void finishing.then(() => {
      if (this.opening !== agent) return;
      this.opening = undefined;
      if (this.current !== undefined || this.held.trim() === "") return;
      const text = this.held;
      this.held = "";
      const live = this.open(agent);
      this.current = live;
      live.stream.append(text);
    });
  }

  /** The turn ended: a stream never committed (the model failed, the student cancelled) is abandoned. */
  async close(): Promise<void> {
    await this.abandonCurrent();
  }

  private async abandonCurrent(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    this.held = "";
    this.opening = undefined;
    if (current?.kind === "live") await this.abandon(current);
  }

  private async abandon(stream: LiveStream): Promise<void> {
    try {
      await stream.stream.abandon();
      await stream.writes;
    } catch (error) {
      this.options.logger.warn({ err: error, conversationId: this.options.conversation.id }, "could not withdraw an unfinished streamed reply");
    }
  }

  private open(agent: string): LiveStream {
    const { port, conversation, turnMessage, presentation, store, logger } = this.options;
    const live: LiveStream = {
      kind: "live",
      agent,
      // Replaced at once below; the listener needs the object first.
      stream: undefined as unknown as ReplyStream,
      rowId: undefined,
      outboxId: undefined,
      pieces: [],
      writes: Promise.resolve(),
    };
    // In a transaction of its own, reading the link when it runs: a step's commit in the same group sees the row id
    // (and links it), or this write sees the outbox id the commit left (and records it).
    const record = (): Promise<void> =>
      store.transaction(async (tx) => {
        const pieces = live.pieces;
        if (live.rowId === undefined) {
          live.rowId = await tx.streams.record({
            conversationId: conversation.id,
            turnMessageId: turnMessage.id,
            agentName: agent,
            pieces,
            ...(live.outboxId === undefined ? {} : { outboxId: live.outboxId }),
          });
        } else {
          await tx.streams.update(live.rowId, pieces, live.outboxId);
        }
      });
    const stream = port!.openStream!(
      {
        ...conversation.key,
        conversationId: conversation.id,
        agent: presentation(agent),
        ...(turnMessage.userId === undefined ? {} : { recipientUserId: turnMessage.userId }),
      },
      {
        onPieces: (ids) => {
          live.pieces = [...ids];
          live.writes = live.writes
            .then(record)
            .catch((error: unknown) => logger.error({ err: error, conversationId: conversation.id }, "could not record a streamed reply's messages"));
        },
      },
    );
    (live as { stream: ReplyStream }).stream = stream;
    return live;
  }
}
