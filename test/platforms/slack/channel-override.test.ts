// agents.yaml `channels:` on Slack: /homework in a channel mapped to `start: math_tutor` goes straight to the math
// tutor (no triage call) and is answered under its name; the same question in another channel goes through triage.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { slashCommandBody } from "../../support/fake-slack/index.js";
import { requestAgent } from "../../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

const OTHER_CHANNEL = "C0GENERAL1";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it("starts /homework in the math channel at math_tutor, one model call fewer; another channel still goes through triage", async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-slack-channels-"));
  const agentsFile = join(dir, "agents.yaml");
  const roster = readFileSync(new URL("../../../agents.yaml", import.meta.url), "utf8");
  writeFileSync(agentsFile, `${roster}\nchannels:\n  ${CHANNEL}: { start: math_tutor }\n`);
  h = await startServiceHarness({ agentsFile });
  t = await startSlackTestBot({ gateway: h.gateway });
  t.fake.setChannel(OTHER_CHANNEL, { member: true });
  const ask = async (channelId: string, text: string) => {
    const body = slashCommandBody({
      command: "/homework",
      text,
      userId: STUDENT.id,
      channelId,
      teamId: t!.fake.identity.teamId,
      teamDomain: t!.fake.identity.teamDomain,
      responseUrl: t!.fake.responseUrl({ channel: channelId, user: STUDENT.id }),
    });
    expect((await t!.sender.sendCommand(body)).status).toBe(200);
    await t!.bot.idle();
  };
  await ask(CHANNEL, "What is 2+2?");
  expect(h.fakeOpenAI.requests.map(requestAgent)).toEqual(["math_tutor"]);
  const root = t.fake.messages({ channel: CHANNEL }).find((m) => m.threadTs === undefined)!;
  const replies = t.fake.messages({ channel: CHANNEL, threadTs: root.ts });
  expect(replies.map((m) => m.username)).toEqual(["Math Tutor"]);

  await ask(OTHER_CHANNEL, "What is 3+3?");
  expect(h.fakeOpenAI.requests.map(requestAgent)).toEqual(["math_tutor", "triage_agent", "math_tutor"]);
});
