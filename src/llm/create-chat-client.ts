// Builds the ChatClient that typed LLM settings describe: OpenAI (or compatible), Azure OpenAI, or the offline demo.

import type { TokenCredential } from "@azure/identity";
import OpenAI, { AzureOpenAI } from "openai";
import type { ChatClient } from "../workflow/chat-client.js";
import { ModelError } from "../workflow/errors.js";
import { DemoChatClient } from "./demo-chat-client.js";
import { OpenAIChatClient } from "./openai-chat-client.js";
import type { ImageDetail } from "./openai-messages.js";

export type LlmSettings =
  | {
      provider: "openai";
      apiKey?: string;
      baseURL?: string;
      model: string;
      maxRetries: number;
      timeoutMs: number;
      imageDetail?: ImageDetail;
    }
  | {
      provider: "azure";
      endpoint: string;
      deployment: string;
      apiVersion: string;
      apiKey?: string;
      credential?: TokenCredential;
      maxRetries: number;
      timeoutMs: number;
      imageDetail?: ImageDetail;
    }
  | { provider: "demo" };

type AzureSettings = Extract<LlmSettings, { provider: "azure" }>;

const OPENAI_BASE_URL = "https://api.openai.com/v1";
const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";

export function createChatClient(settings: LlmSettings): ChatClient {
  switch (settings.provider) {
    case "openai":
      return new OpenAIChatClient({
        client: createOpenAIClient(settings),
        model: settings.model,
        streamIdleTimeoutMs: settings.timeoutMs,
        ...(settings.imageDetail === undefined ? {} : { imageDetail: settings.imageDetail }),
      });
    case "azure":
      return new OpenAIChatClient({
        client: createOpenAIClient(settings),
        model: settings.deployment,
        streamIdleTimeoutMs: settings.timeoutMs,
        ...(settings.imageDetail === undefined ? {} : { imageDetail: settings.imageDetail }),
      });
    case "demo":
      return new DemoChatClient();
  }
}

/** The `openai` package's client for these settings (the doctor uses it directly for its probes). */
export function createOpenAIClient(settings: Exclude<LlmSettings, { provider: "demo" }>): OpenAI {
  if (settings.provider === "azure") return createAzureClient(settings);
  return new OpenAI({
    // OpenAI-compatible local servers take no key, but the client refuses to start without one.
    apiKey: settings.apiKey ?? "not-needed",
    // Given explicitly so that the client does not fall back to reading OPENAI_BASE_URL itself.
    baseURL: settings.baseURL ?? OPENAI_BASE_URL,
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
  });
}

function createAzureClient(settings: AzureSettings): AzureOpenAI {
  const common = {
    // A base URL instead of `endpoint`: the client would otherwise refuse to start when OPENAI_BASE_URL is set.
    baseURL: `${settings.endpoint.replace(/\/+$/, "")}/openai`,
    deployment: settings.deployment,
    apiVersion: settings.apiVersion,
    maxRetries: settings.maxRetries,
    timeout: settings.timeoutMs,
  };
  if (settings.apiKey !== undefined) return new AzureOpenAI({ ...common, apiKey: settings.apiKey });
  return new AzureOpenAI({
    ...common,
    azureADTokenProvider: entraTokenProvider(settings.credential),
  });
}

/**
 * A failing credential (no `az login`, no managed identity) is a configuration problem, not an outage:
 * it becomes model_auth. The client wraps what the provider throws, and the error mapping finds it as the cause.
 * @azure/identity (15 MB, 200 ms) is loaded at the first token, so that only Entra deployments pay for it.
 */
function entraTokenProvider(credential: TokenCredential | undefined): () => Promise<string> {
  let getToken: Promise<() => Promise<string>> | undefined;
  return async () => {
    try {
      getToken ??= import("@azure/identity").then((identity) =>
        identity.getBearerTokenProvider(credential ?? new identity.DefaultAzureCredential(), COGNITIVE_SERVICES_SCOPE),
      );
      return await (await getToken)();
    } catch (error) {
      throw new ModelError("model_auth", "Could not get a Microsoft Entra token for Azure OpenAI.", { cause: error });
    }
  };
}
