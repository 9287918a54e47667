// The console chat's ANSI styles: one colour per agent (in roster order), and plain text when colour is off.

const ESC = "\u001b[";
const RESET = `${ESC}0m`;
/** Cyan, magenta, green, blue, yellow, red: distinct on dark and light terminals alike. */
const AGENT_COLOURS = ["36", "35", "32", "34", "33", "31"] as const;

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  /** A notice: yellow. */
  notice(text: string): string;
  /** Bold, in the agent's own colour. */
  agent(name: string, text: string): string;
}

/** Agents get their colour by their position in the roster, so the same agent looks the same in every session. */
export function createPaint(options: { readonly enabled: boolean; readonly agents: readonly string[] }): Paint {
  const style = (codes: string, text: string): string => (options.enabled ? `${ESC}${codes}m${text}${RESET}` : text);
  const colourOf = (name: string): string => {
    const index = options.agents.indexOf(name);
    return AGENT_COLOURS[(index < 0 ? options.agents.length : index) % AGENT_COLOURS.length]!;
  };
  return {
    bold: (text) => style("1", text),
    dim: (text) => style("2", text),
    notice: (text) => style("33", text),
    agent: (name, text) => style(`1;${colourOf(name)}`, text),
  };
}
