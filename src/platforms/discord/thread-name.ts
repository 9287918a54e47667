// The name of the thread a question opens: the question on one line, cut to Discord's 100 characters.

/** Discord refuses thread names longer than this. */
export const THREAD_NAME_LIMIT = 100;

/** One line, at most 100 characters, cut at a word when one ends late enough, with "…" when cut. */
export function threadNameFor(question: string): string {
  const line = question.replace(/\s+/g, " ").trim();
  if (line === "") return "Question";
  if (line.length <= THREAD_NAME_LIMIT) return line;
  const room = THREAD_NAME_LIMIT - 1;
  let cut = line.lastIndexOf(" ", room);
  if (cut < room / 2) cut = room;
  // Never leave half of a surrogate pair at the end.
  const last = line.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${line.slice(0, cut).trimEnd()}…`;
}
