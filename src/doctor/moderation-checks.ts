// Doctor: the moderation service answers a real moderations.create call, or a warning that messages go unchecked.

import OpenAI, { APIConnectionError, APIError, AuthenticationError, NotFoundError, RateLimitError } from "openai";
import type { ModerationSettings } from "../config/safety-settings.js";
import { DEFAULT_MODERATION_MODEL } from "../llm/openai-moderation.js";
import { describeNetworkFailure } from "../network-failure.js";
import { DoctorReport } from "./report.js";

export async function checkModeration(settings: ModerationSettings): Promise<DoctorReport> {
  const report = new DoctorReport("Moderation");
  if (settings.provider === "off") {
    report.warn(
      settings.reason === "setting"
        ? "BATON_MODERATION=off: students' messages (minors' included) go unchecked, and no safety alerts are raised"
        : "moderation is off for want of a key: students' messages (minors' included) go unchecked, and no safety alerts are raised",
      settings.reason === "setting"
        ? "remove BATON_MODERATION=off (docs/safety.md) unless another service checks the messages"
        : "set BATON_MODERATION_API_KEY (or OPENAI_API_KEY): OpenAI's moderation endpoint costs nothing (docs/safety.md)",
    );
    return report;
  }
  const host = hostOf(settings.baseURL);
  const client = new OpenAI({ apiKey: settings.apiKey ?? "not-needed", baseURL: settings.baseURL, maxRetries: 0, timeout: 10_000 });
  try {
    const response = await client.moderations.create({ model: DEFAULT_MODERATION_MODEL, input: "Baton doctor: is this endpoint working?" });
    if (response.results.length !== 1) {
      report.fail(`${host} answered the moderation check with ${response.results.length} results for one input`, "BATON_MODERATION_BASE_URL must point at an OpenAI-compatible moderation endpoint");
    } else report.ok(`${host} moderates students' messages (${DEFAULT_MODERATION_MODEL} answered a test call)`);
  } catch (error) {
    explain(report, error, settings.baseURL, host);
  }
  return report;
}

function explain(report: DoctorReport, error: unknown, url: string, host: string): void {
  const network = describeNetworkFailure(error, url);
  if (network !== undefined || error instanceof APIConnectionError) {
    report.fail(
      `${network ?? `cannot reach ${host}: the connection failed or timed out`}; students' messages would go unchecked`,
      "check the machine's network, proxy and firewall, and BATON_MODERATION_BASE_URL",
    );
  } else if (error instanceof AuthenticationError) {
    report.fail(`${host} refused the moderation key (401): BATON_MODERATION_API_KEY (or OPENAI_API_KEY) is wrong or revoked`, "create a new key and put it in .env");
  } else if (error instanceof NotFoundError) {
    report.fail(
      `${host} has no moderation endpoint (404 on /moderations): a compatible model server often has none`,
      "set BATON_MODERATION_BASE_URL=https://api.openai.com/v1 with BATON_MODERATION_API_KEY, or BATON_MODERATION=off knowingly",
    );
  } else if (error instanceof RateLimitError) {
    report.fail(`${host} is rate limiting the moderation key (429)`, "wait a minute and run the doctor again");
  } else if (error instanceof APIError) {
    report.fail(`${host} refused the moderation check: HTTP ${error.status ?? "?"}`);
  } else {
    report.fail(`the moderation check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
