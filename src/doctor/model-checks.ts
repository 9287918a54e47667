// Doctor: the configured model answers a 1-token call, its name exists, and whether it can read images.

import OpenAI, { APIConnectionError, APIError, AuthenticationError, NotFoundError, PermissionDeniedError, RateLimitError } from "openai";
import { createOpenAIClient, type LlmSettings } from "../llm/create-chat-client.js";
import { describeNetworkFailure } from "../network-failure.js";
import { DoctorReport } from "./report.js";

type RealLlm = Exclude<LlmSettings, { provider: "demo" }>;

/** A 1×1 transparent PNG: the smallest image a vision probe can send (detail "low": a fixed, small token cost). */
const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

export async function checkModel(llm: LlmSettings): Promise<DoctorReport> {
  const report = new DoctorReport("Model");
  if (llm.provider === "demo") {
    report.fail(
      "no model is configured: the bots would answer with the offline demo model",
      "set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server, or AZURE_OPENAI_ENDPOINT); see docs/configuration.md",
    );
    return report;
  }
  const client = createOpenAIClient({ ...llm, maxRetries: 0 });
  const name = llm.provider === "azure" ? llm.deployment : llm.model;
  const where = llm.provider === "azure" ? llm.endpoint : (llm.baseURL ?? "https://api.openai.com/v1");
  const label = llm.provider === "azure" ? `Azure OpenAI deployment ${name}` : `model ${name}`;

  if (llm.provider === "openai") {
    try {
      await client.models.retrieve(name);
      report.ok(`${label} exists`);
    } catch (error) {
      if (!(error instanceof NotFoundError)) return explain(report, error, label, where, llm);
      report.fail(`OPENAI_MODEL=${name}: ${hostOf(where)} has no model of that name (or this key may not use it)`, "check the spelling; `gpt-4o-mini` is the default");
      return report;
    }
  }
  try {
    await client.chat.completions.create(probe(llm, name, "Say OK."));
    report.ok(`${label} answers (a 1-token call)`);
  } catch (error) {
    return explain(report, error, label, where, llm);
  }
  try {
    await client.chat.completions.create(
      probe(llm, name, [
        { type: "text", text: "Say OK." },
        { type: "image_url", image_url: { url: PIXEL, detail: "low" } },
      ]),
    );
    report.ok(`${label} reads images (students' photos of their homework can be answered)`);
  } catch (error) {
    if (!(error instanceof APIError) || error.status !== 400) return explain(report, error, label, where, llm);
    report.warn(`${label} cannot read images: photos students send will not be understood`, "use a vision model such as gpt-4o-mini (OPENAI_MODEL)");
  }
  return report;
}

type Content = OpenAI.Chat.Completions.ChatCompletionUserMessageParam["content"];

/** OpenAI's own API takes max_completion_tokens (reasoning models refuse max_tokens); compatible servers know max_tokens. */
function probe(llm: RealLlm, model: string, content: Content): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  const limit = llm.provider === "openai" && llm.baseURL === undefined ? { max_completion_tokens: 1 } : { max_tokens: 1 };
  return { model, messages: [{ role: "user", content }], ...limit };
}

function explain(report: DoctorReport, error: unknown, label: string, where: string, llm: RealLlm): DoctorReport {
  const keyVariable = llm.provider === "azure" ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY";
  const network = describeNetworkFailure(error, where);
  if (network !== undefined || error instanceof APIConnectionError) {
    report.fail(network ?? `cannot reach ${hostOf(where)}: the connection failed or timed out`, "check the machine's network, proxy and firewall, and the URL");
  } else if (error instanceof AuthenticationError) {
    report.fail(`${hostOf(where)} refused the key (401): ${keyVariable} is wrong, revoked or for another organisation`, "create a new key and put it in .env");
  } else if (error instanceof PermissionDeniedError) {
    report.fail(`${hostOf(where)} refused access to ${label} (403)`, "check the key's project permissions and the model's availability for it");
  } else if (error instanceof NotFoundError) {
    report.fail(`${hostOf(where)} has no ${label} (404)`, llm.provider === "azure" ? "check AZURE_OPENAI_DEPLOYMENT_NAME and AZURE_OPENAI_API_VERSION" : "check OPENAI_MODEL");
  } else if (error instanceof RateLimitError) {
    const quota = error.code === "insufficient_quota";
    report.fail(
      quota ? `${hostOf(where)} says the account has no credit left (429 insufficient_quota)` : `${hostOf(where)} is rate limiting this key (429)`,
      quota ? "add credit or a payment method at https://platform.openai.com/settings/organization/billing" : "wait a minute and run the doctor again",
    );
  } else if (error instanceof APIError) {
    report.fail(`${hostOf(where)} refused the test call to ${label}: HTTP ${error.status ?? "?"}`);
  } else {
    report.fail(`the test call to ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return report;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
