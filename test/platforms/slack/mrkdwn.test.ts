// Markdown → Slack mrkdwn: formatting, links, code, structure, and the escaping that keeps a model from pinging anyone.
import { describe, expect, it } from "vitest";
import { escapePlainText, markdownToMrkdwn } from "../../../src/platforms/slack/mrkdwn.js";

describe("markdownToMrkdwn inline formatting", () => {
  it.each([
    ["**bold**", "*bold*"],
    ["__bold__", "*bold*"],
    ["*italic*", "_italic_"],
    ["_italic_", "_italic_"],
    ["***both***", "*_both_*"],
    ["~~gone~~", "~gone~"],
    ["a **bold** and *italic* word", "a *bold* and _italic_ word"],
    ["**bold with *italic* inside**", "*bold with _italic_ inside*"],
  ])("%s → %s", (input, expected) => {
    expect(markdownToMrkdwn(input)).toBe(expected);
  });

  it("leaves arithmetic and identifiers alone", () => {
    expect(markdownToMrkdwn("2 * 3 * 4 = 24")).toBe("2 * 3 * 4 = 24");
    expect(markdownToMrkdwn("2*x*y")).toBe("2*x*y");
    expect(markdownToMrkdwn("snake_case_name")).toBe("snake_case_name");
  });

  it("keeps inline code verbatim apart from the three escaped characters", () => {
    expect(markdownToMrkdwn("use `a **b** <c>` here")).toBe("use `a **b** &lt;c&gt;` here");
  });

  it("honours backslash escapes as literal characters", () => {
    expect(markdownToMrkdwn("\\*not italic\\*")).toBe("*not italic*");
  });
});

describe("markdownToMrkdwn links", () => {
  it("converts [text](url) to <url|text>", () => {
    expect(markdownToMrkdwn("see [the docs](https://example.com/a?b=1&c=2)")).toBe(
      "see <https://example.com/a?b=1&amp;c=2|the docs>",
    );
  });

  it("keeps parentheses inside URLs", () => {
    expect(markdownToMrkdwn("[Foo](https://en.wikipedia.org/wiki/Foo_(bar)) end")).toBe(
      "<https://en.wikipedia.org/wiki/Foo_(bar)|Foo> end",
    );
  });

  it("drops formatting in labels and escapes them", () => {
    expect(markdownToMrkdwn("[**a < b**](https://x.test)")).toBe("<https://x.test|a &lt; b>");
  });

  it("renders images as links", () => {
    expect(markdownToMrkdwn("![a graph](https://x.test/g.png)")).toBe("<https://x.test/g.png|a graph>");
  });

  it("leaves no placeholder behind when code or escapes sit inside a link", () => {
    expect(markdownToMrkdwn("[`f(x)`](https://x.test/a\\_b)")).toBe("<https://x.test/a_b|`f(x)`>");
  });

  it("keeps autolinks and refuses unsafe targets", () => {
    expect(markdownToMrkdwn("<https://x.test/a>")).toBe("<https://x.test/a>");
    expect(markdownToMrkdwn("[click](javascript:alert(1))")).toBe("click");
    expect(markdownToMrkdwn("[everyone](!channel)")).toBe("everyone");
  });

  it("does not let a URL break out of the link", () => {
    expect(markdownToMrkdwn("[x](https://a.test/|<!channel>)")).toBe("<https://a.test/%7C%3C!channel%3E|x>");
  });
});

describe("markdownToMrkdwn escaping", () => {
  it("escapes &, < and > outside links", () => {
    expect(markdownToMrkdwn("if a < b && b > c")).toBe("if a &lt; b &amp;&amp; b &gt; c");
  });

  it.each(["<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@tutors>", "<@U123>"])("%s pings no one", (ping) => {
    const out = markdownToMrkdwn(`hey ${ping} look`);
    expect(out).not.toContain("<");
    expect(out).toContain("&lt;");
  });

  it.each(["@channel", "@here", "@everyone", "@Channel"])("plain %s is broken with a zero-width space", (word) => {
    const out = markdownToMrkdwn(`hello ${word}!`);
    expect(out).not.toMatch(/@(channel|here|everyone)/i);
    expect(out).toBe(`hello @\u200B${word.slice(1)}!`);
  });

  it("escapes inside code blocks too", () => {
    expect(markdownToMrkdwn("```\n<!channel> & x\n```")).toBe("```\n&lt;!channel&gt; &amp; x\n```");
  });

  it("escapePlainText escapes student text the same way", () => {
    expect(escapePlainText("<!here> & @everyone")).toBe("&lt;!here&gt; &amp; @\u200Beveryone");
  });
});

describe("markdownToMrkdwn blocks", () => {
  it("turns headings into bold lines", () => {
    expect(markdownToMrkdwn("# Title\n## Sub **part**\ntext")).toBe("*Title*\n*Sub part*\ntext");
    expect(markdownToMrkdwn("Title\n=====\nbody")).toBe("*Title*\nbody");
  });

  it("keeps lists, with bullets Slack will not read as bold", () => {
    expect(markdownToMrkdwn("- one\n* two\n  + nested **b**\n1. first\n2) second")).toBe(
      "• one\n• two\n  • nested *b*\n1. first\n2. second",
    );
    expect(markdownToMrkdwn("- [ ] todo\n- [x] done")).toBe("☐ todo\n☑ done");
  });

  it("keeps code blocks, drops the language tag and leaves their content unformatted", () => {
    expect(markdownToMrkdwn("Code:\n```python\ndef f(x):\n    return x * 2  # **not bold**\n```\nafter")).toBe(
      "Code:\n```\ndef f(x):\n    return x * 2  # **not bold**\n```\nafter",
    );
  });

  it("closes an unclosed code block", () => {
    expect(markdownToMrkdwn("```\nx = 1")).toBe("```\nx = 1\n```");
  });

  it("keeps quotes as Slack quotes", () => {
    expect(markdownToMrkdwn("> a **quote** & more")).toBe("> a *quote* &amp; more");
  });

  it("replaces rules and collapses blank lines", () => {
    expect(markdownToMrkdwn("a\n\n\n\n---\n\nb")).toBe("a\n\n──────────\n\nb");
  });

  it("renders tables as aligned monospaced blocks", () => {
    expect(markdownToMrkdwn("| x | x² |\n|---|---:|\n| 2 | **4** |\n| 10 | 100 |")).toBe(
      "```\nx  | x²\n---+----\n2  | 4\n10 | 100\n```",
    );
  });

  it("normalizes CRLF", () => {
    expect(markdownToMrkdwn("**a**\r\nb")).toBe("*a*\nb");
  });
});
