// Slack's one-click "create an app from this manifest" link, built from slack/manifest.yml (docs/slack.md carries it).

import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** `https://api.slack.com/apps?new_app=1&manifest_json=…`: Slack opens "Create an app" with the manifest filled in. */
export function slackManifestLink(manifestPath = "slack/manifest.yml"): string {
  const manifest: unknown = parse(readFileSync(manifestPath, "utf8"));
  return `https://api.slack.com/apps?new_app=1&manifest_json=${encodeURIComponent(JSON.stringify(manifest))}`;
}
