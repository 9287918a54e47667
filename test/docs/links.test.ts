// Every relative link in README.md and docs/*.md points at a file that exists, and every #anchor at a heading in it.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { slackManifestLink } from "../../src/platforms/slack/manifest-link.js";

const root = resolve(import.meta.dirname, "../..");
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** The page's text outside fenced code blocks (a `#` comment in a shell example is no heading, a link in it no link). */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered -1, -2, … */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]!
      .replace(/`([^`]*)`/g, "$1")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).replace(/`[^`\n]*`/g, "").matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe("documentation links", () => {
  it.each(pages)("%s: every relative link and anchor resolves", (page) => {
    const text = readFileSync(join(root, page), "utf8");
    const broken: string[] = [];
    for (const link of relativeLinks(text)) {
      const [path = "", anchor] = link.split("#");
      const target = path === "" ? join(root, page) : resolve(dirname(join(root, page)), decodeURIComponent(path));
      if (!existsSync(target)) {
        broken.push(`${link} (no file ${relative(root, target)})`);
        continue;
      }
      if (anchor !== undefined && target.endsWith(".md") && !headingAnchors(readFileSync(target, "utf8")).has(anchor)) {
        broken.push(`${link} (no heading #${anchor} in ${relative(root, target)})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("the README front page stays short and links every docs page", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(Buffer.byteLength(readme)).toBeLessThan(16_000); // a front page: quick start, set-up, the library and roster at a glance
    const unlinked = pages.filter((p) => p.startsWith("docs/") && !readme.includes(`](${p}`));
    expect(unlinked).toEqual([]);
  });

  it("the anchor rules match GitHub's", () => {
    const anchors = headingAnchors("# A `code` (x), y\n## 1–2. Engine turn\n```sh\n# not a heading\n```\n## A `code` (x), y\n");
    expect([...anchors]).toEqual(["a-code-x-y", "12-engine-turn", "a-code-x-y-1"]);
  });
});

describe("the Slack manifest and its docs", () => {
  it("docs/slack.md's one-click link carries slack/manifest.yml as it is now", () => {
    const slackDoc = readFileSync(join(root, "docs/slack.md"), "utf8");
    // On failure: run `npm start -- slack:manifest-link` and paste its output into docs/slack.md.
    expect(slackDoc).toContain(`(${slackManifestLink(join(root, "slack/manifest.yml"))})`);
  });

  it("the manifest's pointer to the docs names a page and a section that exist", () => {
    const manifest = readFileSync(join(root, "slack/manifest.yml"), "utf8");
    expect(manifest).toContain("docs/slack.md");
    expect(headingAnchors(readFileSync(join(root, "docs/slack.md"), "utf8")).has("http-events-instead-of-socket-mode")).toBe(true);
  });
});
