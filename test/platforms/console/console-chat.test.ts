// The console chat through `npm start`'s code path: the seed's sample interaction, piped input, resume, kill and restart.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { runBaton } from "../../support/run-baton.js";

const MAIN = new URL("../../../src/main.ts", import.meta.url).pathname;

let fake: FakeOpenAI | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SEED_QUESTIONS = "What is the derivative of x^2?\nTell me about World War 2\nCan you help me with calculus integration?\n";

describe("console chat", () => {
  it("replays the seed's sample interaction with a configured model: who spoke, in order", async () => {
    fake = await startFakeOpenAI();
    fake.setResponder(seedResponder);
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const result = await runBaton([], SEED_QUESTIONS, { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", BATON_DB: join(dir, "b.db") });
    expect(result.code).toBe(0);
    const speakers = result.stdout.split("\n").flatMap((line) => {
      const match = /^(?:Q: )?([a-z_]+): /.exec(line);
      return match && !line.startsWith("Q: What") && !line.startsWith("Q: Tell") && !line.startsWith("Q: Can") ? [match[1]] : [];
    });
    expect(speakers).toEqual(["triage_agent", "math_tutor", "triage_agent", "history_tutor", "triage_agent", "math_tutor"]);
    expect(result.stdout).toContain("Q: What is the derivative of x^2?\ntriage_agent: This is a math question. I'll hand this off to the math tutor.\nmath_tutor: ");
    expect(result.stdout).not.toMatch(/\u001b\[/); // no colours into a pipe
    expect(fake.requests.map(requestAgent)).toEqual(["triage_agent", "math_tutor", "triage_agent", "history_tutor", "triage_agent", "math_tutor"]);
    expect(result.stderr).not.toContain("sk-test");
  });

  it("shows the tutor's math as Unicode (display math as its TeX in code), prices as written", async () => {
    fake = await startFakeOpenAI();
    const answer = "So $x^2$ has area\n$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$\nfor $5 and $10, with \\(\\alpha \\le \\beta\\).";
    fake.setResponder((request) => (requestAgent(request) === "math_tutor" ? { text: answer } : seedResponder(request)));
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const result = await runBaton([], "What is the derivative of x^2?\n", { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test", BATON_DB: join(dir, "b.db") });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("math_tutor: So x² has area\n`\\int_0^1 x^2\\,dx = \\frac{1}{3}`\nfor $5 and $10, with α ≤ β.\n");
    expect(result.stdout).not.toContain("$x^2$");
  });

  it("runs in demo mode without a model, says so, and exits 0 at end of input", async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const result = await runBaton([], SEED_QUESTIONS, { BATON_DB: join(dir, "b.db") });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Demo mode/);
    expect(result.stdout.match(/^(math_tutor|history_tutor): .*offline demo/gm)).toHaveLength(3);
  });

  it("colours piped output only when FORCE_COLOR says so", async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const result = await runBaton([], "What is 2+2?\n", { BATON_DB: join(dir, "b.db"), FORCE_COLOR: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("\u001b[1m\u001b[36mtriage_agent\u001b[0m: ");
  });

  it("resumes a named conversation across runs (the history reaches the model)", async () => {
    fake = await startFakeOpenAI();
    fake.setResponder(seedResponder);
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const env = { OPENAI_BASE_URL: fake.url, BATON_DB: join(dir, "b.db") };
    await runBaton(["--thread", "homework"], "What is the derivative of x^2?\n", env);
    const second = await runBaton(["--thread", "homework"], "Tell me about World War 2\n", env);
    expect(second.code).toBe(0);
    const last = fake.requests.at(-1)!.body.messages.map((m) => m.role);
    expect(last).toEqual(["system", "user", "assistant", "assistant", "user", "assistant"]);
    const history = await runBaton(["history", "homework"], "", env);
    expect(history.stdout).toMatch(/trail: triage_agent → math_tutor → triage_agent → history_tutor/);
  });

  it("reports a mistake in the agents file with the file and the entry, and exits 1", async () => {
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const { writeFileSync } = await import("node:fs");
    const roster = join(dir, "agents.yaml");
    writeFileSync(roster, "start: triage\nagents:\n  - name: triage\n    description: d\n    instructions: i\nhandoffs:\n  - from: triage\n    to: physics_tutor\n");
    const result = await runBaton([], "", { BATON_AGENTS: roster, BATON_DB: join(dir, "b.db") });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`baton: ${roster}:8: handoffs[0].to: unknown agent 'physics_tutor' (agents are: triage).`);
  });

  it("survives a kill mid-answer: the next start with the same thread finishes the answer", async () => {
    fake = await startFakeOpenAI();
    dir = mkdtempSync(join(tmpdir(), "baton-console-"));
    const env = { OPENAI_BASE_URL: fake.url, BATON_DB: join(dir, "b.db") };
    fake.setResponder((request) => (requestAgent(request) === "math_tutor" ? { ...seedResponder(request), stallUntil: new Promise(() => {}) } : seedResponder(request)));
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--thread", "kill-me"], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "ignore", "ignore"] });
    child.stdin.write("What is the derivative of x^2?\n");
    await fake.waitForRequests(2);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    fake.setResponder(seedResponder);
    const restarted = await runBaton(["--thread", "kill-me"], "", env);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/^math_tutor: math_tutor on "What is the derivative of x\^2\?": here is the answer\.$/m);
    expect(restarted.stdout).not.toContain("triage_agent:");
  });
});
