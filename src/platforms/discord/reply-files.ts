// Display math on Discord: formula PNGs uploaded with a reply's last piece, and knowing when Discord refused them.

import { DiscordAPIError, RESTJSONErrorCodes } from "discord.js";
import { formulaAltText, type FormulaImage } from "../common/reply-math.js";

/** Discord's limits on a message's files: 10 attachments, each description at most 1,024 characters. */
export const MAX_FILES = 10;
const MAX_DESCRIPTION = 1024;

/** A formula image as discord.js uploads it: `files[n]` plus `attachments[n]` with its TeX as the description. */
export interface ReplyFile {
  readonly attachment: Buffer;
  readonly name: string;
  readonly description: string;
}

export function replyFiles(images: readonly FormulaImage[]): ReplyFile[] {
  return images.map((image) => ({ attachment: Buffer.from(image.png), name: image.name, description: formulaAltText(image, MAX_DESCRIPTION) }));
}

/** Discord refused what the files brought (a permission, a size, the form), not the message itself. */
export function refusedFiles(error: unknown): boolean {
  if (!(error instanceof DiscordAPIError)) return false;
  if (error.status === 413) return true;
  return error.status === 400 || (error.status === 403 && error.code === RESTJSONErrorCodes.MissingPermissions);
}
