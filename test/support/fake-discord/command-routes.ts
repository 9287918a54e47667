// REST routes of the fake Discord for application commands: bulk overwrite (global and guild) with Discord's checks.

import { ApplicationCommandOptionType, ApplicationCommandType } from "discord.js";
import { DiscordApiFailure, invalidFormBody } from "./api-errors.js";
import type { Route } from "./rest-router.js";
import { objectBody } from "./validation.js";
import type { FakeWorld } from "./world.js";

const COMMAND_NAME = /^[-_'\p{Ll}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;

export type RegisteredCommand = Record<string, unknown> & { readonly id: string; readonly name: string };

/** What the bot registered: the global list and the list of each guild, as last overwritten. */
export class CommandRegistry {
  global: RegisteredCommand[] = [];
  readonly guilds = new Map<string, RegisteredCommand[]>();
}

export function commandRoutes(world: FakeWorld, registry: CommandRegistry): Route[] {
  const checkApplication = (applicationId: string | undefined) => {
    if (applicationId !== world.applicationId) throw new DiscordApiFailure(403, 50001, "Missing Access");
  };
  const overwrite = (body: unknown, guildId: string | undefined): RegisteredCommand[] => {
    if (!Array.isArray(body)) throw invalidFormBody("_root", "LIST_TYPE_CONVERT", "Must be a list.");
    const names = new Set<string>();
    return body.map((raw, index) => {
      const command = validateCommand(raw, index);
      if (names.has(command.name)) throw invalidFormBody(`${index}.name`, "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique");
      names.add(command.name);
      return {
        type: ApplicationCommandType.ChatInput,
        default_member_permissions: null,
        nsfw: false,
        ...command,
        id: world.nextId(),
        application_id: world.applicationId,
        version: world.nextId(),
        ...(guildId === undefined ? {} : { guild_id: guildId }),
      };
    });
  };
  return [
    {
      method: "PUT",
      path: "/applications/:applicationId/commands",
      botAuth: true,
      handle: ({ params, body }) => {
        checkApplication(params.applicationId);
        registry.global = overwrite(body, undefined);
        return { status: 200, body: registry.global };
      },
    },
    {
      method: "PUT",
      path: "/applications/:applicationId/guilds/:guildId/commands",
      botAuth: true,
      handle: ({ params, body }) => {
        checkApplication(params.applicationId);
        if (params.guildId !== world.guildId) throw new DiscordApiFailure(403, 50001, "Missing Access");
        const commands = overwrite(body, params.guildId);
        registry.guilds.set(params.guildId, commands);
        return { status: 200, body: commands };
      },
    },
    {
      method: "GET",
      path: "/applications/:applicationId/commands",
      botAuth: true,
      handle: ({ params }) => {
        checkApplication(params.applicationId);
        return { status: 200, body: registry.global };
      },
    },
  ];
}

function validateCommand(raw: unknown, index: number): Record<string, unknown> & { name: string } {
  const command = objectBody(raw);
  const type = command.type ?? ApplicationCommandType.ChatInput;
  if (type !== ApplicationCommandType.ChatInput) throw invalidFormBody(`${index}.type`, "BASE_TYPE_CHOICES", "The fake registers slash commands only.");
  const name = checkName(command.name, `${index}.name`);
  checkDescription(command.description, `${index}.description`);
  const permissions = command.default_member_permissions;
  if (permissions !== undefined && permissions !== null && (typeof permissions !== "string" || !/^\d+$/.test(permissions))) {
    throw invalidFormBody(`${index}.default_member_permissions`, "BASE_TYPE_STRING", "Must be a string of digits.");
  }
  const contexts = command.contexts;
  if (contexts !== undefined && contexts !== null && (!Array.isArray(contexts) || contexts.some((c) => ![0, 1, 2].includes(c as number)))) {
    throw invalidFormBody(`${index}.contexts`, "BASE_TYPE_CHOICES", "Value must be one of (0, 1, 2).");
  }
  checkOptions(command.options ?? [], `${index}.options`);
  return { ...command, name };
}

function checkOptions(raw: unknown, field: string): void {
  if (!Array.isArray(raw) || raw.length > MAX_OPTIONS) throw invalidFormBody(field, "BASE_TYPE_MAX_LENGTH", `Must be ${MAX_OPTIONS} or fewer in length.`);
  let optionalSeen = false;
  const names = new Set<string>();
  raw.forEach((value, i) => {
    const option = objectBody(value);
    const at = `${field}.${i}`;
    const name = checkName(option.name, `${at}.name`);
    if (names.has(name)) throw invalidFormBody(`${at}.name`, "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique");
    names.add(name);
    checkDescription(option.description, `${at}.description`);
    const type = option.type;
    if (typeof type !== "number" || type < ApplicationCommandOptionType.Subcommand || type > ApplicationCommandOptionType.Attachment) {
      throw invalidFormBody(`${at}.type`, "BASE_TYPE_CHOICES", "Value must be a valid option type.");
    }
    if (option.required === true && optionalSeen) {
      throw invalidFormBody(`${at}.required`, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options");
    }
    if (option.required !== true) optionalSeen = true;
    for (const key of ["min_length", "max_length"] as const) {
      const length = option[key];
      if (length !== undefined && (typeof length !== "number" || length < 0 || length > 6000 || type !== ApplicationCommandOptionType.String)) {
        throw invalidFormBody(`${at}.${key}`, "NUMBER_TYPE_MAX", "Must be between 0 and 6000, on a string option.");
      }
    }
    if (option.channel_types !== undefined && (!Array.isArray(option.channel_types) || type !== ApplicationCommandOptionType.Channel)) {
      throw invalidFormBody(`${at}.channel_types`, "BASE_TYPE_BAD_TYPE", "channel_types belongs on a channel option.");
    }
  });
}

function checkName(name: unknown, field: string): string {
  if (typeof name !== "string" || !COMMAND_NAME.test(name) || name !== name.toLowerCase()) {
    throw invalidFormBody(field, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid");
  }
  return name;
}

function checkDescription(description: unknown, field: string): void {
  if (typeof description !== "string" || description.length < 1 || description.length > 100) {
    throw invalidFormBody(field, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
}
