// A member's permissions in a channel, computed as Discord documents it: roles, then @everyone, role and member overwrites.

import { PermissionFlagsBits, type APIGuild, type APIGuildMember, type APIOverwrite } from "discord.js";

const ALL = (1n << 64n) - 1n;

export function channelPermissions(input: {
  readonly guild: Pick<APIGuild, "id" | "owner_id" | "roles">;
  readonly member: Pick<APIGuildMember, "roles"> & { readonly user?: { readonly id: string } };
  readonly userId: string;
  readonly channel: { readonly permission_overwrites?: readonly APIOverwrite[] };
}): bigint {
  const { guild, member, userId, channel } = input;
  if (guild.owner_id === userId) return ALL;
  const roleBits = (id: string) => BigInt(guild.roles.find((role) => role.id === id)?.permissions ?? "0");
  let base = roleBits(guild.id);
  for (const id of member.roles) base |= roleBits(id);
  if ((base & PermissionFlagsBits.Administrator) !== 0n) return ALL;

  const overwrites = channel.permission_overwrites ?? [];
  const apply = (bits: bigint, deny: string, allow: string) => (bits & ~BigInt(deny)) | BigInt(allow);
  const everyone = overwrites.find((o) => o.id === guild.id);
  let bits = everyone === undefined ? base : apply(base, everyone.deny, everyone.allow);
  let deny = 0n;
  let allow = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.id !== guild.id && member.roles.includes(overwrite.id)) {
      deny |= BigInt(overwrite.deny);
      allow |= BigInt(overwrite.allow);
    }
  }
  bits = (bits & ~deny) | allow;
  const own = overwrites.find((o) => o.id === userId);
  return own === undefined ? bits : apply(bits, own.deny, own.allow);
}
