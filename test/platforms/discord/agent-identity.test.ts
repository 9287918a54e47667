// How agents are named on Discord: webhook usernames Discord accepts, avatars, and the fallback's bold name.

import { describe, expect, it } from "vitest";
import type { AgentPresentation } from "../../../src/bot/ports.js";
import { fallbackHeader, webhookIdentity, webhookName } from "../../../src/platforms/discord/agent-identity.js";

const tutor = (overrides: Partial<AgentPresentation> = {}): AgentPresentation => ({
  name: "math_tutor",
  displayName: "Math Tutor",
  avatarUrl: "https://example.org/math.png",
  ...overrides,
});

describe("webhookIdentity", () => {
  it("uses the display name and the avatar URL from agents.yaml", () => {
    expect(webhookIdentity(tutor())).toEqual({ username: "Math Tutor", avatarURL: "https://example.org/math.png" });
  });

  it("drops the words Discord forbids in webhook usernames, in any case", () => {
    expect(webhookIdentity(tutor({ displayName: "Discord Helper" })).username).toBe("Helper");
    expect(webhookIdentity(tutor({ displayName: "my CLYDE bot" })).username).toBe("my bot");
  });

  it("falls back to the agent's name, then to a neutral name, when nothing is left", () => {
    expect(webhookIdentity(tutor({ displayName: "discord" })).username).toBe("math_tutor");
    expect(webhookIdentity(tutor({ displayName: " ", name: "Clyde" })).username).toBe("Tutor");
  });

  it("cuts long names to 80 characters without halving an emoji", () => {
    const username = webhookIdentity(tutor({ displayName: `${"a".repeat(79)}😀 and more` })).username;
    expect(username).toBe("a".repeat(79));
    expect(webhookIdentity(tutor({ displayName: "b".repeat(200) })).username).toHaveLength(80);
  });

  it("leaves out an avatar that is not an http(s) URL", () => {
    expect(webhookIdentity(tutor({ avatarUrl: "not a url" }))).toEqual({ username: "Math Tutor" });
    expect(webhookIdentity(tutor({ avatarUrl: "ftp://example.org/a.png" }))).toEqual({ username: "Math Tutor" });
    expect(webhookIdentity(tutor({ avatarUrl: undefined }))).toEqual({ username: "Math Tutor" });
  });
});

describe("fallbackHeader", () => {
  it("puts the display name in bold, escaping markdown in it", () => {
    expect(fallbackHeader(tutor())).toBe("**Math Tutor**");
    expect(fallbackHeader(tutor({ displayName: "*Star* _Tutor_" }))).toBe("**\\*Star\\* \\_Tutor\\_**");
  });

  it("keeps words a webhook could not use, since the bot posts it itself", () => {
    expect(fallbackHeader(tutor({ displayName: "Discord Helper" }))).toBe("**Discord Helper**");
  });
});

describe("webhookName", () => {
  it("makes the bot's name acceptable for the webhook it creates", () => {
    expect(webhookName("Baton")).toBe("Baton");
    expect(webhookName("Homework Discord Bot")).toBe("Homework Bot");
    expect(webhookName("clyde")).toBe("Baton");
    expect(webhookName("n".repeat(100))).toHaveLength(80);
  });
});
