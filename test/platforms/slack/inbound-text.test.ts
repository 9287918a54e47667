// Slack message text → plain text for the model: mentions, links and entities as the student saw them.
import { describe, expect, it } from "vitest";
import { mentionsUser, slackTextToPlain } from "../../../src/platforms/slack/inbound-text.js";

describe("slackTextToPlain", () => {
  it("removes the bot's own mention with the space after it", () => {
    expect(slackTextToPlain("<@UBOT> what is x?", { botUserId: "UBOT" })).toBe("what is x?");
    expect(slackTextToPlain("hey <@UBOT|baton> what is x?", { botUserId: "UBOT" })).toBe("hey what is x?");
  });

  it("decodes entities once", () => {
    expect(slackTextToPlain("if a &lt; b &amp;&amp; c &gt; d")).toBe("if a < b && c > d");
    expect(slackTextToPlain("literal &amp;lt;")).toBe("literal &lt;");
  });

  it("renders mentions, channels and broadcasts as names", () => {
    expect(slackTextToPlain("ask <@U123|ada> in <#C123|math> <!here> <!subteam^S1|@tutors> <@U999>")).toBe(
      "ask @ada in #math @here @tutors @U999",
    );
  });

  it("renders links as label (url), and bare links as the url", () => {
    expect(slackTextToPlain("see <https://a.test/x?y=1&amp;z=2|the notes>")).toBe("see the notes (https://a.test/x?y=1&z=2)");
    expect(slackTextToPlain("see <https://a.test/x>")).toBe("see https://a.test/x");
    expect(slackTextToPlain("mail <mailto:a@b.test|a@b.test>")).toBe("mail a@b.test");
  });

  it("keeps line breaks and indentation of pasted code", () => {
    expect(slackTextToPlain("def f():\n    return 1")).toBe("def f():\n    return 1");
  });
});

describe("mentionsUser", () => {
  it("finds <@U> and <@U|name> forms only", () => {
    expect(mentionsUser("hi <@UBOT>", "UBOT")).toBe(true);
    expect(mentionsUser("hi <@UBOT|baton>", "UBOT")).toBe(true);
    expect(mentionsUser("hi @UBOT", "UBOT")).toBe(false);
    expect(mentionsUser("hi <@UBOTTY>", "UBOT")).toBe(false);
  });
});
