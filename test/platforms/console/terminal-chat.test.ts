// The console chat on a real pseudo-terminal: colours and display names, the handoff line, the spinner, history,
// Ctrl-C and Ctrl-D, resumed questions, no log lines and no rate limit.

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { lastUserText, startFakeOpenAI, type FakeOpenAI } from "../../support/fake-openai-server.js";
import { KEY, PtySession } from "../../support/pty-session.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { screenLines } from "../../support/terminal-screen.js";

let fake: FakeOpenAI | undefined;
let dir: string | undefined;
const sessions: PtySession[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) {
    session.kill();
    await session.exited;
  }
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string>): PtySession {
  const session = new PtySession(args, env);
  sessions.push(session);
  return session;
}

async function setUp(): Promise<{ fake: FakeOpenAI; env: Record<string, string> }> {
  fake = await startFakeOpenAI();
  fake.setResponder(seedResponder);
  dir = mkdtempSync(join(tmpdir(), "baton-terminal-"));
  return { fake, env: { OPENAI_BASE_URL: fake.url, BATON_DB: join(dir, "b.db") } };
}

/** Holds every math_tutor request until `release()`: the spinner shows meanwhile. */
function heldMathTutor(fake: FakeOpenAI): { release: () => void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  fake.setResponder((request) => (requestAgent(request) === "math_tutor" ? { ...seedResponder(request), stallUntil: held } : seedResponder(request)));
  return { release };
}

describe("console chat on a terminal", { timeout: 60_000 }, () => {
  it("shows each agent under its display name in its own colour, a handoff line, and a spinner that leaves no trace", async () => {
    const { fake: model, env } = await setUp();
    const math = heldMathTutor(model);
    const chat = start([], env);
    await chat.prompt();
    chat.type(`What is the derivative of x^2?${KEY.enter}`);
    await chat.waitFor(/Math Tutor is thinking…/);
    expect(chat.screen).toMatch(/Triage: This is a math question\. I'll hand this off to the math tutor\.\n→ Math Tutor\n/);
    math.release();
    const turn = await chat.waitFor(/Math Tutor: math_tutor on "What is the derivative of x\^2\?": here is the answer\.\nQ:$/);
    expect(turn).toContain("\u001b[1;36mTriage\u001b[0m: ");
    expect(turn).toContain("\u001b[1;35mMath Tutor\u001b[0m: ");
    expect(screenLines(chat.raw).filter((line) => line !== "").slice(-5)).toEqual([
      "Q: What is the derivative of x^2?",
      "Triage: This is a math question. I'll hand this off to the math tutor.",
      "→ Math Tutor",
      'Math Tutor: math_tutor on "What is the derivative of x^2?": here is the answer.',
      "Q:",
    ]);
  });

  it("recalls the previous question with the up arrow", async () => {
    const { fake: model, env } = await setUp();
    const chat = start([], env);
    let at = await chat.prompt();
    chat.type(`Tell me about World War 2${KEY.enter}`);
    at = await chat.prompt(at);
    chat.type(KEY.up);
    await chat.waitFor(/Q: Tell me about World War 2$/, { from: at });
    chat.type(KEY.enter);
    await chat.prompt(at);
    const questions = model.requests.filter((r) => requestAgent(r) === "triage_agent").map(lastUserText);
    expect(questions).toEqual(["Tell me about World War 2", "Tell me about World War 2"]);
    const turn = [
      "Q: Tell me about World War 2",
      "Triage: This is a history question. I'll hand this off to the history tutor.",
      "→ History Tutor",
      'History Tutor: history_tutor on "Tell me about World War 2": here is the answer.',
    ];
    // Each prompt reads its keys once: nothing echoed twice, no blank line after the question.
    expect(screenLines(chat.raw).slice(-9)).toEqual([...turn, ...turn, "Q:"]);
  });

  it("keeps what is typed during an answer, unechoed, for the next prompt (entered at once if it ended with Enter)", async () => {
    const { fake: model, env } = await setUp();
    const math = heldMathTutor(model);
    const chat = start([], env);
    let at = await chat.prompt();
    chat.type(`What is the derivative of x^2?${KEY.enter}`);
    await chat.waitFor(/Math Tutor is thinking…$/, { from: at });
    // Typed at a live prompt, the left arrow would move the cursor ("Tell me about orld War 2W"); during an answer
    // it is dropped, and nothing is echoed into the answer.
    chat.type(`Tell me about Wxx${KEY.backspace}${KEY.backspace}${KEY.left}orld War 2${KEY.enter}and then`);
    // The spinner turns a few more times: the keys were read meanwhile, in the same event loop.
    await chat.moreWrites(4);
    math.release();
    await chat.waitFor(/History Tutor: history_tutor on "Tell me about World War 2": here is the answer\.\nQ: and then$/);
    expect(screenLines(chat.raw).filter((line) => line !== "").slice(-9)).toEqual([
      "Q: What is the derivative of x^2?",
      "Triage: This is a math question. I'll hand this off to the math tutor.",
      "→ Math Tutor",
      'Math Tutor: math_tutor on "What is the derivative of x^2?": here is the answer.',
      "Q: Tell me about World War 2",
      "Triage: This is a history question. I'll hand this off to the history tutor.",
      "→ History Tutor",
      'History Tutor: history_tutor on "Tell me about World War 2": here is the answer.',
      "Q: and then",
    ]);
    chat.type(KEY.ctrlC + KEY.ctrlC);
    expect(await chat.exited).toBe(0);
  });

  it("keeps the question history between sessions, in a file only its owner can read", async () => {
    const { env } = await setUp();
    const first = start([], env);
    await first.prompt();
    first.type(`Tell me about World War 2${KEY.enter}`);
    await first.waitFor(/History Tutor: .*\nQ:$/);
    first.type(KEY.ctrlD);
    expect(await first.exited).toBe(0);
    const historyFile = join(dir!, "console-history");
    expect(readFileSync(historyFile, "utf8")).toBe("Tell me about World War 2\n");
    expect(statSync(historyFile).mode & 0o777).toBe(0o600);

    const second = start([], env);
    const at = await second.prompt();
    second.type(KEY.up);
    await second.waitFor(/Q: Tell me about World War 2$/, { from: at });
    second.type(KEY.ctrlC + KEY.ctrlC);
    expect(await second.exited).toBe(0);
  });

  it("stops an answer on Ctrl-C for good (not resumed at the next start), answers the next question, and exits 0 on a second Ctrl-C", async () => {
    const { fake: model, env } = await setUp();
    model.setResponder((request) =>
      requestAgent(request) === "math_tutor" && lastUserText(request).includes("slow") ? { text: "Let me think about this slowly and carefully", stallAfterChunks: 3 } : seedResponder(request),
    );
    const chat = start(["--thread", "cancel-me"], env);
    let at = await chat.prompt();
    chat.type(`What is a slow derivative of x^2?${KEY.enter}`);
    await chat.waitFor(/Math Tutor: Let/, { from: at });
    chat.type(KEY.ctrlC);
    at = await chat.prompt(at);
    expect(chat.screen).toMatch(/Math Tutor: Let.* \(cancelled\)\nQ:$/);
    // The engine really stopped: the model's stream was hung up on.
    await model.waitForHangUp(model.requests.find((r) => requestAgent(r) === "math_tutor")!);
    const db = new Database(join(dir!, "b.db"), { readonly: true });
    const turn = db.prepare("SELECT turn_status, error_code FROM messages WHERE role = 'user'").all();
    db.close();
    expect(turn).toEqual([{ turn_status: "failed", error_code: "cancelled" }]);

    chat.type(`What is the derivative of x^3?${KEY.enter}`);
    at = await chat.prompt(at);
    expect(chat.screen).toMatch(/Math Tutor: math_tutor on "What is the derivative of x\^3\?": here is the answer\.\nQ:$/);
    chat.type(KEY.ctrlC);
    expect(await chat.exited).toBe(0);

    const requests = model.requests.length;
    const again = start(["--thread", "cancel-me"], env);
    await again.prompt();
    again.type(KEY.ctrlD);
    expect(await again.exited).toBe(0);
    expect(again.screen).not.toContain("(resumed)");
    expect(model.requests).toHaveLength(requests);
  });

  it("clears a half-typed question on Ctrl-C; during an answer that hangs, Ctrl-C twice leaves at once with 0, the question cancelled", async () => {
    const { fake: model, env } = await setUp();
    model.setResponder((request) => (requestAgent(request) === "math_tutor" ? { ...seedResponder(request), stallUntil: new Promise(() => {}) } : seedResponder(request)));
    const chat = start(["--thread", "hangs"], env);
    let at = await chat.prompt();
    chat.type("half a question");
    await chat.waitFor(/\nQ: half a question$/);
    chat.type(KEY.ctrlC);
    at = await chat.prompt(at);
    chat.type(`What is the derivative of x^2?${KEY.enter}`);
    await chat.waitFor(/Math Tutor is thinking…$/, { from: at });
    chat.type(KEY.ctrlC + KEY.ctrlC);
    expect(await chat.exited).toBe(0);
    expect(model.requests.map(lastUserText)).not.toContain("half a question");

    const requests = model.requests.length;
    const again = start(["--thread", "hangs"], env);
    await again.prompt();
    again.type(KEY.ctrlC);
    expect(await again.exited).toBe(0);
    expect(again.screen).not.toContain("(resumed)");
    expect(model.requests).toHaveLength(requests);
  });

  it("shows the question again when it resumes an answer a killed session left unfinished", async () => {
    const { fake: model, env } = await setUp();
    const math = heldMathTutor(model);
    const first = start(["--thread", "kill-me"], env);
    await first.prompt();
    first.type(`What is the derivative of x^2?${KEY.enter}`);
    await first.waitFor(/Math Tutor is thinking…/);
    first.kill();
    await first.exited;
    math.release();
    const second = start(["--thread", "kill-me"], env);
    await second.waitFor(/Q: What is the derivative of x\^2\? \(resumed\)\n(?:.*\n)*Math Tutor: math_tutor on "What is the derivative of x\^2\?": here is the answer\.\nQ:$/);
    second.type(KEY.ctrlD);
    expect(await second.exited).toBe(0);
  });

  it("prints no log line into the conversation (warnings go to the log file), styles notices, and has no rate limit", async () => {
    const { fake: model, env } = await setUp();
    model.setResponder((request) => (lastUserText(request) === "break" ? { status: 400, message: "bad request" } : seedResponder(request)));
    // No API key: moderation is off, which Baton warns about at start-up; and a rate limit of one question a minute.
    const chat = start([], { ...env, BATON_RATE_LIMIT_PER_MINUTE: "1", LOG_LEVEL: "info" });
    let at = await chat.prompt();
    for (let i = 1; i <= 6; i++) {
      chat.type(`What is ${i}+${i}?${KEY.enter}`);
      at = await chat.prompt(at);
    }
    chat.type(`break${KEY.enter}`);
    const failed = await chat.waitFor(/⚠ Sorry, the tutors are unavailable right now.*\nQ:$/, { from: at });
    expect(failed).toContain("\u001b[33m⚠ Sorry, the tutors are unavailable");
    chat.type(KEY.ctrlD);
    expect(await chat.exited).toBe(0);
    expect(chat.screen.match(/^Math Tutor: math_tutor on "What is \d\+\d\?": here is the answer\.$/gm)).toHaveLength(6);
    expect(chat.screen).not.toMatch(/faster than I can answer/);
    expect(chat.screen).not.toMatch(/"level"|Moderation is off|turn failed/);
    const logPath = join(dir!, "baton.log");
    expect(chat.screen.match(new RegExp(`logged to ${logPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "g"))).toHaveLength(1);
    const log = readFileSync(logPath, "utf8").trim().split("\n").map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(log).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining("Moderation is off") }));
    expect(log).toContainEqual(expect.objectContaining({ level: 50, msg: "turn failed" }));
  });

  it("respects NO_COLOR: the same names and lines, without colours", async () => {
    const { env } = await setUp();
    const chat = start([], { ...env, NO_COLOR: "1" });
    await chat.prompt();
    chat.type(`What is the derivative of x^2?${KEY.enter}`);
    await chat.waitFor(/→ Math Tutor\nMath Tutor: math_tutor on .*\nQ:$/);
    chat.type(KEY.ctrlD);
    expect(await chat.exited).toBe(0);
    expect(chat.raw).not.toMatch(/\u001b\[[0-9;]*m/);
  });
});
