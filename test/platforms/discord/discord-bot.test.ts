// End to end: start-up and shutdown of the bot — the Message Content fallback, restarts, stop, and bad configuration.

import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayCloseCodes, GatewayIntentBits } from "discord.js";
import type { ConversationGateway } from "../../../src/bot/ports.js";
import { DiscordAdapterError, startDiscordBot } from "../../../src/platforms/discord/index.js";
import { UserError } from "../../../src/workflow/errors.js";
import { startFakeDiscord, stringOption, type FakeDiscord } from "../../support/fake-discord/index.js";
import { seedResponder } from "../../support/seed-responder.js";
import { discordThread, startDiscordTestBed, webhookPostsTo, type DiscordTestBed } from "./discord-test-bed.js";
import { conversationsOf, transcriptOf } from "../../support/moderator-reads.js";
import { FakeModeratorReads } from "../../support/fake-moderator-reads.js";

let bed: DiscordTestBed | undefined;
let loneFake: FakeDiscord | undefined;
afterEach(async () => {
  await bed?.close();
  await loneFake?.close();
  bed = undefined;
  loneFake = undefined;
});

async function questionsIn(bed: DiscordTestBed, threadId: string): Promise<string[]> {
  const transcript = (await transcriptOf(bed.service.gateway, discordThread(bed, bed.homework, threadId)));
  return (transcript?.entries ?? []).flatMap((entry) => (entry.kind === "message" && entry.role === "user" ? [entry.text] : []));
}

/** A gateway that must never be reached: for start-ups that have to fail before any message. */
const unusedGateway = new Proxy({} as ConversationGateway, {
  get: (_target, name) => () => {
    throw new Error(`unexpected call to ${String(name)}`);
  },
});

describe("startDiscordBot", () => {
  it("falls back to mentions only when Discord refuses the Message Content intent, and says how to enable it", async () => {
    bed = await startDiscordTestBed({ fake: { messageContentIntent: false } });
    const { fake } = bed;
    expect(bed.bot.messageContent).toBe(false);
    expect(fake.gateway.closeCodes).toEqual([GatewayCloseCodes.DisallowedIntents]);
    // The refused IDENTIFY asked for it (closed 4014); the session that stands does not.
    expect(fake.gateway.identifies.map((identify) => (identify.intents & GatewayIntentBits.MessageContent) !== 0)).toEqual([false]);
    const warning = bed.logs.find((line) => line.level === 40 && String(line.msg).includes("Message Content"));
    expect(warning?.msg).toContain("Privileged Gateway Intents");

    const student = fake.addUser("max");
    const first = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> what is 2+2?` });
    await bed.handled(first.id);
    // Without the intent Discord blanks messages that do not mention the bot: this one never reaches the service.
    fake.userSays({ channelId: first.id, author: student, content: "and 3+3?" });
    const third = fake.userSays({ channelId: first.id, author: student, content: `<@${fake.botUser.id}> and 4+4?` });
    await bed.handled(third.id);
    expect(await questionsIn(bed, first.id)).toEqual(["what is 2+2?", "and 4+4?"]);
  });

  it("continues a conversation after a restart, in a thread archived meanwhile (not in the new session's cache)", async () => {
    bed = await startDiscordTestBed();
    const { fake } = bed;
    const student = fake.addUser("nia");
    const interaction = fake.slashCommand({ name: "ask", user: student, channelId: bed.homework, options: [stringOption("question", "what is 2+2?")] });
    await bed.handled(interaction.id);
    const threadId = interaction.originalMessageId!;
    await bed.bot.stop();
    await fake.gateway.waitForNoSessions();
    fake.world.thread(threadId)!.thread_metadata!.archived = true;

    await bed.restart();
    await fake.gateway.waitForReady(2);
    const later = fake.userSays({ channelId: threadId, author: student, content: "and 3+3?" });
    await bed.handled(later.id);
    expect(fake.callsTo("GET", new RegExp(`^/channels/${threadId}$`))).toHaveLength(1);
    expect(await questionsIn(bed, threadId)).toEqual(["what is 2+2?", "and 3+3?"]);
    expect(webhookPostsTo(fake, threadId)).toHaveLength(4);
  });

  it("stops only after the messages being answered are posted, then leaves the gateway", async () => {
    let release: () => void = () => undefined;
    const modelMayAnswer = new Promise<void>((resolve) => {
      release = resolve;
    });
    bed = await startDiscordTestBed({ responder: async (request) => ({ ...seedResponder(request), stallUntil: modelMayAnswer }) });
    const { fake } = bed;
    const student = fake.addUser("oli");
    const message = fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> what is 2+2?` });
    await bed.service.fakeOpenAI.waitForRequests(1);
    let stopped = false;
    const stopping = bed.bot.stop().then(() => {
      stopped = true;
    });
    // Events that arrive while stopping are not taken any more.
    fake.userSays({ channelId: bed.homework, author: student, content: `<@${fake.botUser.id}> who was Caesar?` });
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(webhookPostsTo(fake, message.id)).toHaveLength(2);
    await fake.gateway.waitForNoSessions();
    expect((await conversationsOf(bed.service.gateway, { platform: "discord" }))).toHaveLength(1);
  });

  it("refuses invalid settings with a configuration error, before any network call", async () => {
    loneFake = await startFakeDiscord();
    const refused = await startDiscordBot({
      settings: { token: loneFake.token, applicationId: "not-an-id", apiUrl: loneFake.apiUrl },
      gateway: unusedGateway,
      reads: new FakeModeratorReads(),
      logger: pino({ level: "silent" }),
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).code).toBe("configuration");
    expect(loneFake.calls).toEqual([]);
  });

  it("reports a rejected token with a stable code", async () => {
    loneFake = await startFakeDiscord();
    const refused = await startDiscordBot({
      settings: { token: "wrong-token", applicationId: loneFake.applicationId, apiUrl: loneFake.apiUrl },
      gateway: unusedGateway,
      reads: new FakeModeratorReads(),
      logger: pino({ level: "silent" }),
      registerCommands: false,
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiscordAdapterError);
    expect((refused as DiscordAdapterError).code).toBe("discord_login_failed");
    expect(loneFake.callsTo("GET", /^\/gateway\/bot$/).map((call) => call.status)).toEqual([401]);
  });
});
