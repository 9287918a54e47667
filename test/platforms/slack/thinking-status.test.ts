// Slack's "is thinking…" status under the name of the agent about to write: real Bolt HTTP receiver, the real
// ConversationService on a SQLite file, the real WebClient, the fake model and fake Slack. Each agent's model call is
// held before its first word, so what the student sees while nothing is written is checked, not raced.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeScript, RecordedRequest } from "../../support/fake-openai-server.js";
import { eventCallback, FULL_SCOPES, messageEvent, slashCommandBody, type FakeSlack } from "../../support/fake-slack/index.js";
import type { FakeStatus } from "../../support/fake-slack/world.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  t = undefined;
  h = undefined;
  dir = undefined;
});

/** Each model call waits before its first word until the test lets it go; `held` names the agents waiting. */
class HeldModel {
  readonly held: string[] = [];
  readonly #release: Array<() => void> = [];

  readonly #waiters: Array<() => void> = [];

  responder = (request: RecordedRequest): FakeScript => {
    const until = new Promise<void>((resolve) => this.#release.push(resolve));
    this.held.push(requestAgent(request));
    for (const wake of this.#waiters.splice(0)) wake();
    const script = seedResponder(request);
    return "status" in script ? script : { ...script, holdAfterChunks: { chunks: 0, until } };
  };

  /** Resolves once `count` calls have been made. */
  async calls(count: number): Promise<void> {
    while (this.held.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Lets the oldest held call write. */
  releaseNext(): void {
    this.#release.shift()?.();
  }
}

/** The statuses set with a text, in order: [who it was shown under, its icon]. */
function shown(fake: FakeSlack, from = 0): Array<[string | undefined, string | undefined]> {
  return fake.world.statuses.slice(from).filter((s) => s.status !== "").map((s) => [s.username, s.iconEmoji]);
}

/** The status set last (what the student sees now). */
function current(fake: FakeSlack): FakeStatus | undefined {
  return fake.world.statuses.at(-1);
}

async function ask(bot: SlackTestBot, text: string): Promise<void> {
  const body = slashCommandBody({
    command: "/homework",
    text,
    userId: STUDENT.id,
    userName: STUDENT.name,
    channelId: CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl(),
  });
  expect((await bot.sender.sendCommand(body)).status).toBe(200);
}

/** The sample roster, changed by `edit`, in a temp file. */
function rosterWith(edit: (roster: string) => string): string {
  dir = mkdtempSync(join(tmpdir(), "baton-thinking-"));
  const agentsFile = join(dir, "agents.yaml");
  const roster = readFileSync(new URL("../../../agents.yaml", import.meta.url), "utf8");
  const edited = edit(roster);
  expect(edited).not.toBe(roster);
  writeFileSync(agentsFile, edited);
  return agentsFile;
}

const TRIAGE: [string, string] = ["Triage", ":compass:"];
const TUTOR: [string, string] = ["Math Tutor", ":triangular_ruler:"];

describe("Slack's thinking status names the agent about to write", () => {
  it("shows it under Triage first, under Math Tutor after the handoff before the tutor's words, and clears it at the end", async () => {
    const model = new HeldModel();
    h = await startServiceHarness({ responder: model.responder });
    t = await startSlackTestBot({ gateway: h.gateway });
    const fake = t.fake;
    await ask(t, "What is the derivative of x^2?");

    // Triage's model call is held before its first word: the status is under Triage, nothing is written yet.
    await model.calls(1);
    await fake.waitFor(() => (current(fake)?.username === "Triage" ? true : undefined));
    expect(model.held).toEqual(["triage_agent"]);
    expect(current(fake)).toMatchObject({ status: "is thinking…", username: "Triage", iconEmoji: ":compass:" });
    expect(fake.messages({ channel: CHANNEL }).filter((m) => m.username !== undefined)).toEqual([]);
    model.releaseNext();

    // Triage narrated and handed off; the tutor's call is held: the status is under Math Tutor, none of its words shown.
    await model.calls(2);
    await fake.waitFor(() => (current(fake)?.username === "Math Tutor" ? true : undefined));
    expect(model.held).toEqual(["triage_agent", "math_tutor"]);
    expect(current(fake)).toMatchObject({ status: "is thinking…", username: "Math Tutor", iconEmoji: ":triangular_ruler:" });
    expect(fake.messages({ channel: CHANNEL }).map((m) => m.username)).not.toContain("Math Tutor");
    model.releaseNext();

    await t.bot.idle();
    expect(fake.messages({ channel: CHANNEL }).map((m) => m.username)).toEqual([undefined, "Triage", "Math Tutor"]);
    // The first status may be the app's own (before the service knows the agent); every named one is in turn order.
    const named = shown(fake).filter(([username]) => username !== undefined);
    expect(named[0]).toEqual(TRIAGE);
    expect(named.slice(named.findIndex(([username]) => username === "Math Tutor")).every((s) => s[0] === TUTOR[0] && s[1] === TUTOR[1])).toBe(true);
    expect(current(fake)?.status).toBe("");
  });

  it("shows a returning student the tutor's name first when the conversation returns to the previous agent", async () => {
    const agentsFile = rosterWith((roster) => roster.replace(/returnToPrevious: false/, "returnToPrevious: true"));
    const model = new HeldModel();
    h = await startServiceHarness({ responder: model.responder, agentsFile });
    t = await startSlackTestBot({ gateway: h.gateway });
    const fake = t.fake;
    await ask(t, "What is the derivative of x^2?");
    await model.calls(1);
    model.releaseNext();
    await model.calls(2);
    model.releaseNext();
    await t.bot.idle();
    const root = fake.messages({ channel: CHANNEL })[0]!.ts;

    // The student asks again in the thread: the tutor answers it, and the status says so from the start.
    const before = fake.world.statuses.length;
    const event = messageEvent({ channel: CHANNEL, user: STUDENT.id, text: "And of x^3?", threadTs: root });
    expect((await t.sender.sendEvent(eventCallback({ teamId: fake.identity.teamId, event }))).status).toBe(200);
    await model.calls(3);
    await fake.waitFor(() => (current(fake)?.username === "Math Tutor" ? true : undefined));
    expect(model.held[2]).toBe("math_tutor");
    expect(shown(fake, before).filter(([username]) => username !== undefined)).toEqual([TUTOR]);
    model.releaseNext();
    await t.bot.idle();
    expect(shown(fake, before).some(([username]) => username === "Triage")).toBe(false);
    expect(current(fake)?.status).toBe("");
  });

  it("shows a channel's own start agent from the start", async () => {
    const agentsFile = rosterWith((roster) => `${roster}\nchannels:\n  ${CHANNEL}: { start: math_tutor }\n`);
    const model = new HeldModel();
    h = await startServiceHarness({ responder: model.responder, agentsFile });
    t = await startSlackTestBot({ gateway: h.gateway });
    const fake = t.fake;
    await ask(t, "What is the derivative of x^2?");
    await model.calls(1);
    await fake.waitFor(() => (current(fake)?.username === "Math Tutor" ? true : undefined));
    expect(model.held).toEqual(["math_tutor"]);
    model.releaseNext();
    await t.bot.idle();
    const named = shown(fake).filter(([username]) => username !== undefined);
    expect(named[0]).toEqual(TUTOR);
    expect(named.every(([username]) => username === TUTOR[0])).toBe(true);
    expect(current(fake)?.status).toBe("");
  });

  it("keeps the status under the app's name without chat:write.customize, naming the agent in its text", async () => {
    const model = new HeldModel();
    h = await startServiceHarness({ responder: model.responder });
    t = await startSlackTestBot({ gateway: h.gateway, fakeOptions: { scopes: FULL_SCOPES.filter((scope) => scope !== "chat:write.customize") } });
    const fake = t.fake;
    await ask(t, "What is the derivative of x^2?");
    await model.calls(1);
    await fake.waitFor(() => (current(fake)?.status === "is thinking… (Triage)" ? true : undefined));
    expect(current(fake)?.username).toBeUndefined();
    expect(fake.callsTo("assistant.threads.setStatus").some((call) => call.params.username !== undefined)).toBe(false);
    model.releaseNext();
    await model.calls(2);
    await fake.waitFor(() => (current(fake)?.status === "is thinking… (Math Tutor)" ? true : undefined));
    model.releaseNext();
    await t.bot.idle();
    expect(current(fake)?.status).toBe("");
  });
});
