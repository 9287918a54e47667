// Zero-width "questions" at the platform edge: no Slack root message, no Discord thread, a usage hint instead.

import { afterEach, describe, expect, it } from "vitest";
import { stringOption } from "../support/fake-discord/index.js";
import { slashCommandBody } from "../support/fake-slack/index.js";
import { startDiscordTestBed, type DiscordTestBed } from "./discord/discord-test-bed.js";
import { FakeGateway } from "./slack/fake-gateway.js";
import { CHANNEL, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack/slack-test-bot.js";

const ZERO_WIDTH = "\u200B\u2060\uFEFF\u200D";

let slack: SlackTestBot | undefined;
let discord: DiscordTestBed | undefined;
afterEach(async () => {
  await slack?.close();
  await discord?.close();
  slack = undefined;
  discord = undefined;
});

describe("an invisible question", () => {
  it("on Slack gets the usage hint and opens no thread", async () => {
    const gateway = new FakeGateway();
    slack = await startSlackTestBot({ gateway });
    const body = slashCommandBody({
      command: "/homework",
      text: ZERO_WIDTH,
      userId: STUDENT.id,
      channelId: CHANNEL,
      teamId: slack.fake.identity.teamId,
      teamDomain: slack.fake.identity.teamDomain,
      responseUrl: slack.fake.responseUrl(),
    });
    expect((await slack.sender.sendCommand(body)).status).toBe(200);
    await slack.bot.idle();
    expect(slack.fake.messages()).toEqual([]);
    expect(gateway.handled).toEqual([]);
    expect(String(slack.fake.responses[0]?.body.text)).toContain("Ask a question after the command");
  });

  it("on Discord, /ask is refused ephemerally and a bare mention is ignored", async () => {
    discord = await startDiscordTestBed();
    const { fake } = discord;
    const student = fake.addUser("zed");
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: discord.homework, options: [stringOption("question", ZERO_WIDTH)] });
    const call = await fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
    expect(JSON.stringify(call.body)).toContain("Please write your question after /ask.");
    const mention = fake.userSays({ channelId: discord.homework, author: student, content: `<@${fake.botUser.id}> ${ZERO_WIDTH}` });
    await discord.waitForLog((line) => line.msg === "discord: message ignored" && line.reason === "empty");
    expect(fake.threadsIn(discord.homework).map((thread) => thread.id)).not.toContain(mention.id);
    expect(fake.threadsIn(discord.homework)).toEqual([]);
    expect(discord.service.fakeOpenAI.requests).toEqual([]);
  });
});
