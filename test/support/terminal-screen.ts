// A small model of a terminal's screen: replays what a program wrote (text, \r, \n, cursor moves, erasures) and
// returns the lines left on screen, so a test sees what the student sees, not the stream of redraws.

/** The lines on screen after `output`, without trailing spaces (colours are dropped, they do not move the cursor). */
export function screenLines(output: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  const line = (): string[] => (lines[row] ??= []);
  const pattern = /\u001b\[([0-9;?]*)([A-Za-z])|\r|\n|\u0008|[^\u001b\r\n\u0008]/gu;
  for (const match of output.matchAll(pattern)) {
    const [token, params, command] = match;
    if (command !== undefined) {
      const n = params === undefined || params === "" ? undefined : Number.parseInt(params, 10);
      switch (command) {
        case "G": col = (n ?? 1) - 1; break;
        case "C": col += n ?? 1; break;
        case "D": col = Math.max(0, col - (n ?? 1)); break;
        case "A": row = Math.max(0, row - (n ?? 1)); break;
        case "B": row += n ?? 1; break;
        case "K": if ((n ?? 0) === 2) lines[row] = []; else line().length = Math.min(line().length, col); break;
        case "J": line().length = Math.min(line().length, col); lines.length = row + 1; break;
        default: break; // colours and modes
      }
    } else if (token === "\r") col = 0;
    else if (token === "\n") { row++; line(); }
    else if (token === "\u0008") col = Math.max(0, col - 1);
    else {
      const current = line();
      while (current.length < col) current.push(" ");
      current[col] = token;
      col++;
    }
  }
  return lines.map((chars) => (chars ?? []).join("").trimEnd());
}
