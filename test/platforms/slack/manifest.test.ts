// slack/manifest.yml matches what the adapter needs: its commands, the events it listens to, and the scopes it uses.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_COMMAND_NAME } from "../../../src/platforms/slack/index.js";
import { FULL_SCOPES } from "../../support/fake-slack/index.js";

interface Manifest {
  features: { slash_commands: Array<{ command: string; should_escape: boolean }>; app_home: { messages_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; socket_mode_enabled: boolean; interactivity: { is_enabled: boolean } };
}

const manifest = parse(readFileSync(new URL("../../../slack/manifest.yml", import.meta.url), "utf8")) as Manifest;

describe("slack/manifest.yml", () => {
  it("declares the default command and the five moderator commands, and interactivity for the flags' buttons", () => {
    const commands = manifest.features.slash_commands.map((c) => c.command);
    expect(commands).toEqual([
      `/${DEFAULT_COMMAND_NAME}`,
      `/${DEFAULT_COMMAND_NAME}-history`,
      `/${DEFAULT_COMMAND_NAME}-forget`,
      `/${DEFAULT_COMMAND_NAME}-flags`,
      `/${DEFAULT_COMMAND_NAME}-usage`,
      `/${DEFAULT_COMMAND_NAME}-handback`,
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    // /…-forget needs Slack to send <@U…> so the user id is exact.
    expect(manifest.features.slash_commands[2]?.should_escape).toBe(true);
  });

  it("subscribes to mentions and to messages in channels, private channels and DMs", () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(["app_mention", "message.channels", "message.groups", "message.im"]),
    );
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });

  it("asks for exactly the scopes the fake Slack grants a configured app", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...FULL_SCOPES].sort());
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
