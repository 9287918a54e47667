// The fake Discord refuses what Discord refuses: the end-to-end tests can only fail where the real service would.

import { once } from "node:events";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatewayCloseCodes, GatewayOpcodes } from "discord.js";
import WebSocket from "ws";
import { Intent, startFakeDiscord, stringOption, type FakeDiscord } from "../../support/fake-discord/index.js";

let fake: FakeDiscord;
beforeEach(async () => {
  fake = await startFakeDiscord();
});
afterEach(async () => {
  await fake.close();
});

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function api(method: string, path: string, options: { body?: unknown; auth?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? `Bot ${fake.token}` : options.auth;
  if (auth !== null) headers.authorization = auth;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${fake.apiUrl}/v10${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const codeOf = (answer: Answer) => answer.body.code;

describe("fake Discord REST", () => {
  it("requires the bot token on bot routes and answers unknown routes 404", async () => {
    expect((await api("GET", "/users/@me", { auth: null })).status).toBe(401);
    expect((await api("GET", "/users/@me", { auth: "Bot wrong" })).status).toBe(401);
    expect((await api("GET", "/users/@me", { auth: fake.token })).status).toBe(401);
    expect(await api("GET", "/users/@me")).toMatchObject({ status: 200, body: { id: fake.botUser.id, bot: true } });
    expect((await api("GET", "/nowhere")).status).toBe(404);
    expect(fake.calls.map((call) => call.path)).toContain("/nowhere");
  });

  it("refuses messages over 2,000 characters, empty ones, and contradictory allowed_mentions", async () => {
    const channel = fake.channelId("homework");
    const long = await api("POST", `/channels/${channel}/messages`, { body: { content: "x".repeat(2001) } });
    expect(long.status).toBe(400);
    expect(codeOf(long)).toBe(50035);
    expect(long.body.errors).toHaveProperty("content");
    expect(codeOf(await api("POST", `/channels/${channel}/messages`, { body: { content: "  \n " } }))).toBe(50006);
    expect(codeOf(await api("POST", `/channels/${channel}/messages`, { body: {} }))).toBe(50006);
    expect(codeOf(await api("POST", `/channels/${channel}/messages`, { body: { content: "hi", allowed_mentions: { parse: ["users"], users: ["1"] } } }))).toBe(50035);
    expect(codeOf(await api("POST", `/channels/${channel}/messages`, { body: { content: "hi", allowed_mentions: { parse: ["all"] } } }))).toBe(50035);
    expect((await api("POST", `/channels/${channel}/messages`, { body: { content: "x".repeat(2000) } })).status).toBe(200);
    expect(codeOf(await api("POST", "/channels/1/messages", { body: { content: "hi" } }))).toBe(10003);
  });

  it("pings only what allowed_mentions allows", async () => {
    const channel = fake.channelId("homework");
    const user = fake.addUser("pat");
    const loud = await api("POST", `/channels/${channel}/messages`, { body: { content: `@everyone <@${user.id}>` } });
    expect(loud.body).toMatchObject({ mention_everyone: true, mentions: [{ id: user.id }] });
    const quiet = await api("POST", `/channels/${channel}/messages`, { body: { content: `@everyone <@${user.id}>`, allowed_mentions: { parse: [] } } });
    expect(quiet.body).toMatchObject({ mention_everyone: false, mentions: [] });
  });

  it("refuses thread names over 100 characters and a second thread on one message", async () => {
    const channel = fake.channelId("homework");
    const message = await api("POST", `/channels/${channel}/messages`, { body: { content: "question" } });
    const id = String(message.body.id);
    expect(codeOf(await api("POST", `/channels/${channel}/messages/${id}/threads`, { body: { name: "n".repeat(101) } }))).toBe(50035);
    expect(codeOf(await api("POST", `/channels/${channel}/messages/${id}/threads`, { body: { name: "" } }))).toBe(50035);
    const thread = await api("POST", `/channels/${channel}/messages/${id}/threads`, { body: { name: "n".repeat(100) } });
    expect(thread).toMatchObject({ status: 201, body: { id, parent_id: channel, type: 11 } });
    expect(codeOf(await api("POST", `/channels/${channel}/messages/${id}/threads`, { body: { name: "again" } }))).toBe(160004);
    expect(codeOf(await api("POST", `/channels/${channel}/messages/1/threads`, { body: { name: "x" } }))).toBe(10008);
    const loose = await api("POST", `/channels/${channel}/threads`, { body: { name: "loose", type: 11 } });
    expect(loose.status).toBe(201);
    expect(fake.messagesIn(channel).at(-1)).toMatchObject({ type: 18, content: "loose" });
  });

  it("checks webhook names, tokens, threads and the Manage Webhooks switch", async () => {
    const channel = fake.channelId("homework");
    const other = fake.channelId("general");
    expect(codeOf(await api("POST", `/channels/${channel}/webhooks`, { body: { name: "My Clyde" } }))).toBe(50035);
    const created = await api("POST", `/channels/${channel}/webhooks`, { body: { name: "Baton" } });
    const hook = created.body as { id: string; token: string; application_id: string };
    expect(hook.application_id).toBe(fake.applicationId);
    const thread = fake.world.createThread({ parentId: channel, name: "t", ownerId: fake.botUser.id });
    const elsewhere = fake.world.createThread({ parentId: other, name: "t", ownerId: fake.botUser.id });
    const execute = (query: string, body: unknown, token = hook.token) => api("POST", `/webhooks/${hook.id}/${token}${query}`, { body, auth: null });
    expect(codeOf(await execute(`?wait=true&thread_id=${thread.id}`, { content: "hi", username: "Discord Tutor" }))).toBe(50035);
    expect(codeOf(await execute(`?wait=true&thread_id=${thread.id}`, { content: "hi", username: "u".repeat(81) }))).toBe(50035);
    expect(codeOf(await execute(`?wait=true&thread_id=${elsewhere.id}`, { content: "hi" }))).toBe(10003);
    expect(codeOf(await execute("?wait=true", { content: "hi" }, "wrong"))).toBe(50027);
    const posted = await execute(`?wait=true&thread_id=${thread.id}`, { content: "hi", username: "Math Tutor" });
    expect(posted.body).toMatchObject({ channel_id: thread.id, webhook_id: hook.id, author: { username: "Math Tutor", bot: true } });
    expect((await execute(`?thread_id=${thread.id}`, { content: "no wait" })).status).toBe(204);
    fake.deleteWebhook(hook.id);
    expect(await execute("?wait=true", { content: "hi" })).toMatchObject({ status: 404, body: { code: 10015 } });
    fake.setCanManageWebhooks(false);
    expect(await api("GET", `/channels/${channel}/webhooks`)).toMatchObject({ status: 403, body: { code: 50013 } });
    expect(await api("POST", `/channels/${channel}/webhooks`, { body: { name: "Baton" } })).toMatchObject({ status: 403, body: { code: 50013 } });
  });

  it("takes one interaction answer within 3 seconds, and edits and follow-ups only after it", async () => {
    const user = fake.addUser("quinn");
    const channelId = fake.channelId("homework");
    const interaction = fake.slashCommand({ name: "ask", user, channelId, options: [stringOption("question", "q")] });
    const callback = `/interactions/${interaction.id}/${interaction.token}/callback`;
    const original = `/webhooks/${fake.applicationId}/${interaction.token}/messages/@original`;
    expect(codeOf(await api("PATCH", original, { body: { content: "early" }, auth: null }))).toBe(10008);
    expect(codeOf(await api("POST", `/webhooks/${fake.applicationId}/${interaction.token}`, { body: { content: "early" }, auth: null }))).toBe(10015);
    expect((await api("POST", callback, { body: { type: 5 }, auth: null })).status).toBe(204);
    expect(await api("POST", callback, { body: { type: 5 }, auth: null })).toMatchObject({ status: 400, body: { code: 40060 } });
    expect(codeOf(await api("PATCH", original, { body: { content: "" }, auth: null }))).toBe(50006);
    expect(await api("PATCH", original, { body: { content: "the question" }, auth: null })).toMatchObject({ status: 200, body: { content: "the question", flags: 0 } });

    const late = fake.slashCommand({ name: "ask", user, channelId, options: [stringOption("question", "q")], ageMs: 3_500 });
    const refused = await api("POST", `/interactions/${late.id}/${late.token}/callback`, { body: { type: 5 }, auth: null });
    expect(refused).toMatchObject({ status: 404, body: { code: 10062 } });
  });

  it("answers a planned rate limit as Discord does (429, Retry-After, X-RateLimit-*, retry_after) and a 500, then the route", async () => {
    fake.rateLimit({ method: "GET", path: /^\/users\/@me$/, retryAfterSeconds: 1.5 });
    fake.failWithServerError({ method: "GET", path: /^\/users\/@me$/ });
    const limited = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${fake.token}` } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await limited.json()).toEqual({ message: "You are being rate limited.", retry_after: 1.5, global: false });
    expect(await api("GET", "/users/@me")).toMatchObject({ status: 500, body: { code: 0 } });
    expect((await api("GET", "/users/@me")).status).toBe(200);
    expect((await api("GET", "/users/@me")).status).toBe(200);
    expect(fake.faultsServed()).toBe(2);
  });

  it("checks buttons like Discord, answers a click only with a button on the message, and lets only a click update it", async () => {
    const user = fake.addUser("quinn");
    const channelId = fake.channelId("homework");
    const button = (customId: string) => ({ type: 2, style: 3, label: "Mark reviewed", custom_id: customId });
    const reply = async (components: unknown) => {
      const interaction = fake.slashCommand({ name: "flags", user, channelId });
      const answer = await api("POST", `/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: 4, data: { content: "x", flags: 64, components } }, auth: null });
      return { interaction, answer };
    };
    expect(codeOf((await reply([{ type: 1, components: [button("a"), button("a")] }])).answer)).toBe(50035);
    expect(codeOf((await reply([{ type: 1, components: ["a", "b", "c", "d", "e", "f"].map(button) }])).answer)).toBe(50035);
    expect(codeOf((await reply([{ type: 1, components: [button("x".repeat(101))] }])).answer)).toBe(50035);
    expect(codeOf((await reply([{ type: 1, components: [{ type: 2, style: 5, label: "l", url: "https://x.example", custom_id: "c" }] }])).answer)).toBe(50035);
    expect(codeOf((await reply([{ type: 1, components: [{ type: 2, style: 1, label: "l" }] }])).answer)).toBe(50035);
    // A slash command cannot answer by updating a message; a click can.
    const command = fake.slashCommand({ name: "flags", user, channelId });
    expect(codeOf(await api("POST", `/interactions/${command.id}/${command.token}/callback`, { body: { type: 7, data: { content: "y" } }, auth: null }))).toBe(50035);
    const { interaction } = await reply([{ type: 1, components: [button("review:1")] }]);
    expect(() => fake.clickButton({ user, messageId: interaction.originalMessageId!, customId: "review:2" })).toThrow(/no clickable button/);
    expect(() => fake.clickButton({ user: fake.addUser("other"), messageId: interaction.originalMessageId!, customId: "review:1" })).toThrow(/ephemeral/);
    const click = fake.clickButton({ user, messageId: interaction.originalMessageId!, customId: "review:1" });
    const update = { type: 7, data: { content: "done", components: [{ type: 1, components: [{ ...button("review:1"), disabled: true }] }] } };
    expect((await api("POST", `/interactions/${click.id}/${click.token}/callback`, { body: update, auth: null })).status).toBe(204);
    expect(fake.world.messages.get(interaction.originalMessageId!)).toMatchObject({ content: "done", components: update.data.components });
    expect(() => fake.clickButton({ user, messageId: interaction.originalMessageId!, customId: "review:1" })).toThrow(/no clickable button/);
  });

  it("checks slash command definitions like Discord", async () => {
    const route = `/applications/${fake.applicationId}/commands`;
    expect(codeOf(await api("PUT", route, { body: [{ name: "Ask", description: "d" }] }))).toBe(50035);
    expect(codeOf(await api("PUT", route, { body: [{ name: "ask", description: "" }] }))).toBe(50035);
    const options = [
      { name: "a", description: "d", type: 3 },
      { name: "b", description: "d", type: 3, required: true },
    ];
    expect(codeOf(await api("PUT", route, { body: [{ name: "ask", description: "d", options }] }))).toBe(50035);
    expect(codeOf(await api("PUT", `/applications/1/commands`, { body: [] }))).toBe(50001);
    expect((await api("PUT", route, { body: [{ name: "ask", description: "d" }] })).status).toBe(200);
  });
});

/** A raw gateway client: the frames the fake sends, in order. */
async function connect(query = "?v=10&encoding=json") {
  const socket = new WebSocket(`${fake.gatewayUrl}${query}`);
  const frames: Array<{ op: number; t: string | null; d: Record<string, unknown> }> = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    frames.push(JSON.parse(String(data)) as { op: number; t: string | null; d: Record<string, unknown> });
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (matches: (frame: (typeof frames)[number]) => boolean) => {
    for (;;) {
      const found = frames.find(matches);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const closed = once(socket, "close").then(([code]) => code as number);
  await once(socket, "open");
  return { socket, frames, next, closed, send: (payload: unknown) => socket.send(JSON.stringify(payload)) };
}

const identify = (token: string, intents: number) => ({
  op: GatewayOpcodes.Identify,
  d: { token, intents, properties: { os: "linux", browser: "test", device: "test" }, shard: [0, 1] },
});

describe("fake Discord gateway", () => {
  it("says HELLO, acknowledges heartbeats, and sends READY then GUILD_CREATE on IDENTIFY", async () => {
    const client = await connect();
    const hello = await client.next((frame) => frame.op === GatewayOpcodes.Hello);
    expect(hello.d.heartbeat_interval).toBe(41_250);
    client.send({ op: GatewayOpcodes.Heartbeat, d: null });
    await client.next((frame) => frame.op === GatewayOpcodes.HeartbeatAck);
    client.send(identify(fake.token, Intent.Guilds | Intent.GuildMessages));
    const guild = await client.next((frame) => frame.t === "GUILD_CREATE");
    expect(client.frames.filter((frame) => frame.op === 0).map((frame) => frame.t)).toEqual(["READY", "GUILD_CREATE"]);
    expect(guild.d).toMatchObject({ id: fake.guildId, members: [{ user: { id: fake.botUser.id } }] });
    client.socket.close();
  });

  it("closes on a wrong token, a wrong version or encoding, and an opcode before IDENTIFY", async () => {
    const badToken = await connect();
    badToken.send(identify("wrong", Intent.Guilds));
    expect(await badToken.closed).toBe(GatewayCloseCodes.AuthenticationFailed);
    expect(await (await connect("?v=9&encoding=json")).closed).toBe(GatewayCloseCodes.InvalidAPIVersion);
    expect(await (await connect("?v=10&encoding=etf")).closed).toBe(GatewayCloseCodes.DecodeError);
    expect(await (await connect("?v=10&encoding=json&compress=zlib-stream")).closed).toBe(GatewayCloseCodes.DecodeError);
    const early = await connect();
    early.send({ op: GatewayOpcodes.PresenceUpdate, d: { status: "online", activities: [], since: null, afk: false } });
    expect(await early.closed).toBe(GatewayCloseCodes.NotAuthenticated);
  });

  it("hides message content from a session without the Message Content intent unless the bot is mentioned", async () => {
    const client = await connect();
    client.send(identify(fake.token, Intent.Guilds | Intent.GuildMessages));
    await fake.waitForReady();
    const user = fake.addUser("rae");
    fake.userSays({ channelId: fake.channelId("homework"), author: user, content: "secret" });
    fake.userSays({ channelId: fake.channelId("homework"), author: user, content: `<@${fake.botUser.id}> visible` });
    await client.next((frame) => frame.t === "MESSAGE_CREATE" && frame.d.mentions !== undefined && (frame.d.mentions as unknown[]).length > 0);
    const contents = client.frames.filter((frame) => frame.t === "MESSAGE_CREATE").map((frame) => frame.d.content);
    expect(contents).toEqual(["", `<@${fake.botUser.id}> visible`]);
    client.socket.close();
  });

  it("refuses the Message Content intent when the application may not use it", async () => {
    await fake.close();
    fake = await startFakeDiscord({ messageContentIntent: false });
    const client = await connect();
    client.send(identify(fake.token, Intent.Guilds | Intent.GuildMessages | Intent.MessageContent));
    expect(await client.closed).toBe(GatewayCloseCodes.DisallowedIntents);
  });
});

describe("fake Discord: embeds and edits, as the real API refuses them", () => {
  it("refuses an embed description over 4096 characters, more than 25 fields, and 6000 characters in all", async () => {
    const channel = fake.channelId("general");
    const post = (embeds: unknown) => api("POST", `/channels/${channel}/messages`, { body: { embeds } });
    expect((await post([{ description: "x".repeat(4096) }])).status).toBe(200);
    const long = await post([{ description: "x".repeat(4097) }]);
    expect([long.status, codeOf(long)]).toEqual([400, 50035]);
    expect(long.body.errors).toMatchObject({ embeds: { 0: { description: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } });
    expect((await post([{ fields: Array.from({ length: 26 }, () => ({ name: "a", value: "b" })) }])).status).toBe(400);
    expect((await post([{ fields: [{ name: "a", value: "" }] }])).status).toBe(400);
    expect((await post([{ description: "x".repeat(4000) }, { description: "y".repeat(2001) }])).status).toBe(400);
    expect((await post([{ color: 0x1000000 }])).status).toBe(400);
  });

  it("edits a webhook's message only with its token, in its thread (thread_id), and never someone else's", async () => {
    const parent = fake.channelId("homework");
    const thread = fake.world.createThread({ parentId: parent, name: "q", ownerId: fake.botUser.id });
    const webhook = fake.world.createWebhook(parent, "Baton");
    const posted = await api("POST", `/webhooks/${webhook.id}/${webhook.token}?wait=true&thread_id=${thread.id}`, { auth: null, body: { content: "answer", username: "Tutor" } });
    const id = String(posted.body.id);
    const edit = (query: string, token = webhook.token) => api("PATCH", `/webhooks/${webhook.id}/${token}/messages/${id}${query}`, { auth: null, body: { content: "withheld" } });
    expect(codeOf(await edit(""))).toBe(10008);
    expect(codeOf(await edit(`?thread_id=${thread.id}`, "wrong-token"))).toBe(50027);
    const ok = await edit(`?thread_id=${thread.id}`);
    expect([ok.status, ok.body.content]).toEqual([200, "withheld"]);
    expect(ok.body.edited_timestamp).not.toBeNull();
    const other = fake.world.createWebhook(parent, "Other");
    expect(codeOf(await api("PATCH", `/webhooks/${other.id}/${other.token}/messages/${id}?thread_id=${thread.id}`, { auth: null, body: { content: "x" } }))).toBe(10008);
    const student = fake.addUser("student");
    const theirs = fake.userSays({ channelId: thread.id, author: student, content: "mine" });
    expect(codeOf(await api("PATCH", `/channels/${thread.id}/messages/${theirs.id}`, { body: { content: "x" } }))).toBe(50005);
  });
});
