// REST routes of the fake Discord for what a deployment check reads: the application, the bot's servers, a server's
// roles, members (with their roles) and channels (with their permission overwrites).

import { ApplicationFlags, ChannelType, type APIApplication } from "discord.js";
import { DiscordApiFailure } from "./api-errors.js";
import { guildCreatePayload } from "./gateway-payloads.js";
import type { Route } from "./rest-router.js";
import type { FakeWorld } from "./world.js";

const unknownGuild = (): DiscordApiFailure => new DiscordApiFailure(404, 10004, "Unknown Guild");
const unknownMember = (): DiscordApiFailure => new DiscordApiFailure(404, 10007, "Unknown Member");

export function guildRoutes(world: FakeWorld, options: { readonly messageContentIntent: boolean }): Route[] {
  const guildOrFail = (id: string) => {
    if (id !== world.guildId || !world.inGuild) throw unknownGuild();
    const { channels: _channels, threads: _threads, members: _members, presences: _presences, voice_states: _voice, ...guild } = guildCreatePayload(world);
    return guild;
  };
  return [
    {
      method: "GET",
      path: "/applications/@me",
      botAuth: true,
      handle: () => {
        const application: Partial<APIApplication> = {
          id: world.applicationId,
          name: "Baton",
          icon: null,
          description: "",
          bot_public: true,
          bot_require_code_grant: false,
          verify_key: "0".repeat(64),
          team: null,
          // What the Developer Portal's switch sets for an app in fewer than 100 servers.
          flags: (options.messageContentIntent ? ApplicationFlags.GatewayMessageContentLimited : 0) as ApplicationFlags,
        };
        return { status: 200, body: application };
      },
    },
    {
      method: "GET",
      path: "/users/@me/guilds",
      botAuth: true,
      handle: () => ({
        status: 200,
        body: world.inGuild ? [{ id: world.guildId, name: "Homework Help", icon: null, banner: null, owner: false, permissions: "0", features: [] }] : [],
      }),
    },
    { method: "GET", path: "/guilds/:guildId", botAuth: true, handle: ({ params }) => ({ status: 200, body: guildOrFail(params.guildId!) }) },
    {
      method: "GET",
      path: "/guilds/:guildId/members/:userId",
      botAuth: true,
      handle: ({ params }) => {
        guildOrFail(params.guildId!);
        if (!world.users.has(params.userId!)) throw unknownMember();
        return { status: 200, body: world.member(params.userId!) };
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId/roles",
      botAuth: true,
      handle: ({ params }) => {
        guildOrFail(params.guildId!);
        return { status: 200, body: world.roles() };
      },
    },
    {
      method: "GET",
      path: "/guilds/:guildId/channels",
      botAuth: true,
      // Threads are not listed here on Discord either (they have their own routes).
      handle: ({ params }) => {
        guildOrFail(params.guildId!);
        return { status: 200, body: [...world.channels.values()].filter((c) => c.type === ChannelType.GuildText) };
      },
    },
  ];
}


