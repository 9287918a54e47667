// End to end: /history and /forget for moderators (ephemeral), refused to students, and the registered commands.

import { afterEach, describe, expect, it } from "vitest";
import { MessageFlags, OverwriteType, PermissionFlagsBits } from "discord.js";
import { DiscordAdapterError, registerDiscordCommands } from "../../../src/platforms/discord/index.js";
import { THREAD_REFUSED } from "../../../src/platforms/discord/moderator-access.js";
import { SERVER_MODERATORS_ONLY } from "../../../src/platforms/discord/moderation-commands.js";
import {
  channelOption,
  integerOption,
  startFakeDiscord,
  userOption,
  type CommandOption,
  type FakeDiscord,
} from "../../support/fake-discord/index.js";
import { requestAgent, seedResponder } from "../../support/seed-responder.js";
import { bodyOf, discordThread, startDiscordTestBed, type DiscordTestBed } from "./discord-test-bed.js";
import { transcriptOf } from "../../support/moderator-reads.js";

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
  input: { channelId: string; user: { id: string }; options?: CommandOption[] },
): Promise<string> {
  const user = bed.fake.world.users.get(input.user.id)!;
  const interaction = bed.fake.slashCommand({ name, user, channelId: input.channelId, options: input.options ?? [] });
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

/** A member whose role may manage messages in every channel (Discord computes the interaction's permissions from it). */
function addModerator(bed: DiscordTestBed, name = "mod"): { id: string } {
  const role = bed.fake.addRole("Moderators", PermissionFlagsBits.ManageMessages);
  return bed.fake.addUser(name, { roles: [role.id] });
}

const MANAGE = PermissionFlagsBits.ManageMessages.toString();

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
    const moderator = addModerator(bed);
    const thread = await conversation(bed, student, "what is 2+2?");
    const content = await command(bed, "history", { channelId: thread, user: moderator });
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

  it("reads another thread given with thread: for a moderator of every channel, and pages a long conversation", async () => {
    const essay = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: ${"the tutor explains it once more. ".repeat(8)}`).join("\n\n");
    bed = await startDiscordTestBed({ responder: (request) => (requestAgent(request) === "math_tutor" ? { text: essay } : seedResponder(request)) });
    const student = bed.fake.addUser("kim");
    const moderator = addModerator(bed);
    const thread = await conversation(bed, student, "what is 2+2?");
    const first = await command(bed, "history", { channelId: bed.general, user: moderator, options: [channelOption("thread", thread)] });
    const pages = Number(/page 1\/(\d+)/.exec(first)?.[1]);
    expect(pages).toBeGreaterThan(2);
    expect(first).toContain("`/history page:2`");
    const second = await command(bed, "history", {
      channelId: bed.general,
      user: moderator,
      options: [channelOption("thread", thread), integerOption("page", 2)],
    });
    expect(second).toContain(`page 2/${pages}`);
    const beyond = await command(bed, "history", { channelId: thread, user: moderator, options: [integerOption("page", 99)] });
    expect(beyond).toContain(`page ${pages}/${pages}`);
    expect(beyond).toContain("Paragraph 29:");
    expect(beyond).not.toContain("/history page:");
  });

  it("refuses a moderator of #general who is only a student in #homework, and says nothing about the thread", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("noa");
    const generalMods = bed.fake.addRole("General moderators", 0n);
    bed.fake.setOverwrite(bed.general, { id: generalMods.id, type: OverwriteType.Role, allow: MANAGE, deny: "0" });
    const moderator = bed.fake.addUser("gmod", { roles: [generalMods.id] });
    const thread = await conversation(bed, student, "a secret about 2+2");
    const content = await command(bed, "history", { channelId: bed.general, user: moderator, options: [channelOption("thread", thread)] });
    expect(content).toBe(THREAD_REFUSED);
    expect(content).not.toContain(thread);
    // In #homework itself the same member is a student, and is refused as one.
    expect(await command(bed, "history", { channelId: thread, user: moderator })).toMatch(/only moderators/i);
  });

  it("refuses a thread of another server, even to a moderator of every channel of this one", async () => {
    bed = await startDiscordTestBed();
    const moderator = addModerator(bed);
    // A thread id of another server: the fake serves it (GET /channels/:id) with that server's guild_id. Whether the bot
    // has that server cached or not, the answer is the same refusal as for any thread the member may not read.
    const { world } = bed.fake;
    const otherGuild = world.nextId();
    const parent = world.addTextChannel("their-homework");
    world.channels.set(parent.id, { ...parent, guild_id: otherGuild });
    const foreign = world.createThread({ parentId: parent.id, name: "their thread", ownerId: moderator.id });
    world.channels.set(foreign.id, { ...foreign, guild_id: otherGuild });
    const content = await command(bed, "history", { channelId: bed.general, user: moderator, options: [channelOption("thread", foreign.id)] });
    expect(content).toBe(THREAD_REFUSED);
  });

  it("allows Manage Messages in the thread's parent through a role or a member overwrite; a deny overwrite wins as Discord says", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("ode");
    const thread = await conversation(bed, student, "what is 2+2?");
    const read = (user: { id: string }) => command(bed!, "history", { channelId: bed!.general, user, options: [channelOption("thread", thread)] });
    const shown = `**Conversation in <#${thread}>**`;

    // Allowed in #homework by a role overwrite, though the role grants nothing server-wide (and nothing in #general).
    const homeworkMods = bed.fake.addRole("Homework moderators", 0n);
    bed.fake.setOverwrite(bed.homework, { id: homeworkMods.id, type: OverwriteType.Role, allow: MANAGE, deny: "0" });
    expect(await read(bed.fake.addUser("hmod", { roles: [homeworkMods.id] }))).toContain(shown);

    // Allowed by an overwrite for the member alone.
    const helper = bed.fake.addUser("helper");
    bed.fake.setOverwrite(bed.homework, { id: helper.id, type: OverwriteType.Member, allow: MANAGE, deny: "0" });
    expect(await read(helper)).toContain(shown);

    // A server-wide moderator role denied Manage Messages in #homework is refused there...
    const moderators = bed.fake.addRole("Moderators", PermissionFlagsBits.ManageMessages);
    bed.fake.setOverwrite(bed.homework, { id: moderators.id, type: OverwriteType.Role, allow: "0", deny: MANAGE });
    const denied = bed.fake.addUser("denied", { roles: [moderators.id] });
    expect(await read(denied)).toBe(THREAD_REFUSED);
    // ...while in #general, where nothing is denied, the same member reads their own channel's threads.
    // Role overwrites are aggregated: one role's allow beats another role's deny.
    const both = bed.fake.addUser("both", { roles: [moderators.id, homeworkMods.id] });
    expect(await read(both)).toContain(shown);
    // The member's own overwrite comes last: its deny beats every role's allow.
    const barred = bed.fake.addUser("barred", { roles: [homeworkMods.id] });
    bed.fake.setOverwrite(bed.homework, { id: barred.id, type: OverwriteType.Member, allow: "0", deny: MANAGE });
    expect(await read(barred)).toBe(THREAD_REFUSED);
    // Without View Channel in #homework, Manage Messages there means nothing.
    const blind = bed.fake.addUser("blind", { roles: [homeworkMods.id] });
    bed.fake.setOverwrite(bed.homework, { id: blind.id, type: OverwriteType.Member, allow: "0", deny: PermissionFlagsBits.ViewChannel.toString() });
    expect(await read(blind)).toBe(THREAD_REFUSED);
    // Administrator implies every permission, and no overwrite takes it away.
    const admins = bed.fake.addRole("Admins", PermissionFlagsBits.Administrator);
    bed.fake.setOverwrite(bed.homework, { id: admins.id, type: OverwriteType.Role, allow: "0", deny: MANAGE });
    expect(await read(bed.fake.addUser("admin", { roles: [admins.id] }))).toContain(shown);
  });

  it("explains how to use it outside a thread, and when a thread has no conversation", async () => {
    bed = await startDiscordTestBed();
    const moderator = addModerator(bed);
    const outside = await command(bed, "history", { channelId: bed.homework, user: moderator });
    expect(outside).toContain("thread:");
    const other = bed.fake.world.createThread({ parentId: bed.homework, name: "chat", ownerId: moderator.id });
    const unknown = await command(bed, "history", { channelId: bed.homework, user: moderator, options: [channelOption("thread", other.id)] });
    expect(unknown).toContain(`no conversation in <#${other.id}>`);
  });
});

describe("/forget", () => {
  it("deletes a user's stored messages for a moderator and says how many", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("lea");
    const moderator = addModerator(bed);
    const thread = await conversation(bed, student, "what is 2+2?");
    const followUp = bed.fake.userSays({ channelId: thread, author: bed.fake.world.users.get(student.id)!, content: "and 5+5?" });
    await bed.handled(followUp.id);
    const refused = await command(bed, "forget", { channelId: bed.homework, user: student, options: [userOption("user", student.id)] });
    expect(refused).toMatch(/only moderators/i);
    const ref = discordThread(bed, bed.homework, thread);
    expect((await transcriptOf(bed.service.gateway, ref))!.entries.filter((entry) => entry.kind === "message" && entry.role === "user")).toHaveLength(2);

    // A moderator of #homework alone may not delete what the user wrote in every channel.
    const channelMods = bed.fake.addRole("Homework moderators", 0n);
    bed.fake.setOverwrite(bed.homework, { id: channelMods.id, type: OverwriteType.Role, allow: MANAGE, deny: "0" });
    const channelModerator = bed.fake.addUser("hmod", { roles: [channelMods.id] });
    const narrow = await command(bed, "forget", { channelId: bed.homework, user: channelModerator, options: [userOption("user", student.id)] });
    expect(narrow).toBe(SERVER_MODERATORS_ONLY);
    expect((await transcriptOf(bed.service.gateway, ref))!.entries.filter((entry) => entry.kind === "message" && entry.role === "user")).toHaveLength(2);

    const content = await command(bed, "forget", { channelId: bed.homework, user: moderator, options: [userOption("user", student.id)] });
    expect(content).toBe(`Deleted 2 stored messages of <@${student.id}>.`);
    const left = (await transcriptOf(bed.service.gateway, ref))?.entries ?? [];
    expect(left.filter((entry) => entry.kind === "message" && entry.role === "user")).toEqual([]);
  });
});

describe("another server's data in the same database", () => {
  it("is neither shown by /history nor deleted by /forget, even under the same channel and thread ids and the same student", async () => {
    bed = await startDiscordTestBed();
    const student = bed.fake.addUser("noor");
    const moderator = addModerator(bed);
    const thread = await conversation(bed, student, "what is 2+2?");
    // What another server's bot stored in this SQLite file: the same ids but its own guild.
    const elsewhere = { ...discordThread(bed, bed.homework, thread), workspace: "777777777777777777" };
    const { store } = bed.service;
    const stored = store.appendUserMessage(store.getOrCreateConversation(elsewhere).id, { userId: student.id, userName: "noor", text: "the other server's question" });
    store.completeTurn(stored.id, "completed");

    const history = await command(bed, "history", { channelId: thread, user: moderator });
    expect(history).toContain("what is 2+2?");
    expect(history).not.toContain("the other server's question");
    expect(await bed.service.gateway.moderatorReads.transcript({ platform: "discord", workspace: bed.fake.guildId }, elsewhere)).toBeUndefined();

    expect(await command(bed, "forget", { channelId: bed.homework, user: moderator, options: [userOption("user", student.id)] })).toBe(
      `Deleted 1 stored message of <@${student.id}>.`,
    );
    const kept = (await transcriptOf(bed.service.gateway, elsewhere))?.entries ?? [];
    expect(kept.flatMap((e) => (e.kind === "message" ? [e.text] : []))).toEqual(["the other server's question"]);
  });
});

describe("command registration", () => {
  it("registers /ask, /history, /forget, /flags and /usage to the guild at start-up, the moderation ones for Manage Messages only", async () => {
    bed = await startDiscordTestBed();
    const commands = bed.fake.commands.guilds.get(bed.fake.guildId)!;
    expect(commands.map((c) => c.name)).toEqual(["ask", "history", "forget", "flags", "usage", "handback"]);
    const byName = new Map(commands.map((c) => [c.name, c]));
    expect(byName.get("ask")!.default_member_permissions).toBeNull();
    expect(byName.get("history")!.default_member_permissions).toBe("8192");
    expect(byName.get("forget")!.default_member_permissions).toBe("8192");
    expect(byName.get("flags")!.default_member_permissions).toBe("8192");
    expect(byName.get("usage")!.default_member_permissions).toBe("8192");
    for (const c of commands) expect(c.contexts).toEqual([0]);
    expect(byName.get("ask")!.options).toEqual([
      expect.objectContaining({ name: "question", type: 3, required: true, max_length: 1900 }),
      expect.objectContaining({ name: "image", type: 11, required: false }),
    ]);
    expect(byName.get("history")!.options).toEqual([
      expect.objectContaining({ name: "thread", type: 7, channel_types: [11, 12, 10] }),
      expect.objectContaining({ name: "page", type: 4, min_value: 1 }),
    ]);
    expect(bed.fake.commands.global).toEqual([]);
  });

  it("registers globally without a guild, and reports a refusal with a stable code", async () => {
    loneFake = await startFakeDiscord();
    const settings = { token: loneFake.token, applicationId: loneFake.applicationId, apiUrl: loneFake.apiUrl };
    expect(await registerDiscordCommands(settings)).toEqual({ scope: "global", names: ["ask", "history", "forget", "flags", "usage", "handback"] });
    expect(loneFake.commands.global.map((c) => c.name)).toEqual(["ask", "history", "forget", "flags", "usage", "handback"]);
    const refused = await registerDiscordCommands({ ...settings, applicationId: "123" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DiscordAdapterError);
    expect((refused as DiscordAdapterError).code).toBe("discord_command_registration_failed");
    const badToken = await registerDiscordCommands({ ...settings, token: "wrong" }).catch((error: unknown) => error);
    expect((badToken as DiscordAdapterError).code).toBe("discord_command_registration_failed");
  });
});
