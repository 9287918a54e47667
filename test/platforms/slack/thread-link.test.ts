// Thread links: the forms Slack hands out parse to the thread they name, and built links parse back.
import { describe, expect, it } from "vitest";
import { buildThreadLink, isLinkOfWorkspace, parseThreadLink } from "../../../src/platforms/slack/thread-link.js";

describe("parseThreadLink", () => {
  it("reads a message permalink", () => {
    expect(parseThreadLink("https://school.slack.com/archives/C0123ABC/p1700000000123456")).toEqual({
      workspace: { domain: "school" },
      channel: "C0123ABC",
      threadTs: "1700000000.123456",
    });
  });

  it("uses thread_ts when the permalink points at a reply", () => {
    expect(
      parseThreadLink("https://school.slack.com/archives/C0123ABC/p1700000099000200?thread_ts=1700000000.123456&cid=C0123ABC"),
    ).toEqual({ workspace: { domain: "school" }, channel: "C0123ABC", threadTs: "1700000000.123456" });
  });

  it("accepts Slack's angle-bracket wrapping and escaped ampersands", () => {
    expect(parseThreadLink("<https://school.slack.com/archives/C0123ABC/p1700000099000200?thread_ts=1700000000.123456&amp;cid=C0123ABC|link>")).toEqual({
      workspace: { domain: "school" },
      channel: "C0123ABC",
      threadTs: "1700000000.123456",
    });
  });

  it("reads a channel link as a whole-DM conversation, and the web client's thread address", () => {
    expect(parseThreadLink("https://school.slack.com/archives/D0DM")).toEqual({ workspace: { domain: "school" }, channel: "D0DM" });
    expect(parseThreadLink("https://app.slack.com/client/T0TEAM/C0123ABC/thread/C0123ABC-1700000000.123456")).toEqual({
      workspace: { teamId: "T0TEAM" },
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

describe("isLinkOfWorkspace", () => {
  const team = { teamId: "T0SCHOOL", teamDomain: "school" };
  it("matches the command's workspace by subdomain or team id, and nothing else", () => {
    const of = (link: string) => isLinkOfWorkspace(parseThreadLink(link)!, team);
    expect(of("https://school.slack.com/archives/C0123ABC/p1700000000123456")).toBe(true);
    expect(of("https://School.enterprise.slack.com/archives/C0123ABC/p1700000000123456")).toBe(true);
    expect(of("https://app.slack.com/client/T0SCHOOL/C0123ABC/thread/C0123ABC-1700000000.123456")).toBe(true);
    expect(of("https://other.slack.com/archives/C0123ABC/p1700000000123456")).toBe(false);
    expect(of("https://app.slack.com/client/T0OTHER/C0123ABC/thread/C0123ABC-1700000000.123456")).toBe(false);
    expect(of("https://school.slack.com.evil.example/archives/C0123ABC/p1700000000123456")).toBe(false);
    expect(of("https://evil.example/client/T0SCHOOL/C0123ABC")).toBe(false);
  });
});

describe("buildThreadLink", () => {
  it("round-trips through parseThreadLink", () => {
    const link = buildThreadLink({ teamDomain: "school", channel: "C0123ABC", thread: "1700000000.123456" });
    expect(link).toBe("https://school.slack.com/archives/C0123ABC/p1700000000123456");
    expect(parseThreadLink(link)).toEqual({ workspace: { domain: "school" }, channel: "C0123ABC", threadTs: "1700000000.123456" });
    const dm = buildThreadLink({ teamDomain: "school", channel: "D0DM", thread: "D0DM" });
    expect(parseThreadLink(dm)).toEqual({ workspace: { domain: "school" }, channel: "D0DM" });
  });
});
