// The console chat: on a terminal, a REPL (terminal-chat.ts); from a pipe, the seed's plain loop (`Q: `, then
// `<agent>: <text>` lines) on top of the ConversationService.

import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ConversationService } from "../../bot/conversation-service.js";
import { ConsolePort } from "./console-port.js";
import { consoleThread } from "./console-thread.js";
import { runTerminalChat } from "./terminal-chat.js";
import type { TerminalInput } from "./terminal-input.js";

export { ConsolePort } from "./console-port.js";
export { consoleThread } from "./console-thread.js";

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
  /** Input and output are a terminal: line editing, history, spinner, Ctrl-C to stop an answer. */
  readonly terminal?: { readonly input: TerminalInput; readonly historyPath?: string };
}

const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** Reads questions until the input ends (or the student leaves); resolves with the number of questions asked. */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<number> {
  const user = options.user ?? { id: "console-user", name: "student" };
  const { terminal } = options;
  if (terminal !== undefined) {
    const { historyPath } = terminal;
    return runTerminalChat({ ...options, input: terminal.input, user, ...(historyPath === undefined ? {} : { historyPath }) });
  }
  return runPlainChat(options, user);
}

async function runPlainChat(options: ConsoleChatOptions, user: { id: string; name: string }): Promise<number> {
  const { service, output, thread } = options;
  const port = new ConsolePort(output, options.color);
  service.registerPort(port);
  const ref = consoleThread(thread);
  // Only this conversation's unfinished work: another console thread's waits for its own session.
  await service.recover(ref);
  const lines = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  let asked = 0;
  const prompt = (): boolean => output.write(options.color ? `${BOLD}Q:${RESET} ` : "Q: ");
  prompt();
  for await (const line of lines) {
    if (options.echo) output.write(`${line}\n`);
    if (line.trim() !== "") {
      asked++;
      // The replies stream through the port (openStream), as on the other platforms.
      const outcome = await service.accept({
        inbound: { platform: ref.platform, workspace: ref.workspace, thread: ref, eventId: `${thread}:${Date.now()}:${asked}`, user, text: line },
      });
      port.endTurn();
      if (outcome.status === "duplicate") output.write("(already answered)\n");
    }
    prompt();
  }
  output.write("\n");
  return asked;
}
