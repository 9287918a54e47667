// REST routes of the fake Discord for reading a channel's or thread's messages back (GET /channels/{id}/messages).

import { DiscordApiFailure, unknownChannel } from "./api-errors.js";
import type { Route } from "./rest-router.js";
import type { FakeWorld } from "./world.js";

const bySnowflake = (a: { id: string }, b: { id: string }): number => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/** As Discord: newest first, `limit` 1–100 (default 50), `before` / `after` / `around` a message id, one of them at most. */
export function messageReadRoutes(world: FakeWorld): Route[] {
  return [
    {
      method: "GET",
      path: "/channels/:channelId/messages",
      botAuth: true,
      handle: ({ params, query }) => {
        if (!world.channels.has(params.channelId!)) throw unknownChannel();
        const limit = query.get("limit") === null ? 50 : Number(query.get("limit"));
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
          throw new DiscordApiFailure(400, 50035, "Invalid Form Body", { limit: { _errors: [{ code: "NUMBER_TYPE_MAX", message: "int value should be less than or equal to 100." }] } });
        }
        const anchors = ["before", "after", "around"].filter((name) => query.get(name) !== null);
        if (anchors.length > 1) throw new DiscordApiFailure(400, 50035, "Invalid Form Body");
        let messages = world.messagesIn(params.channelId!).sort(bySnowflake);
        const before = query.get("before");
        const after = query.get("after");
        if (before !== null) messages = messages.filter((m) => BigInt(m.id) < BigInt(before)).slice(-limit);
        else if (after !== null) messages = messages.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
        else messages = messages.slice(-limit);
        return { status: 200, body: messages.reverse() };
      },
    },
  ];
}
