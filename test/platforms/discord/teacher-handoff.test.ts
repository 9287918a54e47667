// "Ask a teacher" on Discord end to end: the real discord.js client against the fake Discord, the real service on SQLite,
// the fake OpenAI server scripting triage to hand off to the roster's `teacher`. The moderators' alert channel gets the
// request with a link into the thread; the agents stay quiet there (no model call) while every message is stored; a
// moderator's own messages are the teacher's turn; /handback (moderators only) gives the thread back to the agents.

import { MessageFlags, PermissionFlagsBits, type APIEmbed } from "discord.js";
import { afterEach, expect, it } from "vitest";
import { HANDED_BACK_NOTICE, TEACHER_ASKED_NOTICE } from "../../../src/bot/teacher-handoff.js";
import { HANDBACK_NOT_WAITING, HANDBACK_REFUSED, HANDED_BACK } from "../../../src/platforms/discord/handback-command.js";
import { DEFAULT_HELP_RESOURCES } from "../../../src/config/safety-policy.js";
import { offeredToolNames, type FakeScript, type RecordedRequest } from "../../support/fake-openai-server.js";
import { sampleImage, samplePdf } from "../../support/sample-files.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, discordThread, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";
import { transcriptOf } from "../../support/moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** Triage hands anything about grades to the teacher (a human participant); the rest plays the seed. */
function responder(request: RecordedRequest): FakeScript {
  const last = request.body.messages.at(-1);
  const text = last?.role === "user" && typeof last.content === "string" ? last.content : "";
  if (requestAgent(request) === "triage_agent" && /grade/i.test(text) && offeredToolNames(request).includes("handoff_to_teacher")) {
    return { text: "", toolCalls: [{ name: "handoff_to_teacher", arguments: { reason: "The student asks about their grades." } }] };
  }
  return seedResponder(request);
}

/** Runs a slash command and returns its ephemeral answer's content. */
async function command(bed: DiscordTestBed, name: string, channelId: string, user: { id: string }): Promise<string> {
  const interaction = bed.fake.slashCommand({ name, user: bed.fake.world.users.get(user.id)!, channelId, options: [] });
  const call = await bed.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
  const data = bodyOf(call).data as { content: string; flags: number };
  expect(data.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  return data.content;
}

const contents = (bed: DiscordTestBed, thread: string) => webhookPostsTo(bed.fake, thread).map((call) => String(bodyOf(call).content));

it("alerts the moderators with a link, keeps the agents quiet while storing everything, and resumes them after /handback with the teacher's turn in the history", async () => {
  bed = await startDiscordTestBed({
    responder,
    fake: { channelNames: ["homework", "general", "moderators"] },
    settings: (fake) => ({ alertChannelId: fake.channelId("moderators") }),
  });
  const fake = bed.fake;
  const student = fake.addUser("ivy", { nickname: "Ivy Q." });
  const role = fake.addRole("Teachers", PermissionFlagsBits.ManageMessages);
  const moderator = fake.addUser("smith", { nickname: "Ms Smith", roles: [role.id] });
  const models = () => bed!.service.fakeOpenAI.requests;

  // The student asks about grades: triage hands off to the teacher, and the turn ends there.
  const question = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> can you change my grade in maths?` });
  await bed.handled(question.id);
  const thread = question.id;
  expect(models().map(requestAgent)).toEqual(["triage_agent"]);
  expect(contents(bed, thread)).toEqual([TEACHER_ASKED_NOTICE("Teacher")]);
  expect((bodyOf(webhookPostsTo(fake, thread)[0]!) as { username: string }).username).toBe("Triage");
  const ref = discordThread(bed, bed.homework, thread);
  expect(await bed.service.gateway.waitingFor(ref)).toBe("teacher");

  // The moderators' channel gets the request, its link opening the student's message (the thread's start).
  await bed.service.service.teacherAlertsSettled();
  const alerts = fake.messagesIn(fake.channelId("moderators"));
  expect(alerts).toHaveLength(1);
  expect(alerts[0]!.mentions).toEqual([]);
  const embed = alerts[0]!.embeds[0] as APIEmbed;
  const link = `https://discord.com/channels/${fake.guildId}/${bed.homework}/${question.id}`;
  expect(embed.url).toBe(link);
  expect(fake.world.messages.get(question.id)!.channel_id).toBe(bed.homework);
  expect(fake.world.channels.get(thread)!.parent_id).toBe(bed.homework);
  const field = (name: string) => embed.fields!.find((f) => f.name === name)?.value;
  expect(field("Student")).toBe(`Ivy Q. (${student.id})`);
  expect(field("Why")).toBe("The student asks about their grades.");
  expect(field("Thread")).toContain(`[Open in Discord](${link})`);
  expect(embed.description).toBe("can you change my grade in maths?");

  // While waiting: the student's follow-up and the moderator's answer are stored; no model call, no bot reply.
  const followUp = fake.userSays({ channelId: thread, author: student, content: "hello? is anyone there" });
  expect((await bed.handled(followUp.id)).outcome).toEqual({ status: "held", conversationId: expect.any(Number) });
  const answer = fake.userSays({ channelId: thread, author: moderator, content: "Hi Ivy, grades are final, but come see me at lunch." });
  expect((await bed.handled(answer.id)).outcome).toMatchObject({ status: "held" });
  expect(models()).toHaveLength(1);
  expect(contents(bed, thread)).toHaveLength(1);
  const entries = (await transcriptOf(bed.service.gateway, ref))!.entries.filter((e) => e.kind === "message");
  expect(entries.map((e) => [e.author, e.text])).toEqual([
    ["Ivy Q.", "can you change my grade in maths?"],
    ["Ivy Q.", "hello? is anyone there"],
    ["Teacher (Ms Smith)", "Hi Ivy, grades are final, but come see me at lunch."],
  ]);

  // A student cannot hand the thread back; the thread still waits.
  expect(await command(bed, "handback", thread, student)).toBe(HANDBACK_REFUSED);
  expect(await bed.service.gateway.waitingFor(ref)).toBe("teacher");

  // The moderator hands it back: the student is told, and the next message goes to the agents again.
  expect(await command(bed, "handback", thread, moderator)).toBe(HANDED_BACK);
  expect(await bed.service.gateway.waitingFor(ref)).toBeUndefined();
  expect(await command(bed, "handback", thread, moderator)).toBe(HANDBACK_NOT_WAITING);

  const next = fake.userSays({ channelId: thread, author: student, content: "ok thanks. what is 2+2?" });
  await bed.handled(next.id);
  expect(models().map(requestAgent)).toEqual(["triage_agent", "triage_agent", "math_tutor"]);
  const history = models()[1]!.body.messages.filter((m) => m.role === "user").map((m) => (typeof m.content === "string" ? m.content : ""));
  expect(history).toEqual([
    "can you change my grade in maths?",
    "hello? is anyone there",
    "Teacher (Ms Smith): Hi Ivy, grades are final, but come see me at lunch.",
    "ok thanks. what is 2+2?",
  ]);
  const posted = contents(bed, thread);
  expect(posted.slice(1, 2)).toEqual([HANDED_BACK_NOTICE]);
  expect(posted.at(-1)).toBe('math_tutor on "ok thanks. what is 2+2?": here is the answer.');
});

it("checks a student's message written while the thread waits: a self-harm one gets the caring reply, an urgent alert with its link and a flag, and still no model call", async () => {
  bed = await startDiscordTestBed({
    responder,
    fake: { channelNames: ["homework", "general", "moderators"] },
    settings: (fake) => ({ alertChannelId: fake.channelId("moderators") }),
    safety: { moderation: true },
  });
  const fake = bed.fake;
  const student = fake.addUser("ivy", { nickname: "Ivy Q." });
  const question = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> can you change my grade in maths?` });
  await bed.handled(question.id);
  const thread = question.id;
  const ref = discordThread(bed, bed.homework, thread);
  expect(await bed.service.gateway.waitingFor(ref)).toBe("teacher");
  const safety = bed.service.service.classroomSafety()!;
  await bed.service.service.teacherAlertsSettled();
  await safety.settled();
  const chatCalls = bed.service.fakeOpenAI.requests.length;

  bed.service.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.91 });
  const held = fake.userSays({ channelId: thread, author: student, content: "nobody answers, I want to die" });
  expect((await bed.handled(held.id)).outcome).toMatchObject({ status: "held" });
  await safety.settled();

  expect(bed.service.fakeOpenAI.requests).toHaveLength(chatCalls);
  const posted = contents(bed, thread);
  expect(posted).toHaveLength(2);
  expect(posted[1]).toContain(DEFAULT_HELP_RESOURCES);
  const urgent = fake.messagesIn(fake.channelId("moderators")).map((m) => m.embeds[0] as APIEmbed).filter((e) => e.title?.startsWith("Urgent") === true);
  expect(urgent).toHaveLength(1);
  expect(urgent[0]!.title).toBe("Urgent: self-harm/intent");
  expect(urgent[0]!.url).toBe(`https://discord.com/channels/${fake.guildId}/${thread}/${held.id}`);
  const flags = await safety.listFlags({ platform: "discord", workspace: fake.guildId });
  expect(flags).toMatchObject([{ action: "block", severity: "urgent", platformMessageId: held.id, alert: "sent" }]);
  // Still waiting for the teacher: the check does not hand the thread back.
  expect(await bed.service.gateway.waitingFor(ref)).toBe("teacher");
});

it("keeps the files a student sends while the thread waits, with the message, for the moderators' transcript (still no model call)", async () => {
  bed = await startDiscordTestBed({
    responder,
    fake: { channelNames: ["homework", "general", "moderators"] },
    settings: (fake) => ({ alertChannelId: fake.channelId("moderators") }),
  });
  const fake = bed.fake;
  const student = fake.addUser("ivy", { nickname: "Ivy Q." });
  const question = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> can you change my grade in maths?` });
  await bed.handled(question.id);
  const thread = question.id;
  const ref = discordThread(bed, bed.homework, thread);
  expect(await bed.service.gateway.waitingFor(ref)).toBe("teacher");

  const photo = fake.uploadAttachment({ channelId: thread, filename: "report.png", data: await sampleImage(640, 480, "png"), contentType: "image/png", width: 640, height: 480 });
  const pdf = fake.uploadAttachment({ channelId: thread, filename: "essay.pdf", data: samplePdf("My essay on the pyramids"), contentType: "application/pdf" });
  const held = fake.userSays({ channelId: thread, author: student, content: "here is my report card", attachments: [photo, pdf] });
  expect((await bed.handled(held.id)).outcome).toMatchObject({ status: "held" });

  expect(bed.service.fakeOpenAI.requests).toHaveLength(1);
  const entries = (await transcriptOf(bed.service.gateway, ref))!.entries.filter((e) => e.kind === "message");
  expect(entries.at(-1)).toMatchObject({
    text: "here is my report card",
    attachments: [
      { name: "report.png", mediaType: "image/png", origin: "upload" },
      { name: "essay.pdf", mediaType: "application/pdf", origin: "upload" },
    ],
  });
});
