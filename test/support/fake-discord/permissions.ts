// A member's permissions in a channel, computed the way Discord documents it (Topics → Permissions).

import { OverwriteType, PermissionFlagsBits, type APIOverwrite, type APIRole } from "discord.js";

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, flag) => all | flag, 0n);

export interface PermissionSubject {
  readonly guildId: string;
  readonly ownerId: string;
  readonly userId: string;
  /** The member's roles, without @everyone (as the member object lists them). */
  readonly memberRoleIds: readonly string[];
  /** Every role of the guild; @everyone has the guild's id. */
  readonly roles: readonly APIRole[];
}

/**
 * Base permissions (server-wide): the owner has all; else @everyone's permissions OR every role of the member;
 * Administrator means all.
 */
export function basePermissions(subject: PermissionSubject): bigint {
  if (subject.userId === subject.ownerId) return ALL_PERMISSIONS;
  let permissions = 0n;
  for (const role of subject.roles) {
    if (role.id === subject.guildId || subject.memberRoleIds.includes(role.id)) permissions |= BigInt(role.permissions);
  }
  return (permissions & PermissionFlagsBits.Administrator) === PermissionFlagsBits.Administrator ? ALL_PERMISSIONS : permissions;
}

/**
 * In a channel: the base, then the @everyone overwrite, then every role overwrite of the member's roles (all denies, then
 * all allows), then the member's own overwrite. Administrator (and ownership) is never overwritten. Without View Channel
 * nothing else holds (Discord's implicit denial).
 */
export function channelPermissions(subject: PermissionSubject, overwrites: readonly APIOverwrite[]): bigint {
  const base = basePermissions(subject);
  if (base === ALL_PERMISSIONS) return ALL_PERMISSIONS;
  let permissions = base;
  const apply = (deny: bigint, allow: bigint) => {
    permissions = (permissions & ~deny) | allow;
  };
  const everyone = overwrites.find((overwrite) => overwrite.id === subject.guildId);
  if (everyone !== undefined) apply(BigInt(everyone.deny), BigInt(everyone.allow));
  let roleDeny = 0n;
  let roleAllow = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.type !== OverwriteType.Role || overwrite.id === subject.guildId || !subject.memberRoleIds.includes(overwrite.id)) continue;
    roleDeny |= BigInt(overwrite.deny);
    roleAllow |= BigInt(overwrite.allow);
  }
  apply(roleDeny, roleAllow);
  const member = overwrites.find((overwrite) => overwrite.type === OverwriteType.Member && overwrite.id === subject.userId);
  if (member !== undefined) apply(BigInt(member.deny), BigInt(member.allow));
  return (permissions & PermissionFlagsBits.ViewChannel) === 0n ? 0n : permissions;
}
