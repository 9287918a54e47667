// /history carries an "Open in the console" button: a signed link scoped to that conversation (or to the server).

import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { createConsoleApp } from "../../../src/admin/app.js";
import { graphOf } from "../../../src/admin/console-server.js";
import { SignedConsoleLinks } from "../../../src/admin/console-links.js";
import { SqliteConsoleStore } from "../../../src/store/console/sqlite-console-store.js";
import { OverwriteType, PermissionFlagsBits } from "discord.js";
import type { CommandOption } from "../../support/fake-discord/index.js";
import { bodyOf, startDiscordTestBed, type DiscordTestBed } from "./discord-test-bed.js";
import { transcriptOf } from "../../support/moderator-reads.js";

const SECRET = "discord-console-secret-0123456789abcdef";

let bed: DiscordTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

interface LinkButton {
  type: number;
  style: number;
  label: string;
  url: string;
}

async function historyButton(bed: DiscordTestBed, channelId: string, user: { id: string }, options: CommandOption[] = []): Promise<LinkButton> {
  const interaction = bed.fake.slashCommand({ name: "history", user: bed.fake.world.users.get(user.id)!, channelId, options });
  const call = await bed.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
  const data = bodyOf(call).data as { components?: Array<{ type: number; components: LinkButton[] }> };
  expect(data.components).toHaveLength(1);
  expect(data.components![0]!.type).toBe(1);
  const button = data.components![0]!.components[0]!;
  expect(button).toMatchObject({ type: 2, style: 5 });
  expect(button.url.length).toBeLessThanOrEqual(512);
  expect(button.label.length).toBeLessThanOrEqual(80);
  return button;
}

it("a moderator goes from /history to the whole conversation in the console in one click, and sees only that one", async () => {
  const links = new SignedConsoleLinks({ secret: SECRET, publicUrl: "https://console.school.example" });
  bed = await startDiscordTestBed({ consoleLinks: links });
  const student = bed.fake.addUser("ivy", { nickname: "Ivy Q." });
  const moderators = bed.fake.addRole("Moderators", PermissionFlagsBits.ManageMessages);
  const moderator = bed.fake.addUser("mod", { nickname: "Ms Rivera", roles: [moderators.id] });
  const ask = async (question: string): Promise<string> => {
    const message = bed!.fake.userSays({ channelId: bed!.homework, author: bed!.fake.world.users.get(student.id)!, content: `<@${bed!.fake.botUser.id}> ${question}` });
    await bed!.handled(message.id);
    return message.id;
  };
  const thread = await ask("what is 2+2?");
  const otherThread = await ask("who built the pyramids?");

  const button = await historyButton(bed, thread, moderator);
  expect(button.label).toBe("Open in the console");
  const url = new URL(button.url);
  expect(url.origin).toBe("https://console.school.example");
  expect(url.pathname).toBe("/auth");

  const service = bed.service;
  const app = createConsoleApp({
    store: new SqliteConsoleStore(service.db),
    secret: SECRET,
    publicUrl: "https://console.school.example",
    agents: service.service.agents(),
    graph: graphOf(service.workflow),
    logger: pino({ level: "silent" }),
  });
  const opened = await app.request(`${url.pathname}${url.search}`);
  expect(opened.status).toBe(200);
  const target = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(await opened.text())![1]!;
  const cookie = opened.headers.getSetCookie()[0]!.split(";")[0]!;
  const page = await (await app.request(target, { headers: { Cookie: cookie } })).text();
  expect(page).toContain("what is 2+2?");
  expect(page).toContain("Ivy Q.");
  expect(page).toContain("Ms Rivera");
  const otherId = (await transcriptOf(service.gateway, { platform: "discord", workspace: bed.fake.guildId, channel: bed.homework, thread: otherThread }))!.conversationId;
  expect((await app.request(`/conversations/${otherId}`, { headers: { Cookie: cookie } })).status).toBe(404);
  // The link worked once.
  expect((await app.request(`${url.pathname}${url.search}`)).status).toBe(403);

  // Outside a thread, the button opens the server's conversations.
  const serverButton = await historyButton(bed, bed.general, moderator);
  const serverUrl = new URL(serverButton.url);
  const serverOpened = await app.request(`${serverUrl.pathname}${serverUrl.search}`);
  const serverCookie = serverOpened.headers.getSetCookie()[0]!.split(";")[0]!;
  const list = await (await app.request("/conversations", { headers: { Cookie: serverCookie } })).text();
  expect(list).toContain(`href="/conversations/${otherId}"`);
  expect(list).toContain(`discord server ${bed.fake.guildId}`);
});

it("gives the server-wide console button only to a moderator of the whole server, not to one made so in a channel", async () => {
  const links = new SignedConsoleLinks({ secret: SECRET, publicUrl: "https://console.school.example" });
  bed = await startDiscordTestBed({ consoleLinks: links });
  const generalMods = bed.fake.addRole("General moderators", 0n);
  bed.fake.setOverwrite(bed.general, { id: generalMods.id, type: OverwriteType.Role, allow: PermissionFlagsBits.ManageMessages.toString(), deny: "0" });
  const moderator = bed.fake.addUser("gmod", { roles: [generalMods.id] });
  const interaction = bed.fake.slashCommand({ name: "history", user: bed.fake.world.users.get(moderator.id)!, channelId: bed.general });
  const call = await bed.fake.waitForCall((c) => c.path.startsWith(`/interactions/${interaction.id}/`));
  const data = bodyOf(call).data as { content: string; components?: unknown[] };
  expect(data.content).toContain("thread:");
  expect(data.content).not.toContain("console");
  expect(data.components ?? []).toEqual([]);
});
