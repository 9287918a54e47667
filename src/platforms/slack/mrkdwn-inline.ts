// Inline Markdown → Slack mrkdwn: code spans, links, emphasis, and escaping so that nothing a model writes can ping.

/** Private-use characters mark stashed fragments; they are removed from the input first, so they cannot collide. */
const STASH_OPEN = "\uE000";
const STASH_CLOSE = "\uE001";
const BOLD_MARK = "\uE002";
const PRIVATE_MARKS = /[\uE000-\uE002]/g;
const STASHED = /\uE000(\d+)\uE001/g;

/** The three characters Slack reads as control characters; everything else is shown as written. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Plain-text broadcast keywords. Slack only pings for `<!channel>` (escaped away by escapeEntities), but a
 * client that sends `link_names` would turn `@channel` into a ping, so a zero-width space goes after the `@`.
 */
export function neutralizeBroadcasts(text: string): string {
  return text.replace(/@(channel|here|everyone)\b/gi, "@\u200B$1");
}

/** Student-written or otherwise untrusted text shown verbatim in a Slack message. */
export function escapePlainText(text: string): string {
  return neutralizeBroadcasts(escapeEntities(text));
}

const SAFE_URL = /^(https?:\/\/|mailto:)[^\s]+$/i;

/** A URL as it may stand inside `<url|label>`: no raw `<`, `>` or `|`, and `&` escaped as Slack itself sends it. */
function encodeLinkUrl(url: string): string {
  return url.replace(/&/g, "&amp;").replace(/</g, "%3C").replace(/>/g, "%3E").replace(/\|/g, "%7C");
}

/** Link labels carry no formatting in Slack; markers are dropped rather than shown. */
function linkLabel(label: string): string {
  return escapePlainText(label.replace(/\*\*|__|`|~~/g, "").trim());
}

/** A link, or just its label when the target is not a web or mail address (e.g. `javascript:` or `!channel`). */
function renderLink(label: string, url: string): string {
  const target = url.trim();
  if (!SAFE_URL.test(target)) return linkLabel(label);
  const text = linkLabel(label);
  return text === "" ? `<${encodeLinkUrl(target)}>` : `<${encodeLinkUrl(target)}|${text}>`;
}

/** Reads a `(destination "title")` group starting at `open` (an opening parenthesis), honouring nested parentheses. */
function readDestination(text: string, open: number): { url: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "\n") return undefined;
    if (ch === "(") depth += 1;
    if (ch === ")") {
      depth -= 1;
      if (depth === 0) {
        const inner = text.slice(open + 1, i).trim();
        const withoutTitle = inner.replace(/\s+("[^"]*"|'[^']*')$/, "");
        const url = withoutTitle.replace(/^<(.*)>$/, "$1");
        return { url, end: i + 1 };
      }
    }
  }
  return undefined;
}

/** Replaces `[label](url)` and `![alt](url)` with stashed Slack links, scanning so that URLs may hold parentheses. */
function stashLinks(text: string, stash: (fragment: string) => string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const isImage = text[i] === "!" && text[i + 1] === "[";
    const start = isImage ? i + 1 : i;
    if (text[start] === "[") {
      const close = text.indexOf("]", start + 1);
      if (close > start && text[close + 1] === "(" && !text.slice(start + 1, close).includes("\n")) {
        const destination = readDestination(text, close + 1);
        if (destination !== undefined) {
          const label = text.slice(start + 1, close);
          out += stash(renderLink(label === "" && isImage ? "image" : label, destination.url));
          i = destination.end;
          continue;
        }
      }
    }
    out += text[i];
    i += 1;
  }
  return out;
}

/** Converts one line (or run of text without block structure) from Markdown to Slack mrkdwn. */
export function convertInline(input: string): string {
  const fragments: string[] = [];
  const stash = (fragment: string): string => `${STASH_OPEN}${fragments.push(fragment) - 1}${STASH_CLOSE}`;
  let text = input.replace(PRIVATE_MARKS, "");

  // Code spans first: nothing inside them is formatting, but Slack still needs &, < and > escaped.
  text = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _ticks: string, code: string) => {
    const trimmed = /^ .* $/.test(code) ? code.slice(1, -1) : code;
    return stash(`\`${escapeEntities(trimmed)}\``);
  });
  // Backslash escapes are literal characters, never markers.
  text = text.replace(/\\([\\`*_{}[\]()#+\-.!~|>])/g, (_m, ch: string) => stash(escapeEntities(ch)));
  text = stashLinks(text, stash);
  // Autolinks, and Slack-style links a model may have copied: kept as links when the target is safe.
  text = text.replace(/<((?:https?:\/\/|mailto:)[^\s<>|]+)(?:\|([^<>]*))?>/gi, (_m, url: string, label?: string) =>
    stash(renderLink(label ?? "", url)),
  );

  text = escapeEntities(text);
  text = text
    .replace(/(\*\*\*|___)(?=\S)([^\n]*?\S)\1/g, `${BOLD_MARK}_$2_${BOLD_MARK}`)
    .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, `${BOLD_MARK}$1${BOLD_MARK}`)
    .replace(/(^|[^\w_])__(?=\S)([^\n]*?\S)__(?![\w_])/g, `$1${BOLD_MARK}$2${BOLD_MARK}`)
    .replace(/~~(?=\S)([^\n]*?\S)~~/g, "~$1~")
    .replace(/(^|[^\w*\\])\*(?=[^\s*])([^\n*]*?[^\s*\\])\*(?![\w*])/g, "$1_$2_");
  text = text.replace(/\uE002/g, "*");
  text = neutralizeBroadcasts(text);
  // A fragment can hold another (code inside a link label): restore until none is left.
  const restore = (fragment: string, depth: number): string =>
    depth > 8 ? fragment.replace(STASHED, "") : fragment.replace(STASHED, (_m, index: string) => restore(fragments[Number(index)] ?? "", depth + 1));
  return restore(text, 0);
}
