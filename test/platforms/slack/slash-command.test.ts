// The student slash command through Bolt's real HTTP receiver: fast ack, root message, thread, replies, and refusals.
import { afterEach, describe, expect, it } from "vitest";
import { slashCommandBody } from "../../support/fake-slack/index.js";
import { FakeGateway } from "./fake-gateway.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function command(bot: SlackTestBot, text: string, extra: { command?: string; channelId?: string; triggerId?: string } = {}): string {
  return slashCommandBody({
    command: extra.command ?? "/homework",
    text,
    userId: STUDENT.id,
    userName: STUDENT.name,
    channelId: extra.channelId ?? CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl(),
    ...(extra.triggerId === undefined ? {} : { triggerId: extra.triggerId }),
  });
}

describe("/homework", () => {
  it("acknowledges while the model is still working, then runs the conversation in the root message's thread", async () => {
    const gateway = new FakeGateway();
    let release!: () => void;
    gateway.stall = new Promise<void>((resolve) => (release = resolve));
    gateway.script = () => [
      { agent: "triage_agent", text: "This is a math question. I'll hand this off." },
      { agent: "math_tutor", text: "The derivative of **x^2** is `2x`." },
    ];
    t = await startSlackTestBot({ gateway });

    const ack = await t.sender.sendCommand(command(t, "What is the derivative of x^2?", { triggerId: "13345224609.738474920.8088930838d88f008e0" }));
    expect(ack.status).toBe(200);
    expect(ack.body).toBe("");

    // The model is stalled: the root is posted and the turn has started, but no reply exists yet.
    const [root] = await t.fake.waitForMessages(1);
    expect(root?.channel).toBe(CHANNEL);
    expect(root?.threadTs).toBeUndefined();
    expect(root?.text).toBe(`<@${STUDENT.id}> asked: What is the derivative of x^2?`);
    await gateway.waitForHandled(1);
    expect(gateway.opened).toEqual([{ platform: "slack", workspace: t.fake.identity.teamId, channel: CHANNEL, thread: root?.ts }]);
    expect(gateway.handled[0]).toMatchObject({
      platform: "slack",
      workspace: t.fake.identity.teamId,
      channel: CHANNEL,
      thread: root?.ts,
      eventId: "command:13345224609.738474920.8088930838d88f008e0",
      user: { id: STUDENT.id, name: STUDENT.displayName },
      text: "What is the derivative of x^2?",
      platformMessageId: root?.ts,
    });
    expect(t.fake.messages({ threadTs: root?.ts })).toEqual([]);

    release();
    await t.bot.idle();
    const replies = t.fake.messages({ channel: CHANNEL, threadTs: root?.ts });
    expect(replies.map((m) => [m.username, m.iconEmoji, m.iconUrl, m.text])).toEqual([
      ["Triage", ":compass:", undefined, "This is a math question. I'll hand this off."],
      ["Math Tutor", undefined, "https://img.test/math.png", "The derivative of *x^2* is `2x`."],
    ]);
    expect(gateway.delivered.map((d) => d.ts)).toEqual(replies.map((m) => m.ts));
  });

  it("escapes the student's question in the root message so it pings no one", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    await t.sender.sendCommand(command(t, "&lt;!channel&gt; why is 1 &lt; 2 @here"));
    await t.bot.idle();
    const [root] = t.fake.messages();
    expect(root?.text).toBe(`<@${STUDENT.id}> asked: &lt;!channel&gt; why is 1 &lt; 2 @\u200Bhere`);
    expect(gateway.handled[0]?.text).toBe("<!channel> why is 1 < 2 @here");
  });

  it("answers an empty command with an ephemeral usage hint and posts nothing", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    const ack = await t.sender.sendCommand(command(t, "   "));
    expect(ack.status).toBe(200);
    const [response] = await t.fake.waitForResponses(1);
    expect(response?.body).toMatchObject({ response_type: "ephemeral" });
    expect(String(response?.body.text)).toContain("/homework What is");
    await t.bot.idle();
    expect(t.fake.messages()).toEqual([]);
    expect(gateway.handled).toEqual([]);
  });

  it("explains how to invite the bot when it cannot post in the channel", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway });
    t.fake.setChannel("C0NOTMEMBER", { member: false });
    await t.sender.sendCommand(command(t, "What is 2+2?", { channelId: "C0NOTMEMBER" }));
    const [response] = await t.fake.waitForResponses(1);
    expect(String(response?.body.text)).toContain("/invite @baton");
    await t.bot.idle();
    expect(gateway.opened).toEqual([]);
    expect(gateway.handled).toEqual([]);
  });

  it("uses the configured command name", async () => {
    const gateway = new FakeGateway();
    t = await startSlackTestBot({ gateway, settings: { commandName: "/tutor" } });
    expect((await t.sender.sendCommand(command(t, "What is 2+2?", { command: "/tutor" }))).status).toBe(200);
    await t.bot.idle();
    expect(gateway.handled.map((m) => m.text)).toEqual(["What is 2+2?"]);
    expect(t.logs.find((line) => line.msg === "slack adapter started")?.commands).toEqual(["/tutor", "/tutor-history", "/tutor-forget", "/tutor-flags", "/tutor-usage", "/tutor-handback"]);
  });
});
