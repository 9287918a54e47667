// /homework-history answers open with a signed console link: that conversation, or the workspace without a thread link.

import { afterEach, expect, it } from "vitest";
import { SignedConsoleLinks } from "../../../src/admin/console-links.js";
import { verifyLink } from "../../../src/admin/signed-link.js";
import { slashCommandBody } from "../../support/fake-slack/index.js";
import { FakeGateway } from "./fake-gateway.js";
import { CHANNEL, MODERATOR, startSlackTestBot, STUDENT, type SlackTestBot } from "./slack-test-bot.js";

const SECRET = "slack-console-secret-0123456789abcdef00";
const ROOT = "1700000000.000100";

let t: SlackTestBot | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function history(bot: SlackTestBot, text: string, userId: string): Promise<string> {
  const before = bot.fake.responses.length;
  const body = slashCommandBody({
    command: "/homework-history",
    text,
    userId,
    userName: "ms.rivera",
    channelId: CHANNEL,
    teamId: bot.fake.identity.teamId,
    teamDomain: bot.fake.identity.teamDomain,
    responseUrl: bot.fake.responseUrl(),
  });
  expect((await bot.sender.sendCommand(body)).status).toBe(200);
  await bot.bot.idle();
  return String(bot.fake.responses[before]?.body.text);
}

function claimsOf(text: string) {
  const match = /^<(https:\/\/console\.school\.example\/auth\?t=[A-Za-z0-9_.-]+)\|([^>]+)> _\(link valid 15 minutes, once\)_\n\n/.exec(text);
  expect(match, text).not.toBeNull();
  return { label: match![2], claims: verifyLink(SECRET, new URL(match![1]!).searchParams.get("t")!, Date.now()) };
}

it("a transcript's answer links to that conversation only; a channel listing to the workspace", async () => {
  const gateway = new FakeGateway();
  t = await startSlackTestBot({ gateway, consoleLinks: new SignedConsoleLinks({ secret: SECRET, publicUrl: "https://console.school.example" }) });
  const teamId = t.fake.identity.teamId;
  gateway.moderatorReads.setTranscript({
    conversationId: 12,
    thread: { platform: "slack", workspace: teamId, channel: CHANNEL, thread: ROOT },
    activeAgent: "math_tutor",
    startedAt: new Date(0),
    trail: ["triage_agent"],
    entries: [{ kind: "message", role: "user", author: "Ada", authorId: STUDENT.id, text: "hi", at: new Date(0), flags: [] }],
  });
  const transcript = await history(t, `https://baton-school.slack.com/archives/${CHANNEL}/p${ROOT.replace(".", "")}`, MODERATOR.id);
  const one = claimsOf(transcript);
  expect(one.label).toBe("Open this conversation in the console");
  expect(one.claims.scope).toEqual({ kind: "conversation", conversationId: 12, platform: "slack", workspace: teamId });
  expect(one.claims.actor).toEqual({ id: `slack:${MODERATOR.id}`, name: "ms.rivera" });
  expect(one.claims.path).toBe("/conversations/12");
  expect(transcript).toContain("*Conversation #12*");

  const listing = claimsOf(await history(t, "", MODERATOR.id));
  expect(listing.claims.scope).toEqual({ kind: "workspace", platform: "slack", workspace: teamId });
  expect(listing.claims.path).toBe("/conversations");
});

it("without the console the answers carry no link", async () => {
  const gateway = new FakeGateway();
  t = await startSlackTestBot({ gateway });
  expect(await history(t, "", MODERATOR.id)).not.toContain("/auth?t=");
});
