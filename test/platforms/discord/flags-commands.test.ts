// End to end with the real discord.js client: a flagged message shows in /flags for a moderator, "mark reviewed"
// records who and when (the click authorised again at the flag's thread), /usage reports tokens and cost per agent.

import { MessageFlags, OverwriteType, PermissionFlagsBits } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { SignedConsoleLinks } from "../../../src/admin/console-links.js";
import { verifyLink } from "../../../src/admin/signed-link.js";
import { REVIEW_REFUSED } from "../../../src/platforms/discord/flags-command.js";
import { FLAG_GONE } from "../../../src/platforms/common/safety-summaries.js";
import { SERVER_MODERATORS_ONLY } from "../../../src/platforms/discord/moderation-commands.js";
import { NO_OPEN_FLAGS } from "../../../src/platforms/common/safety-summaries.js";
import type { StoredInteraction } from "../../support/fake-discord/index.js";
import { bodyOf, startDiscordTestBed, type DiscordTestBed } from "./discord-test-bed.js";
import { forgetIn } from "../../support/moderator-reads.js";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

interface Button {
  type: number;
  style: number;
  label: string;
  custom_id?: string;
  url?: string;
  disabled?: boolean;
}
interface Answer {
  type: number;
  content: string;
  flags: number;
  components: Array<{ type: number; components: Button[] }>;
}

async function start(): Promise<{ bed: DiscordTestBed; moderator: { id: string }; student: { id: string }; role: { id: string } }> {
  bed = await startDiscordTestBed({ safety: { moderation: true } });
  const role = bed.fake.addRole("Moderators", PermissionFlagsBits.ManageMessages);
  const moderator = bed.fake.addUser("rivera", { nickname: "Ms Rivera", roles: [role.id] });
  const student = bed.fake.addUser("ivy", { nickname: "Ivy Q." });
  return { bed, moderator, student, role };
}

/** The bot's answer to an interaction (a command's reply, or a click's update or reply). */
async function answerTo(bed: DiscordTestBed, interaction: StoredInteraction): Promise<Answer> {
  const call = await bed.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
  expect(call.status).toBe(204);
  const body = bodyOf(call) as { type: number; data: Omit<Answer, "type"> & { allowed_mentions: unknown } };
  expect(body.data.allowed_mentions).toEqual({ parse: [] });
  return { type: body.type, content: body.data.content, flags: body.data.flags ?? 0, components: body.data.components ?? [] };
}

function slash(bed: DiscordTestBed, name: string, user: { id: string }, channelId = bed.general): StoredInteraction {
  return bed.fake.slashCommand({ name, user: bed.fake.world.users.get(user.id)!, channelId });
}

/** A student writes to the bot in #homework; resolves with the thread id once the service is done. */
async function studentSays(bed: DiscordTestBed, student: { id: string }, text: string): Promise<string> {
  const author = bed.fake.world.users.get(student.id)!;
  const message = bed.fake.userSays({ channelId: bed.homework, author, content: `<@${bed.fake.botUser.id}> ${text}` });
  await bed.handled(message.id);
  return message.id;
}

describe("/flags", () => {
  it("lists a blocked self-harm message for a moderator; mark reviewed records who and when and updates the listing", async () => {
    const { bed, moderator, student } = await start();
    bed.service.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.9 });
    const thread = await studentSays(bed, student, "I want to die, nothing matters");
    const command = slash(bed, "flags", moderator);
    const listing = await answerTo(bed, command);
    expect(listing.type).toBe(4);
    expect(listing.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(listing.content).toContain("**Flags to review** (newest first)");
    expect(listing.content).toMatch(/\*\*#\d+\*\* 🔴 urgent · self-harm\/intent 0\.96, self-harm 0\.90 · blocked \(no agent ran\) · student's message/);
    expect(listing.content).toContain(`Ivy Q. in <#${thread}>`);
    expect(listing.content).toContain("> I want to die, nothing matters");
    const [flag] = await bed.service.service.classroomSafety()!.listFlags({ platform: "discord", workspace: bed.fake.guildId });
    expect(listing.components).toEqual([
      { type: 1, components: [expect.objectContaining({ type: 2, style: 3, label: `Mark #${flag!.id} reviewed`, custom_id: `baton:review-flag:${flag!.id}` })] },
    ]);

    const click = bed.fake.clickButton({ user: bed.fake.world.users.get(moderator.id)!, messageId: command.originalMessageId!, customId: `baton:review-flag:${flag!.id}` });
    const updated = await answerTo(bed, click);
    expect(updated.type).toBe(7);
    expect(updated.content).toMatch(/✓ Reviewed by Ms Rivera <t:\d+:R>/);
    expect(updated.components[0]!.components[0]).toMatchObject({ label: `#${flag!.id} reviewed`, disabled: true });
    // The ephemeral listing itself was edited in place.
    expect(bed.fake.world.messages.get(command.originalMessageId!)!.content).toContain("✓ Reviewed by Ms Rivera");
    const reviewed = (await bed.service.service.classroomSafety()!.getFlag(flag!.id))!;
    expect(reviewed.reviewedBy).toBe("Ms Rivera");
    expect(reviewed.reviewedAt).toBeGreaterThan(0);
    // Reviewed flags leave the listing.
    expect((await answerTo(bed, slash(bed, "flags", moderator))).content).toBe(NO_OPEN_FLAGS);
  });

  it("refuses a student the listing, and refuses the click to a moderator who lost the right since, or who may not manage #homework", async () => {
    const { bed, moderator, student, role } = await start();
    bed.service.fakeOpenAI.moderations.script("fight", { violence: 0.8 });
    await studentSays(bed, student, "there was a fight, who started the war of 1812?");
    const refused = await answerTo(bed, slash(bed, "flags", student));
    expect(refused.content).toBe(SERVER_MODERATORS_ONLY);
    expect(refused.components).toEqual([]);

    const command = slash(bed, "flags", moderator);
    const listing = await answerTo(bed, command);
    const customId = listing.components[0]!.components[0]!.custom_id!;
    const flagId = Number(customId.split(":").at(-1));
    // Denied Manage Messages in #homework (where the flagged thread is) after the listing was shown.
    bed.fake.setOverwrite(bed.homework, { id: role.id, type: OverwriteType.Role, allow: "0", deny: PermissionFlagsBits.ManageMessages.toString() });
    const click = bed.fake.clickButton({ user: bed.fake.world.users.get(moderator.id)!, messageId: command.originalMessageId!, customId });
    const answer = await answerTo(bed, click);
    expect(answer).toMatchObject({ type: 4, content: REVIEW_REFUSED });
    expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((await bed.service.service.classroomSafety()!.getFlag(flagId))!.reviewedAt).toBeUndefined();

    // Demoted altogether: refused as well.
    bed.fake.setOverwrite(bed.homework, { id: role.id, type: OverwriteType.Role, allow: "0", deny: "0" });
    bed.fake.world.memberRoles.set(moderator.id, []);
    const again = await answerTo(bed, bed.fake.clickButton({ user: bed.fake.world.users.get(moderator.id)!, messageId: command.originalMessageId!, customId }));
    expect(again.content).toBe(REVIEW_REFUSED);
    expect((await bed.service.service.classroomSafety()!.getFlag(flagId))!.reviewedAt).toBeUndefined();
  });

  it("says so when the flag is gone (the student was forgotten) instead of recording anything", async () => {
    const { bed, moderator, student } = await start();
    bed.service.fakeOpenAI.moderations.script("fight", { violence: 0.8 });
    await studentSays(bed, student, "there was a fight, who started the war of 1812?");
    const command = slash(bed, "flags", moderator);
    const customId = (await answerTo(bed, command)).components[0]!.components[0]!.custom_id!;
    (await forgetIn(bed.service.service, "discord", student.id, bed.fake.guildId));
    const answer = await answerTo(bed, bed.fake.clickButton({ user: bed.fake.world.users.get(moderator.id)!, messageId: command.originalMessageId!, customId }));
    expect(answer).toMatchObject({ type: 4, content: FLAG_GONE });
  });

  it("lists only as many flags as fit in one Discord message, each listed flag with its button", async () => {
    const { bed, moderator, student } = await start();
    // Every category over its threshold: long headlines.
    const all = ["harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "sexual", "violence", "violence/graphic"];
    bed.service.fakeOpenAI.moderations.script("essay", Object.fromEntries(all.map((c) => [c, 0.51])));
    for (let i = 0; i < 5; i++) await studentSays(bed, student, `essay ${i}: ${"a very long question about the war, with every detail of it ".repeat(4)}`);
    const listing = await answerTo(bed, slash(bed, "flags", moderator));
    expect(listing.content.length).toBeLessThanOrEqual(2000);
    const listed = [...listing.content.matchAll(/\*\*#(\d+)\*\*/g)].map((m) => `baton:review-flag:${m[1]}`);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(5);
    expect(listing.components[0]!.components.map((b) => b.custom_id)).toEqual(listed);
  });

  it("carries a signed link to the console's flags page, scoped to this server, when the console runs", async () => {
    const secret = "discord-flags-console-secret-0123456789";
    bed = await startDiscordTestBed({ safety: { moderation: true }, consoleLinks: new SignedConsoleLinks({ secret, publicUrl: "https://console.school.example" }) });
    const role = bed.fake.addRole("Moderators", PermissionFlagsBits.ManageMessages);
    const moderator = bed.fake.addUser("rivera", { nickname: "Ms Rivera", roles: [role.id] });
    const answer = await answerTo(bed, slash(bed, "flags", moderator));
    expect(answer.content).toBe(NO_OPEN_FLAGS);
    const link = answer.components.flatMap((row) => row.components).find((button) => button.style === 5)!;
    expect(link.label).toBe("Review flags in the console");
    const url = new URL(link.url!);
    expect(url.origin).toBe("https://console.school.example");
    const claims = verifyLink(secret, url.searchParams.get("t")!, Date.now());
    expect(claims).toMatchObject({ path: "/flags", scope: { kind: "workspace", platform: "discord", workspace: bed.fake.guildId } });
  });
});

describe("/usage", () => {
  it("shows a moderator today's and this month's tokens, estimated cost and the split per agent; refuses a student", async () => {
    const { bed, moderator, student } = await start();
    await studentSays(bed, student, "what is 2+2?");
    const answer = await answerTo(bed, slash(bed, "usage", moderator));
    expect(answer.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(answer.content).toMatch(/^\*\*Usage in this server\*\*\nToday \(\d{4}-\d{2}-\d{2}, UTC\): [1-9][\d,]* tokens \([\d,]+ in, [\d,]+ out\) · ~\$0\.\d+/);
    expect(answer.content).toMatch(/This month \(\d{4}-\d{2}\): [1-9][\d,]* tokens/);
    expect(answer.content).toMatch(/Per agent today: (Math Tutor|Triage) [\d,]+ \(~\$[\d.]+\) · (Math Tutor|Triage) [\d,]+/);
    expect(answer.content).toContain("Caps: no cap per student; no cap per server/workspace.");
    expect((await answerTo(bed, slash(bed, "usage", student))).content).toBe(SERVER_MODERATORS_ONLY);
  });
});
