// End to end through Bolt's HTTP receiver and the real service: a flagged message shows in /homework-flags; its
// "Mark reviewed" button (block_actions, acked at once) records who and when, replaces the listing, and is refused
// to one who is no longer a moderator; /homework-usage reports tokens and cost per agent.

import { afterEach, describe, expect, it } from "vitest";
import { SignedConsoleLinks } from "../../../src/admin/console-links.js";
import { verifyLink } from "../../../src/admin/signed-link.js";
import { NO_OPEN_FLAGS } from "../../../src/platforms/common/safety-summaries.js";
import { REFUSAL } from "../../../src/platforms/slack/moderation-commands.js";
import { slashCommandBody, type FakeEphemeral } from "../../support/fake-slack/index.js";
import { startServiceHarness, type ServiceHarness } from "../../support/service-harness.js";
import { ADMIN, CHANNEL, MODERATOR, STUDENT, startSlackTestBot, type SlackTestBot } from "./slack-test-bot.js";

let h: ServiceHarness | undefined;
let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  await h?.close();
  t = undefined;
  h = undefined;
});

async function start(): Promise<{ h: ServiceHarness; t: SlackTestBot }> {
  h = await startServiceHarness({ safety: { moderation: true } });
  t = await startSlackTestBot({ gateway: h.gateway });
  return { h, t };
}

/** Runs a slash command as `userId` in the homework channel; resolves with the ephemeral messages it produced. */
async function run(bot: SlackTestBot, command: string, text: string, userId: string): Promise<FakeEphemeral[]> {
  const before = bot.fake.ephemerals.length;
  const body = slashCommandBody({
    command,
    text,
    userId,
    channelId: CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl({ channel: CHANNEL, user: userId }),
  });
  expect((await bot.sender.sendCommand(body)).status).toBe(200);
  await bot.bot.idle();
  return bot.fake.ephemerals.slice(before);
}

const blockTexts = (message: FakeEphemeral): string =>
  (message.blocks ?? [])
    .map((block) => {
      const b = block as { text?: { text: string }; elements?: Array<{ text?: string | { text: string } }> };
      return b.text?.text ?? (b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : e.text?.text ?? "")).join(" ");
    })
    .join("\n");

const buttonsOf = (message: FakeEphemeral) =>
  (message.blocks ?? []).flatMap((block) => ((block as { type: string }).type === "actions" ? (block as { elements: Array<{ action_id: string; text: { text: string } }> }).elements : []));

describe("/homework-flags", () => {
  it("shows a blocked self-harm message to a moderator; Mark reviewed records who and when and replaces the listing", async () => {
    const { h, t } = await start();
    h.fakeOpenAI.moderations.script("want to die", { "self-harm/intent": 0.96, "self-harm": 0.9 });
    await run(t, "/homework", "I want to die, nothing matters", STUDENT.id);
    expect(h.fakeOpenAI.requests).toHaveLength(0);

    const [listing, ...more] = await run(t, "/homework-flags", "", MODERATOR.id);
    expect(more).toEqual([]);
    const text = blockTexts(listing!);
    expect(text).toContain("*Flags to review* (newest first)");
    expect(text).toMatch(/\*#\d+\* 🔴 urgent · self-harm\/intent 0\.96, self-harm 0\.90 · blocked \(no agent ran\) · student's message/);
    expect(text).toContain("> I want to die, nothing matters");
    expect(text).toMatch(/in <https:\/\/baton-school\.slack\.com\/archives\/C0HOMEWORK\/p\d+\|this thread>/);
    const [flag] = await h.service.classroomSafety()!.listFlags({ platform: "slack", workspace: t.fake.identity.teamId });
    expect(buttonsOf(listing!)).toEqual([expect.objectContaining({ action_id: `baton-review-flag-${flag!.id}`, text: { type: "plain_text", text: `Mark #${flag!.id} reviewed` } })]);

    const click = t.fake.clickButton({ user: MODERATOR.id, messageTs: listing!.ts, actionId: `baton-review-flag-${flag!.id}` });
    const ack = await t.sender.sendAction(click);
    expect(ack.status).toBe(200);
    await t.bot.idle();
    expect(listing!.replaced).toBe(1);
    expect(blockTexts(listing!)).toMatch(/✓ Reviewed by mod <!date\^\d+\^/);
    expect(buttonsOf(listing!)).toEqual([]);
    const reviewed = (await h.service.classroomSafety()!.getFlag(flag!.id))!;
    expect(reviewed.reviewedBy).toBe("mod");
    expect(reviewed.reviewedAt).toBeGreaterThan(0);
    const [again] = await run(t, "/homework-flags", "", MODERATOR.id);
    expect(again!.text).toBe(NO_OPEN_FLAGS);
  });

  it("refuses a student, and refuses the click of an admin demoted since the listing (users.info asked again)", async () => {
    const { h, t } = await start();
    h.fakeOpenAI.moderations.script("fight", { violence: 0.8 });
    await run(t, "/homework", "there was a fight, who started the war of 1812?", STUDENT.id);
    const [refused] = await run(t, "/homework-flags", "", STUDENT.id);
    expect(refused).toMatchObject({ text: REFUSAL, blocks: undefined });

    const [listing] = await run(t, "/homework-flags", "", ADMIN.id);
    const [button] = buttonsOf(listing!);
    t.fake.addUser({ ...ADMIN, isAdmin: false });
    const before = t.fake.ephemerals.length;
    expect((await t.sender.sendAction(t.fake.clickButton({ user: ADMIN.id, messageTs: listing!.ts, actionId: button!.action_id }))).status).toBe(200);
    await t.bot.idle();
    expect(t.fake.ephemerals.slice(before).map((m) => m.text)).toEqual([REFUSAL]);
    expect(listing!.replaced).toBe(0);
    const [flag] = await h.service.classroomSafety()!.listFlags({ platform: "slack", workspace: t.fake.identity.teamId });
    expect(flag!.reviewedAt).toBeUndefined();
  });

  it("works over Socket Mode too: the click arrives as an interactive envelope, acked at once, and replaces the listing", async () => {
    h = await startServiceHarness({ safety: { moderation: true } });
    t = await startSlackTestBot({ gateway: h.gateway, settings: { appToken: "xapp-fake-app-token", signingSecret: undefined } });
    await t.fake.socketMode.waitForConnection();
    h.fakeOpenAI.moderations.script("fight", { violence: 0.8 });
    const command = async (name: string, text: string, userId: string) => {
      const form = slashCommandBody({
        command: name,
        text,
        userId,
        channelId: CHANNEL,
        teamId: t!.fake.identity.teamId,
        teamDomain: t!.fake.identity.teamDomain,
        responseUrl: t!.fake.responseUrl({ channel: CHANNEL, user: userId }),
      });
      await t!.fake.socketMode.send({ type: "slash_commands", payload: Object.fromEntries(new URLSearchParams(form)) });
      await t!.bot.idle();
    };
    await command("/homework", "there was a fight, who started the war of 1812?", STUDENT.id);
    await command("/homework-flags", "", MODERATOR.id);
    const listing = t.fake.ephemerals.at(-1)!;
    const [button] = buttonsOf(listing);
    const ack = await t.fake.socketMode.send({ type: "interactive", payload: t.fake.clickButton({ user: MODERATOR.id, messageTs: listing.ts, actionId: button!.action_id }) });
    expect(ack.payload ?? {}).toEqual({});
    await t.bot.idle();
    expect(listing.replaced).toBe(1);
    expect(blockTexts(listing)).toContain("✓ Reviewed by mod");
  });

  it("carries a signed link to the console's flags page, scoped to this workspace, when the console runs", async () => {
    const secret = "slack-flags-console-secret-0123456789";
    h = await startServiceHarness({ safety: { moderation: true } });
    t = await startSlackTestBot({ gateway: h.gateway, consoleLinks: new SignedConsoleLinks({ secret, publicUrl: "https://console.school.example" }) });
    const [answer] = await run(t, "/homework-flags", "", MODERATOR.id);
    expect(answer!.text).toBe(NO_OPEN_FLAGS);
    const link = /<(https:\/\/console\.school\.example\/auth\?t=[^|>]+)\|Review flags in the console>/.exec(blockTexts(answer!));
    expect(link).not.toBeNull();
    const claims = verifyLink(secret, new URL(link![1]!.replace(/&amp;/g, "&")).searchParams.get("t")!, Date.now());
    expect(claims).toMatchObject({ path: "/flags", scope: { kind: "workspace", platform: "slack", workspace: t.fake.identity.teamId } });
  });
});

describe("/homework-usage", () => {
  it("shows a moderator today's and this month's tokens and cost, per agent; refuses a student", async () => {
    const { t } = await start();
    await run(t, "/homework", "What is 2+2?", STUDENT.id);
    const [usage] = await run(t, "/homework-usage", "", MODERATOR.id);
    expect(usage!.text).toMatch(/^\*Usage in this workspace\*\nToday \(\d{4}-\d{2}-\d{2}, UTC\): [1-9][\d,]* tokens \([\d,]+ in, [\d,]+ out\) · ~\$0\.\d+/);
    expect(usage!.text).toMatch(/Per agent today: (Math Tutor|Triage) [\d,]+ \(~\$[\d.]+\) · (Math Tutor|Triage) [\d,]+/);
    expect(usage!.text).toContain("_Costs are estimates from the price table (BATON_MODEL_PRICES), not a bill._");
    const [refused] = await run(t, "/homework-usage", "", STUDENT.id);
    expect(refused!.text).toBe(REFUSAL);
  });
});
