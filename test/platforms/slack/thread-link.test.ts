// Thread links: the forms Slack hands out parse to the thread they name, and built links parse back.
import { describe, expect, it } from "vitest";
import { buildThreadLink, parseThreadLink } from "../../../src/platforms/slack/thread-link.js";

describe("parseThreadLink", () => {
  it("reads a message permalink", () => {
    expect(parseThreadLink("https://school.slack.com/archives/C0123ABC/p1700000000123456")).toEqual({
      channel: "C0123ABC",
      threadTs: "1700000000.123456",
    });
  });

  it("uses thread_ts when the permalink points at a reply", () => {
    expect(
      parseThreadLink("https://school.slack.com/archives/C0123ABC/p1700000099000200?thread_ts=1700000000.123456&cid=C0123ABC"),
    ).toEqual({ channel: "C0123ABC", threadTs: "1700000000.123456" });
  });

  it("accepts Slack's angle-bracket wrapping and escaped ampersands", () => {
    expect(parseThreadLink("<https://school.slack.com/archives/C0123ABC/p1700000099000200?thread_ts=1700000000.123456&amp;cid=C0123ABC|link>")).toEqual({
      channel: "C0123ABC",
      threadTs: "1700000000.123456",
    });
  });

  it("reads a channel link as a whole-DM conversation, and the web client's thread address", () => {
    expect(parseThreadLink("https://school.slack.com/archives/D0DM")).toEqual({ channel: "D0DM" });
    expect(parseThreadLink("https://app.slack.com/client/T0TEAM/C0123ABC/thread/C0123ABC-1700000000.123456")).toEqual({
      channel: "C0123ABC",
      threadTs: "1700000000.123456",
    });
  });

  it.each(["", "not a link", "ftp://school.slack.com/archives/C1/p1700000000123456", "https://school.slack.com/archives/xyz/p1", "https://school.slack.com/archives/C0123ABC/q17"])(
    "rejects %j",
    (text) => {
      expect(parseThreadLink(text)).toBeUndefined();
    },
  );
});

describe("buildThreadLink", () => {
  it("round-trips through parseThreadLink", () => {
    const link = buildThreadLink({ teamDomain: "school", channel: "C0123ABC", thread: "1700000000.123456" });
    expect(link).toBe("https://school.slack.com/archives/C0123ABC/p1700000000123456");
    expect(parseThreadLink(link)).toEqual({ channel: "C0123ABC", threadTs: "1700000000.123456" });
    const dm = buildThreadLink({ teamDomain: "school", channel: "D0DM", thread: "D0DM" });
    expect(parseThreadLink(dm)).toEqual({ channel: "D0DM" });
  });
});
