// "Ask a teacher" on Slack end to end: Bolt's real HTTP receiver and Web API client against the fake Slack, the real
// service on SQLite, the fake OpenAI server scripting triage to hand off to the roster's `teacher`. The alert channel
// gets the request with the thread's permalink; the agents stay quiet in the thread (no model call) while every message
// is stored; a moderator's own messages are the teacher's turn; /homework-handback with the thread's link (moderators
// only, this workspace's threads only) gives it back to the agents.

import { afterEach, expect, it } from "vitest";
import { HANDED_BACK_NOTICE, TEACHER_ASKED_NOTICE } from "../../../src/bot/teacher-handoff.js";
import { HANDBACK_ANSWERS, OTHER_WORKSPACE, REFUSAL } from "../../../src/platforms/slack/moderation-commands.js";
import { eventCallback, slashCommandBody } from "../../support/fake-slack/index.js";
import { offeredToolNames, type FakeScript, type RecordedRequest } from "../../support/fake-openai-server.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { CHANNEL, MODERATOR, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";
import { transcriptOf } from "../../support/moderator-reads.js";

const ALERTS = "C0MODERATORS";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

function responder(request: RecordedRequest): FakeScript {
  const last = request.body.messages.at(-1);
  const text = last?.role === "user" && typeof last.content === "string" ? last.content : "";
  if (requestAgent(request) === "triage_agent" && /grade/i.test(text) && offeredToolNames(request).includes("handoff_to_teacher")) {
    return { text: "", toolCalls: [{ name: "handoff_to_teacher", arguments: { reason: "The student asks about their grades." } }] };
  }
  return seedResponder(request);
}

async function command(bot: SlackTestBot, name: string, text: string, userId: string): Promise<string[]> {
  const { identity } = bot.fake;
  const body = slashCommandBody({ command: name, text, userId, channelId: CHANNEL, teamId: identity.teamId, teamDomain: identity.teamDomain, responseUrl: bot.fake.responseUrl() });
  const before = bot.fake.responses.length;
  expect((await bot.sender.sendCommand(body)).status).toBe(200);
  await bot.bot.idle();
  return bot.fake.responses.slice(before).map((r) => String(r.body.text));
}

async function writes(bot: SlackTestBot, user: string, threadTs: string, text: string): Promise<void> {
  const { event } = bot.fake.userWrites({ channel: CHANNEL, user, text, threadTs });
  expect((await bot.sender.sendEvent(eventCallback({ teamId: bot.fake.identity.teamId, event }))).status).toBe(200);
  await bot.bot.idle();
}

it("alerts with the thread's permalink, stores the thread's messages without a model call, and resumes after /homework-handback with the teacher's turn in the history", async () => {
  h = await startServiceHarness({ responder });
  t = await startSlackTestBot({ gateway: h.gateway, settings: { alertChannel: ALERTS } });
  const { fake } = t;
  const models = () => h!.fakeOpenAI.requests;

  expect(await command(t, "/homework", "can you change my grade in maths?", STUDENT.id)).toEqual([]);
  await h.service.teacherAlertsSettled();
  const root = fake.messages({ channel: CHANNEL }).find((m) => m.threadTs === undefined)!;
  const replies = () => fake.messages({ channel: CHANNEL, threadTs: root.ts }).filter((m) => m.botId !== undefined).map((m) => m.text);
  expect(models().map(requestAgent)).toEqual(["triage_agent"]);
  expect(replies()).toEqual([TEACHER_ASKED_NOTICE("Teacher")]);
  const ref = { platform: "slack", workspace: fake.identity.teamId, channel: CHANNEL, thread: root.ts };
  expect(await h.gateway.waitingFor(ref)).toBe("teacher");

  const link = `https://${fake.identity.teamDomain}.slack.com/archives/${CHANNEL}/p${root.ts.replace(".", "")}`;
  const alerts = fake.messages({ channel: ALERTS });
  expect(alerts).toHaveLength(1);
  expect(fake.callsTo("chat.getPermalink").at(-1)!.answer).toMatchObject({ ok: true, permalink: link });
  expect(alerts[0]!.text).toContain(`<${link}|Open the thread>`);
  expect(alerts[0]!.text).toContain(`${STUDENT.displayName} (${STUDENT.id})`);
  expect(JSON.stringify(alerts[0]!.blocks)).toContain("The student asks about their grades.");

  await writes(t, STUDENT.id, root.ts, "hello? is anyone there");
  await writes(t, MODERATOR.id, root.ts, "Hi Ada, grades are final, but come see me at lunch.");
  expect(models()).toHaveLength(1);
  expect(replies()).toHaveLength(1);
  const entries = (await transcriptOf(h.gateway, ref))!.entries.filter((e) => e.kind === "message");
  expect(entries.map((e) => (e.kind === "message" ? [e.author, e.text] : []))).toEqual([
    [STUDENT.displayName, "can you change my grade in maths?"],
    [STUDENT.displayName, "hello? is anyone there"],
    [`Teacher (${MODERATOR.name})`, "Hi Ada, grades are final, but come see me at lunch."],
  ]);

  expect(await command(t, "/homework-handback", link, STUDENT.id)).toEqual([REFUSAL]);
  expect(await command(t, "/homework-handback", link.replace(fake.identity.teamDomain, "other-school"), MODERATOR.id)).toEqual([OTHER_WORKSPACE]);
  expect(await h.gateway.waitingFor(ref)).toBe("teacher");
  expect(await command(t, "/homework-handback", `<${link}>`, MODERATOR.id)).toEqual([HANDBACK_ANSWERS.handed_back]);
  expect(await h.gateway.waitingFor(ref)).toBeUndefined();
  expect(replies()).toEqual([TEACHER_ASKED_NOTICE("Teacher"), HANDED_BACK_NOTICE]);

  await writes(t, STUDENT.id, root.ts, "ok thanks. what is 2+2?");
  expect(models().map(requestAgent)).toEqual(["triage_agent", "triage_agent", "math_tutor"]);
  const history = models()[1]!.body.messages.filter((m) => m.role === "user").map((m) => (typeof m.content === "string" ? m.content : ""));
  expect(history).toEqual([
    "can you change my grade in maths?",
    "hello? is anyone there",
    `Teacher (${MODERATOR.name}): Hi Ada, grades are final, but come see me at lunch.`,
    "ok thanks. what is 2+2?",
  ]);
  expect(replies().at(-1)).toBe('math_tutor on "ok thanks. what is 2+2?": here is the answer.');
});

it("without SLACK_ALERT_CHANNEL tells each of SLACK_MODERATOR_IDS by DM (conversations.open, then chat.postMessage), one unreachable id not stopping the others", async () => {
  h = await startServiceHarness({ responder });
  t = await startSlackTestBot({ gateway: h.gateway, settings: { moderatorIds: ["U0GONE", MODERATOR.id] } });
  const { fake } = t;
  await command(t, "/homework", "can you change my grade in maths?", STUDENT.id);
  await h.service.teacherAlertsSettled();
  const root = fake.messages({ channel: CHANNEL }).find((m) => m.threadTs === undefined)!;
  const opens = fake.callsTo("conversations.open");
  expect(opens.map((c) => [c.params.users, c.answer.ok, c.answer.error])).toEqual([
    ["U0GONE", false, "user_not_found"],
    [MODERATOR.id, true, undefined],
  ]);
  const dm = (opens[1]!.answer.channel as { id: string }).id;
  const link = `https://${fake.identity.teamDomain}.slack.com/archives/${CHANNEL}/p${root.ts.replace(".", "")}`;
  const told = fake.messages({ channel: dm });
  expect(told).toHaveLength(1);
  expect(told[0]!.text).toContain(`<${link}|Open the thread>`);
  expect(t.logs.some((line) => line.msg === "slack: could not tell a moderator by DM that a student asked for a teacher")).toBe(true);
});
