// Whether to colour a terminal's output: the NO_COLOR and FORCE_COLOR conventions, else only on a terminal.

/** What the environment asks for: `auto` colours a terminal only. */
export type ColourChoice = "always" | "never" | "auto";

/**
 * FORCE_COLOR wins when set (`0` or `false` turn colour off), then a non-empty NO_COLOR (no-color.org) turns it off.
 * They are not Baton's variables (ENV_VARIABLES does not list them), but they are read here like every other.
 */
export function colourChoice(env: Readonly<Record<string, string | undefined>>): ColourChoice {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false" ? "always" : "never";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return "never";
  return "auto";
}

/** Whether to colour what is written to `stream`. */
export function colourOutput(choice: ColourChoice, stream: { readonly isTTY?: boolean }): boolean {
  return choice === "auto" ? stream.isTTY === true : choice === "always";
}
