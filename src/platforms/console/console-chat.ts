// The console chat: the seed's interactive loop (`Q: `, then `<agent>: <text>` lines) on top of the ConversationService.

import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ConversationService } from "../../bot/conversation-service.js";
import type { OutboundReply, PlatformPort, ThreadRef } from "../../bot/ports.js";

export interface ConsoleChatOptions {
  readonly service: ConversationService;
  readonly input: Readable;
  readonly output: Writable;
  /** The conversation to continue; each name is one conversation, kept across runs. */
  readonly thread: string;
  readonly user?: { id: string; name: string };
  readonly color: boolean;
  /** Write each question after `Q: ` (when the input is a pipe, nothing else shows it). */
  readonly echo: boolean;
}

const CYAN = "\u001b[36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** Prints replies; text already streamed as deltas is not printed twice, only its line is ended. */
export class ConsolePort implements PlatformPort {
  readonly platform = "console";
  private streaming: { agent: string; text: string } | undefined;

  constructor(
    private readonly output: Writable,
    private readonly color: boolean,
  ) {}

  onDelta(agent: string, delta: string): void {
    if (this.streaming === undefined || this.streaming.agent !== agent) {
      this.endStream();
      this.output.write(`${this.label(agent)}: `);
      this.streaming = { agent, text: "" };
    }
    this.streaming.text += delta;
    this.output.write(delta);
  }

  async deliver(reply: OutboundReply): Promise<string> {
    const streamed = this.streaming?.agent === reply.agent.name && this.streaming.text.trim() === reply.text;
    if (streamed) {
      this.output.write("\n");
      this.streaming = undefined;
    } else {
      this.endStream();
      this.output.write(`${this.label(reply.agent.name)}: ${reply.text}\n`);
    }
    return `console-${reply.replyId}`;
  }

  /** Text that streamed but was never delivered as a reply (e.g. a handoff with no words) still ends its line. */
  endStream(): void {
    if (this.streaming !== undefined) this.output.write("\n");
    this.streaming = undefined;
  }

  private label(agent: string): string {
    return this.color ? `${BOLD}${CYAN}${agent}${RESET}` : agent;
  }
}

export function consoleThread(thread: string): ThreadRef {
  return { platform: "console", workspace: "local", channel: "console", thread };
}

/** Reads questions line by line until the input ends; resolves with the number of questions asked. */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<number> {
  const { service, output, thread } = options;
  const port = new ConsolePort(output, options.color);
  service.registerPort(port);
  const ref = consoleThread(thread);
  // Only this conversation's unfinished work: another console thread's waits for its own session.
  await service.recover(ref);
  const user = options.user ?? { id: "console-user", name: "student" };
  const lines = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  let asked = 0;
  const prompt = (): boolean => output.write(options.color ? `${BOLD}Q:${RESET} ` : "Q: ");
  prompt();
  for await (const line of lines) {
    if (options.echo) output.write(`${line}\n`);
    if (line.trim() !== "") {
      asked++;
      const outcome = await service.handle(
        { ...ref, eventId: `${thread}:${Date.now()}:${asked}`, user, text: line },
        { onDelta: (agent, delta) => port.onDelta(agent, delta) },
      );
      port.endStream();
      if (outcome.status === "duplicate") output.write("(already answered)\n");
    }
    prompt();
  }
  output.write("\n");
  return asked;
}
