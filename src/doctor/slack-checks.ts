// Doctor: the Slack bot token, its scopes against slack/manifest.yml's, the Socket Mode token or the signing secret.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { webApi } from "@slack/bolt";
import { parse } from "yaml";
import { createLogger } from "../logger.js";
import { describeNetworkFailure } from "../network-failure.js";
import { createBoltLogger } from "../platforms/slack/bolt-logger.js";
import { slackErrorOf } from "../platforms/slack/errors.js";
import type { SlackSettings } from "../platforms/slack/settings.js";
import { DoctorReport } from "./report.js";
import { checkSlackAlertChannel } from "./slack-alert-channel.js";

const DEFAULT_API = "https://slack.com/api/";
export const defaultManifestPath: string = fileURLToPath(new URL("../../slack/manifest.yml", import.meta.url));
/** Scopes Baton works without, and what is lost. */
const OPTIONAL_SCOPES: ReadonlyMap<string, string> = new Map([
  ["chat:write.customize", "replies come under the app's name with the agent's name in bold"],
  ["channels:read", "the doctor cannot check a public SLACK_ALERT_CHANNEL"],
  ["groups:read", "the doctor cannot check a private SLACK_ALERT_CHANNEL"],
  ["files:write", "display math comes as its TeX in code, without the rendered image"],
  ["im:write", "without SLACK_ALERT_CHANNEL, no moderator is told by DM that a student asked for a teacher"],
]);

const REFUSED: Readonly<Record<string, string>> = {
  invalid_auth: "it is wrong, or belongs to another app",
  not_authed: "it is empty",
  account_inactive: "the app was uninstalled or the workspace deactivated it",
  token_revoked: "it was revoked (the app was reinstalled or removed)",
  token_expired: "it expired (token rotation is on: turn it off in the app's OAuth settings)",
};

export async function checkSlack(settings: SlackSettings, manifestPath = defaultManifestPath): Promise<DoctorReport> {
  const report = new DoctorReport("Slack");
  const api = settings.apiUrl ?? DEFAULT_API;
  const options = {
    retryConfig: { retries: 0 },
    timeout: 10_000,
    // The doctor's own sentences say what failed; the client's warnings would only repeat them, less clearly.
    logger: createBoltLogger(createLogger("silent")),
    ...(settings.apiUrl === undefined ? {} : { slackApiUrl: settings.apiUrl }),
  };
  if (!settings.botToken.startsWith("xoxb-")) {
    report.fail(
      `SLACK_BOT_TOKEN starts with "${settings.botToken.slice(0, 5)}", not "xoxb-": it is not a bot token`,
      "use the Bot User OAuth Token (OAuth & Permissions → Bot User OAuth Token, xoxb-…)",
    );
  }
  try {
    const client = new webApi.WebClient(settings.botToken, options);
    const auth = await client.auth.test();
    report.ok(`SLACK_BOT_TOKEN is valid: @${auth.user ?? "bot"} in ${auth.team ?? auth.team_id ?? "the workspace"}`);
    checkScopes(report, auth.response_metadata?.scopes, manifestPath);
    await checkSlackAlertChannel(report, client, settings.alertChannel);
  } catch (error) {
    explain(report, error, api, "SLACK_BOT_TOKEN", "OAuth & Permissions → reinstall the app, and copy the Bot User OAuth Token");
  }
  if (settings.appToken !== undefined) await checkSocketMode(report, settings.appToken, options, api);
  else checkSigningSecret(report, settings.signingSecret);
  return report;
}

function checkScopes(report: DoctorReport, granted: readonly string[] | undefined, manifestPath: string): void {
  if (granted === undefined) {
    report.warn("Slack did not say which scopes the token has (no x-oauth-scopes header)");
    return;
  }
  const manifest = parse(readFileSync(manifestPath, "utf8")) as { oauth_config?: { scopes?: { bot?: string[] } } };
  const wanted = manifest.oauth_config?.scopes?.bot ?? [];
  const missing = wanted.filter((scope) => !granted.includes(scope));
  const fix = "add them under OAuth & Permissions → Bot Token Scopes (or update the app's manifest), then reinstall the app";
  const needed = missing.filter((scope) => !OPTIONAL_SCOPES.has(scope));
  if (needed.length > 0) report.fail(`the token lacks the scopes ${needed.join(", ")} that slack/manifest.yml asks for`, fix);
  for (const scope of missing) {
    const loss = OPTIONAL_SCOPES.get(scope);
    if (loss !== undefined) report.warn(`the token lacks ${scope}: ${loss}`, fix);
  }
  if (missing.length === 0) report.ok(`the token has every scope slack/manifest.yml asks for (${wanted.length})`);
}

async function checkSocketMode(report: DoctorReport, appToken: string, options: webApi.WebClientOptions, api: string): Promise<void> {
  if (!appToken.startsWith("xapp-")) {
    report.fail(`SLACK_APP_TOKEN starts with "${appToken.slice(0, 5)}", not "xapp-": it is not an app-level token`, "Basic Information → App-Level Tokens → Generate, with the scope connections:write");
    return;
  }
  try {
    await new webApi.WebClient(appToken, options).apps.connections.open();
    report.ok("SLACK_APP_TOKEN opens a Socket Mode connection");
  } catch (error) {
    explain(report, error, api, "SLACK_APP_TOKEN", "Basic Information → App-Level Tokens → Generate, with the scope connections:write; and turn Socket Mode on");
  }
}

function checkSigningSecret(report: DoctorReport, secret: string | undefined): void {
  if (secret !== undefined && /^[0-9a-f]{32}$/.test(secret)) {
    report.ok("SLACK_SIGNING_SECRET has the right shape (HTTP events mode)");
    return;
  }
  report.fail(
    "SLACK_SIGNING_SECRET does not look like a signing secret (32 lower-case hexadecimal characters)",
    "copy it from Basic Information → App Credentials → Signing Secret (not the Client Secret or a token)",
  );
}

function explain(report: DoctorReport, error: unknown, api: string, variable: string, fix: string): void {
  const network = describeNetworkFailure(error, api);
  if (network !== undefined) {
    report.fail(network, "check the machine's network, proxy and firewall (Slack needs outbound HTTPS to slack.com, and WebSockets for Socket Mode)");
    return;
  }
  const slackError = slackErrorOf(error);
  if (slackError !== undefined) {
    report.fail(`Slack refused ${variable} (${slackError})${REFUSED[slackError] ? `: ${REFUSED[slackError]}` : ""}`, fix);
    return;
  }
  report.fail(`the Slack check of ${variable} failed: ${error instanceof Error ? error.message : String(error)}`);
}
