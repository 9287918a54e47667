// Counts what a soak scenario did from the outside: questions sent against what the fake platform received back.

/** One student question, in the order it was sent; `tag` is unique and the soak model repeats it in every reply. */
export interface SentQuestion {
  readonly thread: string;
  readonly tag: string;
}

/** One message the fake platform holds, in the order it was posted. */
export interface ReceivedPost {
  readonly thread: string;
  /** The name it was posted under (an agent's display name, or the bot's). */
  readonly author: string;
  readonly text: string;
}

export interface Tally {
  readonly sent: number;
  /** Questions with a final answer on the platform. */
  readonly completed: number;
  /** Questions without an answer whose thread got a notice saying so (unavailable, undelivered, not saved, gave up). */
  readonly failedAndTold: number;
  /** Questions with neither an answer nor a notice: silently lost. */
  readonly lost: number;
  /** Their tags, to look them up. */
  readonly lostTags: readonly string[];
  /** Agent replies that appear more than once (the copies beyond the first). */
  readonly duplicated: number;
  /** Final answers of a thread that came before the answer of a question sent earlier in the same thread. */
  readonly outOfOrder: number;
  /** Failure notices posted in all (one more than the failed questions when, e.g., a narration could not be posted but the answer was). */
  readonly notices: number;
}

/** The text the soak model puts in a final answer to `tag` (src: bench/soak/soak-model.ts). */
export const answerMark = (tag: string): string => `Answer to ${tag}`;

/** Tags look like Q000123: letters and digits only, so no platform formatting touches them. */
const TAG = /\bQ\d{6}\b/g;

/**
 * The tally of one scenario. A post answers the question whose tag it carries; a notice (a post whose text is one of
 * `notices`) tells the questions of its thread that got no answer, oldest first, one notice each.
 */
export function tally(sent: readonly SentQuestion[], received: readonly ReceivedPost[], notices: readonly string[]): Tally {
  const isNotice = (post: ReceivedPost): boolean => notices.some((notice) => normalise(post.text) === normalise(notice));
  const sentByTag = new Map(sent.map((question, index) => [question.tag, { ...question, index }]));
  const answered = new Set<string>();
  const copies = new Map<string, number>();
  const lastIndexByThread = new Map<string, number>();
  let outOfOrder = 0;
  let noticeCount = 0;
  const noticesByThread = new Map<string, number>();
  for (const post of received) {
    if (isNotice(post)) {
      noticeCount++;
      noticesByThread.set(post.thread, (noticesByThread.get(post.thread) ?? 0) + 1);
      continue;
    }
    const tags = post.text.match(TAG) ?? [];
    if (tags.length === 0) continue;
    const key = `${post.thread}\u0000${post.author}\u0000${post.text}`;
    copies.set(key, (copies.get(key) ?? 0) + 1);
    for (const tag of tags) {
      const question = sentByTag.get(tag);
      if (question === undefined || question.thread !== post.thread || !post.text.includes(answerMark(tag))) continue;
      if (answered.has(tag)) continue;
      answered.add(tag);
      const last = lastIndexByThread.get(post.thread) ?? -1;
      if (question.index < last) outOfOrder++;
      else lastIndexByThread.set(post.thread, question.index);
    }
  }
  let failedAndTold = 0;
  const lostTags: string[] = [];
  for (const question of sent) {
    if (answered.has(question.tag)) continue;
    const left = noticesByThread.get(question.thread) ?? 0;
    if (left > 0) {
      failedAndTold++;
      noticesByThread.set(question.thread, left - 1);
    } else lostTags.push(question.tag);
  }
  const duplicated = [...copies.values()].reduce((sum, count) => sum + count - 1, 0);
  return { sent: sent.length, completed: answered.size, failedAndTold, lost: lostTags.length, lostTags, duplicated, outOfOrder, notices: noticeCount };
}

/** Platforms escape or re-space a notice's text a little (Slack: &amp;, Discord: bold headers); compare the words. */
function normalise(text: string): string {
  return text.replace(/^\*\*[^*]+\*\*\n/, "").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}
