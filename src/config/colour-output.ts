// Whether to colour a terminal's output: the NO_COLOR and FORCE_COLOR conventions, else only on a terminal.

/**
 * FORCE_COLOR wins when set (`0` or `false` turn colour off), then a non-empty NO_COLOR (no-color.org) turns it off;
 * otherwise colour only when the stream is a terminal.
 */
export function colourOutput(env: Readonly<Record<string, string | undefined>>, stream: { readonly isTTY?: boolean }): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}
