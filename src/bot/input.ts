// Cleans a student's text before anything else sees it: control characters out, whitespace trimmed.

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides that can disguise text.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

// A lone UTF-16 surrogate cannot be stored as UTF-8: it becomes the replacement character here, once, not mangled later.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(LONE_SURROGATE, "\uFFFD").trim();
}
