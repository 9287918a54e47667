// The webhook registry over an in-memory channel: reuse, one creation under concurrency, replacement, permission fallback.

import pino from "pino";
import { describe, expect, it } from "vitest";
import { DiscordAPIError } from "discord.js";
import { WebhookRegistry, type ReplyWebhook, type WebhookChannel } from "../../../src/platforms/discord/webhook-registry.js";

const APP = "100";
const BOT = "100";

class MemoryWebhook implements ReplyWebhook {
  constructor(
    readonly id: string,
    readonly token: string | null,
    readonly applicationId: string | null,
    readonly owner: { readonly id: string } | null,
    private readonly incoming = true,
  ) {}
  isIncoming(): boolean {
    return this.incoming;
  }
}

function discordError(status: number, code: number): DiscordAPIError {
  return new DiscordAPIError({ code, message: "refused" }, code, status, "GET", "/channels/1/webhooks", {});
}

/** A channel whose webhook calls can be held open, refused or counted. */
class MemoryChannel implements WebhookChannel<MemoryWebhook> {
  readonly hooks = new Map<string, MemoryWebhook>();
  fetches = 0;
  creations = 0;
  refuse: DiscordAPIError | Error | undefined;
  gate: Promise<void> = Promise.resolve();
  private next = 1;
  constructor(readonly id = "500") {}
  async fetchWebhooks(): Promise<ReadonlyMap<string, MemoryWebhook>> {
    this.fetches += 1;
    await this.gate;
    if (this.refuse !== undefined) throw this.refuse;
    return new Map(this.hooks);
  }
  async createWebhook(): Promise<MemoryWebhook> {
    this.creations += 1;
    const hook = new MemoryWebhook(`w${this.next++}`, "secret", APP, { id: BOT });
    this.hooks.set(hook.id, hook);
    return hook;
  }
}

function registry(now: () => number = Date.now) {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { registry: new WebhookRegistry<MemoryWebhook>({ applicationId: APP, botUserId: BOT, webhookName: "Baton", logger, now }), lines };
}

describe("WebhookRegistry", () => {
  it("reuses the bot's own webhook and ignores other people's and token-less ones", async () => {
    const channel = new MemoryChannel();
    channel.hooks.set("user", new MemoryWebhook("user", "t", null, { id: "999" }));
    channel.hooks.set("follower", new MemoryWebhook("follower", null, APP, { id: BOT }, false));
    channel.hooks.set("mine", new MemoryWebhook("mine", "t", APP, { id: BOT }));
    const { registry: hooks } = registry();
    const route = await hooks.routeFor(channel);
    expect(route).toMatchObject({ kind: "webhook", webhook: { id: "mine" } });
    expect(channel.creations).toBe(0);
  });

  it("creates exactly one webhook when many replies need it at once", async () => {
    const channel = new MemoryChannel();
    let open: () => void = () => undefined;
    channel.gate = new Promise((resolve) => {
      open = resolve;
    });
    const { registry: hooks } = registry();
    const routes = Array.from({ length: 5 }, () => hooks.routeFor(channel));
    open();
    const settled = await Promise.all(routes);
    expect(new Set(settled.map((route) => (route.kind === "webhook" ? route.webhook.id : "bot")))).toEqual(new Set(["w1"]));
    expect(channel.fetches).toBe(1);
    expect(channel.creations).toBe(1);
  });

  it("replaces a webhook Discord no longer knows, once, however many replies report it", async () => {
    const channel = new MemoryChannel();
    const { registry: hooks } = registry();
    const first = await hooks.routeFor(channel);
    if (first.kind !== "webhook") throw new Error("expected a webhook");
    channel.hooks.clear();
    hooks.forget(channel.id, first.webhook.id);
    const second = await hooks.routeFor(channel);
    hooks.forget(channel.id, first.webhook.id); // a late report about the old webhook changes nothing
    const third = await hooks.routeFor(channel);
    expect(second).toBe(third);
    expect(second).toMatchObject({ kind: "webhook", webhook: { id: "w2" } });
    expect(channel.creations).toBe(2);
  });

  it("falls back to posting as the bot without Manage Webhooks, warns once, and asks again later", async () => {
    let clock = 0;
    const channel = new MemoryChannel();
    channel.refuse = discordError(403, 50013);
    const { registry: hooks, lines } = registry(() => clock);
    expect(await hooks.routeFor(channel)).toEqual({ kind: "bot" });
    expect(await hooks.routeFor(channel)).toEqual({ kind: "bot" });
    expect(channel.fetches).toBe(1);
    clock = 11 * 60_000;
    channel.refuse = undefined;
    expect(await hooks.routeFor(channel)).toMatchObject({ kind: "webhook" });
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/Manage Webhooks/);
  });

  it("does not remember other failures: the next reply tries again", async () => {
    const channel = new MemoryChannel();
    channel.refuse = discordError(500, 0);
    const { registry: hooks } = registry();
    await expect(hooks.routeFor(channel)).rejects.toBeInstanceOf(DiscordAPIError);
    channel.refuse = undefined;
    expect(await hooks.routeFor(channel)).toMatchObject({ kind: "webhook" });
    expect(channel.fetches).toBe(2);
  });
});
