// End to end: /history and /forget for moderators (ephemeral), refused to students, and the registered commands.

import { afterEach, describe, expect, it } from "vitest";
import { MessageFlags } from "discord.js";
import { DiscordAdapterError, registerDiscordCommands } from "../../../src/platforms/discord/index.js";
import {
  channelOption,
  integerOption,
  MODERATOR_PERMISSIONS,
  startFakeDiscord,
  userOption,
  type CommandOption,
  type FakeDiscord,
} from "../../support/fake-discord/index.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, discordThread, startDiscordTestBed, type DiscordTestBed } from "./discord-test-bed.js";

let bed: DiscordTestBed | undefined;
let loneFake: FakeDiscord | undefined;
afterEach(async () => {
  await bed?.close();
  await loneFake?.close();
  bed = undefined;
  loneFake = undefined;
});

/** Runs a slash command and returns its ephemeral answer's content. */
async function command(
  bed: DiscordTestBed,
  name: string,
  input: { channelId: string; user: { id: string }; options?: CommandOption[]; permissions?: bigint },
): Promise<string> {
  const user = bed.fake.world.users.get(input.user.id)!;
  const interaction = bed.fake.slashCommand({ name, user, channelId: input.channelId, options: input.options ?? [], ...(input.permissions === undefined ? {} : { permissions: input.permissions }) });
  const call = await bed.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
  expect(call.status).toBe(204);
  const body = bodyOf(call);
  expect(body.type).toBe(4);
  const data = body.data as { content: string; flags: number; allowed_mentions: unknown };
  expect(data.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  expect(data.allowed_mentions).toEqual({ parse: [] });
  expect(data.content.length).toBeLessThanOrEqual(2000);
  return data.content;
}

/** A student asks by mention; resolves with the thread id once answered. */
async function conversation(bed: DiscordTestBed, student: { id: string }, question: string): Promise<string> {
  const author = bed.fake.world.users.get(student.id)!;
  const message = bed.fake.userSays({ channelId: bed.homework, author, content: `<@${bed.fake.botUser.id}> ${question}` });
  await bed.handled(message.id);
  return message.id;
}

describe("/history", () => {
  it("shows a moderator the thread's conversation: authors, times and the handoff trail", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("ivy", { nickname: "Ivy Q." });
    const moderator = bed.fake.addUser("mod");
    const thread = await conversation(bed, student, "what is 2+2?");
    const content = await command(bed, "history", { channelId: thread, user: moderator, permissions: MODERATOR_PERMISSIONS });
    expect(content).toContain(`**Conversation in <#${thread}>** · page 1/1`);
    expect(content).toContain("Handoff trail: triage\\_agent → math\\_tutor");
    expect(content).toMatch(/\*\*Ivy Q\.\*\* \(student\) · <t:\d+:f>\nwhat is 2\+2\?/);
    expect(content).toContain("**Triage** (triage\\_agent)");
    expect(content).toContain("**Math Tutor** (math\\_tutor)");
    expect(content).toContain("↪ *handoff* triage\\_agent → math\\_tutor");
  });

  it("refuses a student, ephemerally, whatever Discord showed them", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("jay");
    const thread = await conversation(bed, student, "what is 2+2?");
    const content = await command(bed, "history", { channelId: thread, user: student });
    expect(content).toMatch(/only moderators/i);
    expect(content).not.toContain("what is 2+2?");
  });

  it("reads another thread given with thread:, and pages a long conversation", async () => {
    const essay = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: ${"the tutor explains it once more. ".repeat(8)}`).join("\n\n");
    bed = await startDiscordTestBed({ responder: (request) => (requestAgent(request) === "math_tutor" ? { text: essay } : seedResponder(request)) });
    const student = bed.fake.addUser("kim");
    const moderator = bed.fake.addUser("mod");
    const thread = await conversation(bed, student, "what is 2+2?");
    const first = await command(bed, "history", { channelId: bed.general, user: moderator, permissions: MODERATOR_PERMISSIONS, options: [channelOption("thread", thread)] });
    const pages = Number(/page 1\/(\d+)/.exec(first)?.[1]);
    expect(pages).toBeGreaterThan(2);
    expect(first).toContain("`/history page:2`");
    const second = await command(bed, "history", {
      channelId: bed.general,
      user: moderator,
      permissions: MODERATOR_PERMISSIONS,
      options: [channelOption("thread", thread), integerOption("page", 2)],
    });
    expect(second).toContain(`page 2/${pages}`);
    const beyond = await command(bed, "history", { channelId: thread, user: moderator, permissions: MODERATOR_PERMISSIONS, options: [integerOption("page", 99)] });
    expect(beyond).toContain(`page ${pages}/${pages}`);
    expect(beyond).toContain("Paragraph 29:");
    expect(beyond).not.toContain("/history page:");
  });

  it("explains how to use it outside a thread, and when a thread has no conversation", async () => {
    bed = await startDiscordTestBed();
    const moderator = bed.fake.addUser("mod");
    const outside = await command(bed, "history", { channelId: bed.homework, user: moderator, permissions: MODERATOR_PERMISSIONS });
    expect(outside).toContain("thread:");
    const other = bed.fake.world.createThread({ parentId: bed.homework, name: "chat", ownerId: moderator.id });
    const unknown = await command(bed, "history", { channelId: bed.homework, user: moderator, permissions: MODERATOR_PERMISSIONS, options: [channelOption("thread", other.id)] });
    expect(unknown).toContain(`no conversation in <#${other.id}>`);
  });
});

describe("/forget", () => {
  it("deletes a user's stored messages for a moderator and says how many", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("lea");
    const moderator = bed.fake.addUser("mod");
    const thread = await conversation(bed, student, "what is 2+2?");
    const followUp = bed.fake.userSays({ channelId: thread, author: bed.fake.world.users.get(student.id)!, content: "and 5+5?" });
    await bed.handled(followUp.id);
    const refused = await command(bed, "forget", { channelId: bed.homework, user: student, options: [userOption("user", student.id)] });
    expect(refused).toMatch(/only moderators/i);
    const ref = discordThread(bed, bed.homework, thread);
    expect(bed.service.gateway.transcript(ref)!.entries.filter((entry) => entry.kind === "message" && entry.role === "user")).toHaveLength(2);

    const content = await command(bed, "forget", { channelId: bed.homework, user: moderator, permissions: MODERATOR_PERMISSIONS, options: [userOption("user", student.id)] });
    expect(content).toBe(`Deleted 2 stored messages of <@${student.id}>.`);
    const left = bed.service.gateway.transcript(ref)?.entries ?? [];
    expect(left.filter((entry) => entry.kind === "message" && entry.role === "user")).toEqual([]);
  });
});

describe("command registration", () => {
  it("registers /ask, /history and /forget to the guild at start-up, the moderation ones for Manage Messages only", async () => {
    bed = await startDiscordTestBed();
    const commands = bed.fake.commands.guilds.get(bed.fake.guildId)!;
    expect(commands.map((c) => c.name)).toEqual(["ask", "history", "forget"]);
    const byName = new Map(commands.map((c) => [c.name, c]));
    expect(byName.get("ask")!.default_member_permissions).toBeNull();
    expect(byName.get("history")!.default_member_permissions).toBe("8192");
    expect(byName.get("forget")!.default_member_permissions).toBe("8192");
    for (const c of commands) expect(c.contexts).toEqual([0]);
    expect(byName.get("ask")!.options).toEqual([expect.objectContaining({ name: "question", type: 3, required: true, max_length: 1900 })]);
    expect(byName.get("history")!.options).toEqual([
      expect.objectContaining({ name: "thread", type: 7, channel_types: [11, 12, 10] }),
      expect.objectContaining({ name: "page", type: 4, min_value: 1 }),
    ]);
    expect(bed.fake.commands.global).toEqual([]);
  });

  it("registers globally without a guild, and reports a refusal with a stable code", async () => {
    loneFake = await startFakeDiscord();
    const settings = { token: loneFake.token, applicationId: loneFake.applicationId, apiUrl: loneFake.apiUrl };
    expect(await registerDiscordCommands(settings)).toEqual({ scope: "global", names: ["ask", "history", "forget"] });
    expect(loneFake.commands.global.map((c) => c.name)).toEqual(["ask", "history", "forget"]);
    const refused = await registerDiscordCommands({ ...settings, applicationId: "123" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiscordAdapterError);
    expect((refused as DiscordAdapterError).code).toBe("discord_command_registration_failed");
    const badToken = await registerDiscordCommands({ ...settings, token: "wrong" }).catch((error: unknown) => error);
    expect((badToken as DiscordAdapterError).code).toBe("discord_command_registration_failed");
  });
});
