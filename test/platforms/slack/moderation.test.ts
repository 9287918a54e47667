// Moderator commands through Bolt's HTTP receiver: who may use them, transcripts, conversation lists, forgetting a user.
import { afterEach, describe, expect, it } from "vitest";
import type { Transcript } from "../../../src/bot/moderator-reads-port.js";
import { OTHER_WORKSPACE } from "../../../src/platforms/slack/moderation-commands.js";
import { slashCommandBody } from "../../support/fake-slack/index.js";
import { FakeGateway } from "./fake-gateway.js";
import { ADMIN, CHANNEL, MODERATOR, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ROOT = "1700000000.000100";
const at = (second: number) => new Date(Date.UTC(2026, 0, 5, 14, 0, second));

function transcript(teamId: string): Transcript {
  return {
    conversationId: 12,
    thread: { platform: "slack", workspace: teamId, channel: CHANNEL, thread: ROOT },
    activeAgent: "math_tutor",
    startedAt: at(0),
    trail: ["triage_agent", "math_tutor"],
    entries: [
      { kind: "message", role: "user", author: "Ada", authorId: STUDENT.id, text: "What is 1 < 2? <!channel>", at: at(1), flags: [] },
      { kind: "message", role: "assistant", author: "Triage", authorId: "triage_agent", text: "A **math** question.", at: at(2), flags: [] },
      { kind: "handoff", from: "triage_agent", to: "math_tutor", reason: "math", at: at(3) },
      { kind: "message", role: "assistant", author: "Math Tutor", authorId: "math_tutor", text: "Yes, 1 < 2.", at: at(4), flags: [] },
    ],
  };
}

async function run(bot: SlackTestBot, command: string, text: string, userId: string) {
  const body = slashCommandBody({
    command,
    text,
    userId,
    channelId: CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl(),
  });
  const before = bot.fake.responses.length;
  const ack = await bot.sender.sendCommand(body);
  expect(ack.status).toBe(200);
  await bot.bot.idle();
  return bot.fake.responses.slice(before).map((r) => r.body);
}

describe("/homework-history", () => {
  it("gives a moderator the thread's transcript as an ephemeral message", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    gateway.moderatorReads.setTranscript(transcript(t.fake.identity.teamId));
    const link = `<https://baton-school.slack.com/archives/${CHANNEL}/p${ROOT.replace(".", "")}>`;
    const [answer, ...more] = await run(t, "/homework-history", link, MODERATOR.id);
    expect(more).toEqual([]);
    expect(answer?.response_type).toBe("ephemeral");
    const text = String(answer?.text);
    expect(text).toContain("*Conversation #12*");
    expect(text).toContain("Handoff trail: triage_agent → math_tutor");
    expect(text).toContain(`*Ada* (<@${STUDENT.id}>)`);
    expect(text).toContain("> What is 1 &lt; 2? &lt;!channel&gt;");
    expect(text).toContain("> A *math* question.");
    expect(text).toContain("↪ _handoff_ triage_agent → math_tutor: math");
    expect(text).toContain(`<!date^${Math.floor(at(1).getTime() / 1000)}^{time_secs}|2026-01-05 14:00 UTC>`);
    expect(text.indexOf("Triage")).toBeLessThan(text.indexOf("Math Tutor"));
  });

  it("allows workspace admins (users.info) and refuses students", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    gateway.moderatorReads.setTranscript(transcript(t.fake.identity.teamId));
    const link = `https://baton-school.slack.com/archives/${CHANNEL}/p${ROOT.replace(".", "")}`;
    const [refusal] = await run(t, "/homework-history", link, STUDENT.id);
    expect(refusal).toEqual({ text: "Sorry, only moderators can use this command.", response_type: "ephemeral" });
    const [admin] = await run(t, "/homework-history", link, ADMIN.id);
    expect(String(admin?.text)).toContain("*Conversation #12*");
  });

  it("refuses a thread link of another workspace, whatever its channel and ts, and says nothing about the thread", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const { teamId } = t.fake.identity;
    gateway.moderatorReads.setTranscript(transcript(teamId));
    const ts = ROOT.replace(".", "");
    for (const link of [
      `https://other-school.slack.com/archives/${CHANNEL}/p${ts}`,
      `https://app.slack.com/client/T0OTHER/${CHANNEL}/thread/${CHANNEL}-${ROOT}`,
      `https://baton-school.slack.com.example.net/archives/${CHANNEL}/p${ts}`,
    ]) {
      const answers = await run(t, "/homework-history", link, MODERATOR.id);
      expect(answers).toEqual([{ text: OTHER_WORKSPACE, response_type: "ephemeral" }]);
    }
    // The web client's address of this workspace's thread is read.
    const [own] = await run(t, "/homework-history", `https://app.slack.com/client/${teamId}/${CHANNEL}/thread/${CHANNEL}-${ROOT}`, MODERATOR.id);
    expect(String(own?.text)).toContain("*Conversation #12*");
  });

  it("lists the channel's conversations when no link is given", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const { teamId } = t.fake.identity;
    gateway.moderatorReads.setTranscript(transcript(teamId));
    const elsewhere = transcript(teamId);
    gateway.moderatorReads.setTranscript({ ...elsewhere, conversationId: 13, thread: { ...elsewhere.thread, channel: "C0ELSEWHERE" } });
    // Another workspace's conversation in a channel and thread of the same ids.
    gateway.moderatorReads.setTranscript({ ...transcript("T0OTHER"), conversationId: 14 });
    const [answer] = await run(t, "/homework-history", "", MODERATOR.id);
    const text = String(answer?.text);
    expect(text).toContain(`• <https://baton-school.slack.com/archives/${CHANNEL}/p1700000000000100|#12> · 3 messages · math_tutor`);
    expect(text).not.toContain("#13");
    expect(text).not.toContain("#14");
  });

  it("says so for unknown threads and links that are not thread links", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const [unknown] = await run(t, "/homework-history", `https://baton-school.slack.com/archives/${CHANNEL}/p1700000000999999`, MODERATOR.id);
    expect(unknown?.text).toBe("No conversation is stored for that thread.");
    const [bad] = await run(t, "/homework-history", "yesterday's thread", MODERATOR.id);
    expect(String(bad?.text)).toContain("not a Slack thread link");
  });

  it("splits a long transcript into several ephemeral answers, five at most", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const long = transcript(t.fake.identity.teamId);
    const entries = Array.from({ length: 60 }, (_v, i) => ({ kind: "message" as const, role: "assistant" as const, author: "Math Tutor", authorId: "math_tutor", text: `Step ${i}: ${"x".repeat(400)}`, at: at(i % 60), flags: [] }));
    gateway.moderatorReads.setTranscript({ ...long, entries });
    const answers = await run(t, "/homework-history", `https://baton-school.slack.com/archives/${CHANNEL}/p${ROOT.replace(".", "")}`, MODERATOR.id);
    expect(answers).toHaveLength(5);
    for (const answer of answers) expect(String(answer.text).length).toBeLessThanOrEqual(3_500);
    expect(String(answers[4]?.text)).toContain("cut here");
  });
});

describe("/homework-forget", () => {
  it("deletes a user's messages for a moderator and says how many", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const { teamId } = t.fake.identity;
    gateway.moderatorReads.setTranscript(transcript(teamId));
    const [answer] = await run(t, "/homework-forget", `<@${STUDENT.id}|ada>`, MODERATOR.id);
    expect(gateway.moderatorReads.forgotten).toEqual([{ scope: { platform: "slack", workspace: teamId }, userId: STUDENT.id }]);
    expect(answer).toEqual({ text: `Deleted 1 stored message of <@${STUDENT.id}>.`, response_type: "ephemeral" });
  });

  it("refuses students and explains the usage", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const [refusal] = await run(t, "/homework-forget", `<@${MODERATOR.id}>`, STUDENT.id);
    expect(refusal?.text).toBe("Sorry, only moderators can use this command.");
    const [usage] = await run(t, "/homework-forget", "@ada", MODERATOR.id);
    expect(String(usage?.text)).toContain("Usage: `/homework-forget @user`");
    expect(gateway.moderatorReads.forgotten).toEqual([]);
  });
});
