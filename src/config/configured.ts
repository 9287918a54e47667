// A part of the settings that is off, on, or set but incomplete; the problem waits for the command that needs the part.

import { UserError } from "../workflow/errors.js";

/**
 * `npm run doctor` reports an incomplete Discord setting among its findings and `history` does not care about it,
 * so loading the settings never throws for it: the command that starts the part does (see `whenConfigured`).
 */
export type Configured<T> =
  | { readonly state: "off" }
  | { readonly state: "on"; readonly settings: T }
  | { readonly state: "incomplete"; readonly problem: UserError };

/** Reads a part: `undefined` means off; a UserError (a companion setting is missing) makes it incomplete. */
export function configuredPart<T>(read: () => T | undefined): Configured<T> {
  try {
    const settings = read();
    return settings === undefined ? { state: "off" } : { state: "on", settings };
  } catch (error) {
    if (error instanceof UserError) return { state: "incomplete", problem: error };
    throw error;
  }
}

/** The part's settings, or undefined when it is off; throws its problem when it is set but incomplete. */
export function whenConfigured<T>(part: Configured<T>): T | undefined {
  switch (part.state) {
    case "off":
      return undefined;
    case "on":
      return part.settings;
    case "incomplete":
      throw part.problem;
  }
}
