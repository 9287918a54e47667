// The adapter contract's harness for the console: the plain chat (piped input, `<agent>: <text>` lines) on the real
// service; the student types a question and reads the output; crashes run `baton chat` (src/main.ts) as a child.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { streamingMathText } from "../../../src/platforms/common/tex/math-reply.js";
import { runConsoleChat } from "../../../src/platforms/console/console-chat.js";
import { startFakeOpenAI } from "../../support/fake-openai-server.js";
import { startServiceHarness } from "../../support/service-harness.js";
import { pollUntil, type AdapterApp, type AdapterHarness, type CrashableApp, type SeenMessage, type StudentThread } from "../adapter-harness.js";

const MAIN = new URL("../../../src/main.ts", import.meta.url).pathname;
const THREAD: StudentThread = { id: "contract" };
/** The plain chat labels each reply with its agent's name, as the seed printed them. */
const AGENTS = ["triage_agent", "math_tutor", "history_tutor", "teacher"];
const PROMPT = "Q: ";

/**
 * The replies in what the chat printed: a line starting with `<agent>: ` (after any prompts) opens one, the lines after
 * it continue it. A terminal shows no trailing blanks, nor ids: a reply's id is its position.
 */
export function repliesInOutput(output: string): SeenMessage[] {
  const replies: Array<{ author: string; lines: string[] }> = [];
  let current: { author: string; lines: string[] } | undefined;
  for (const raw of output.split("\n")) {
    let line = raw;
    while (line.startsWith(PROMPT)) line = line.slice(PROMPT.length);
    const author = AGENTS.find((agent) => line.startsWith(`${agent}: `));
    if (author !== undefined) {
      current = { author, lines: [line.slice(author.length + 2)] };
      replies.push(current);
    } else if (line.startsWith("(") && line.endsWith(")")) current = undefined; // "(already answered)"
    else if (raw.startsWith(PROMPT)) current = undefined;
    else current?.lines.push(line);
  }
  return replies.map((reply, index) => {
    const text = reply.lines.join("\n").trimEnd();
    return { id: `console-line-${index}`, author: reply.author, text, shown: [text] };
  });
}

async function startApp(): Promise<AdapterApp> {
  const service = await startServiceHarness();
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (data: Buffer) => (printed += data.toString("utf8")));
  const chat = runConsoleChat({ service: service.service, input, output, thread: THREAD.id, color: false, echo: false });
  const prompts = (): number => printed.split(PROMPT).length - 1;
  await pollUntil(() => prompts() >= 1);
  const typeLine = (text: string) => {
    const before = prompts();
    input.write(`${text}\n`);
    // The chat prompts again once the answer is written.
    return { thread: THREAD, answered: pollUntil(() => prompts() > before) };
  };
  return {
    model: service.fakeOpenAI,
    databasePath: service.databasePath,
    ask: async (text) => typeLine(text),
    followUp: async (_thread, text) => typeLine(text),
    replies: () => repliesInOutput(printed),
    waitUntil: (condition) => pollUntil(condition),
    // A terminal has no one to ping.
    pings: () => [],
    async close() {
      input.end();
      await chat;
      await service.close();
    },
  };
}

/** `baton chat --thread contract` with its stdin piped; resolves once it prompts (its earlier work done). */
async function startChat(env: Record<string, string>, printed: { text: string }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--thread", THREAD.id], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["pipe", "pipe", "ignore"],
  });
  const start = printed.text.length;
  child.stdout!.on("data", (data: Buffer) => (printed.text += data.toString("utf8")));
  await pollUntil(() => printed.text.slice(start).includes(PROMPT));
  return child;
}

async function startCrashableApp(): Promise<CrashableApp> {
  const model = await startFakeOpenAI();
  const dir = mkdtempSync(join(tmpdir(), "baton-contract-console-"));
  const env = { OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test", BATON_DB: join(dir, "baton.db") };
  // Both processes' output, as one terminal would show it.
  const printed = { text: "" };
  let child = await startChat(env, printed);
  const exited = (process: ChildProcess): Promise<void> =>
    process.exitCode !== null || process.signalCode !== null ? Promise.resolve() : new Promise((resolve) => process.once("exit", () => resolve()));
  return {
    model,
    databasePath: env.BATON_DB,
    async ask(text) {
      child.stdin!.write(`${text}\n`);
      return THREAD;
    },
    replies: () => repliesInOutput(printed.text),
    waitUntil: (condition) => pollUntil(condition),
    async crash() {
      child.kill("SIGKILL");
      await exited(child);
      // The killed process's last line stays unfinished; the next one starts below it.
      printed.text += "\n";
    },
    async restart() {
      child = await startChat(env, printed);
    },
    async close() {
      child.stdin!.end();
      await exited(child);
      await model.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const consoleHarness: AdapterHarness = {
  platform: "the console",
  capabilities: { editsInPlace: false, broadcastMentions: false, redelivery: false, editRateLimits: false },
  // Math as Unicode; everything else as written.
  rendered: (text) => streamingMathText(text),
  authorOf: (agentName) => agentName,
  start: startApp,
  startCrashable: startCrashableApp,
};
