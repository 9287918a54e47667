// The console chat on a terminal: prompt with line editing and history, answers rendered by TerminalPort, Ctrl-C stops
// the answer being written (a second Ctrl-C, or one at an empty prompt, leaves), Ctrl-D leaves.

import type { Writable } from "node:stream";
import type { ConversationService } from "../../bot/conversation-service.js";
import type { AcceptOutcome } from "../../bot/inbound-envelope.js";
import type { TurnControl } from "../../bot/turn-runner.js";
import { createPaint } from "./colours.js";
import { consoleThread } from "./console-thread.js";
import { InputHistory } from "./input-history.js";
import { askQuestion, nextTypedLine, watchTurnKeys, type TerminalInput, type TurnKey } from "./terminal-input.js";
import { TerminalPort, type TurnEnding } from "./terminal-port.js";

export interface TerminalChatOptions {
  readonly service: ConversationService;
  readonly input: TerminalInput;
  readonly output: Writable;
  readonly thread: string;
  readonly user: { id: string; name: string };
  readonly color: boolean;
  /** Where the question history is kept between sessions; without it, history lasts the session. */
  readonly historyPath?: string;
}

/** Resolves with the number of questions asked, when the student leaves. */
export async function runTerminalChat(options: TerminalChatOptions): Promise<number> {
  const { service, input, output, thread, user } = options;
  const agents = service.agents();
  const paint = createPaint({ enabled: options.color, agents: [...agents.keys()] });
  const port = new TerminalPort({ output, paint, agents });
  service.registerPort(port);
  const ref = consoleThread(thread);
  const history = new InputHistory(options.historyPath);
  const turns = new WatchedTurns(input, port);

  // Only this conversation's unfinished work: another console thread's waits for its own session.
  await turns.run(
    (control) => service.recover(ref, control),
    (recovered, cancelled) => (cancelled && recovered.turns + recovered.queued > 0 ? "cancelled" : "answered"),
  );
  let asked = 0;
  while (!turns.leaving) {
    const typed = nextTypedLine(turns.typedAhead);
    turns.typedAhead = typed.rest;
    const answer = await askQuestion({ input, output, prompt: `${paint.bold("Q:")} `, history, typedAhead: typed.line });
    if (answer.kind === "exit") break;
    if (answer.text.trim() === "") continue;
    asked++;
    const inbound = { platform: ref.platform, workspace: ref.workspace, thread: ref, eventId: `${thread}:${Date.now()}:${asked}`, user, text: answer.text };
    port.beginTurn();
    await turns.run(
      (control) => service.accept({ inbound, ...(control.observer === undefined ? {} : { observer: { turn: control.observer } }), ...(control.cancel === undefined ? {} : { cancel: control.cancel }) }),
      ending,
    );
  }
  return asked;
}

/**
 * Runs one turn (or the recovery) with its keys watched: the first Ctrl-C cancels it, a second one leaves at once
 * (the service's close() stops what is left); Ctrl-D leaves once the answer is written.
 */
class WatchedTurns {
  leaving = false;
  /** What was typed during the turns and not yet given to a prompt: the next questions, each ended by \r. */
  typedAhead = "";

  constructor(
    private readonly input: TerminalInput,
    private readonly port: TerminalPort,
  ) {}

  async run<T>(turn: (control: TurnControl) => Promise<T>, ending: (outcome: T, cancelled: boolean) => TurnEnding): Promise<void> {
    const cancel = new AbortController();
    let leaveNow!: () => void;
    const leave = new Promise<"left">((resolve) => (leaveNow = () => resolve("left")));
    const onKey = (key: TurnKey): void => {
      if (key === "end") this.leaving = true;
      else if (!cancel.signal.aborted) cancel.abort();
      else {
        this.leaving = true;
        leaveNow();
      }
    };
    const watch = watchTurnKeys(this.input, onKey, this.typedAhead);
    const running = turn({ observer: this.port, cancel: cancel.signal });
    // Left behind by a second Ctrl-C, its end (or failure) is the service's close()'s to wait for, not ours.
    running.catch(() => undefined);
    try {
      const outcome = await Promise.race([running, leave]);
      this.port.endTurn(outcome === "left" ? "cancelled" : ending(outcome, cancel.signal.aborted));
    } finally {
      this.typedAhead = watch.stop();
    }
  }
}

function ending(outcome: AcceptOutcome): TurnEnding {
  if (outcome.status === "failed" && outcome.errorCode === "cancelled") return "cancelled";
  return outcome.status === "duplicate" ? "already_answered" : "answered";
}
