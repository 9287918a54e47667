// Clients built from settings reach the right URL with the right credentials: OpenAI(-compatible), Azure key, Azure Entra.

import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createChatClient, type LlmSettings } from "../../src/llm/create-chat-client.js";
import { DemoChatClient } from "../../src/llm/demo-chat-client.js";
import type { ChatRequest } from "../../src/workflow/chat-client.js";
import { ModelError } from "../../src/workflow/errors.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server.js";
import { collect } from "./adapter-helpers.js";

const QUESTION: ChatRequest = { messages: [{ role: "user", content: "What is 2+2?" }], tools: [] };

/** A credential that hands out a fixed token and remembers the scopes it was asked for. */
class FakeTokenCredential implements TokenCredential {
  readonly scopes: string[] = [];
  constructor(private readonly outcome: "token" | "failure" = "token") {}
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    if (this.outcome === "failure") throw new Error("No Azure account is signed in.");
    return { token: "fake-entra-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

function azureSettings(fake: FakeOpenAI, extra: Partial<Extract<LlmSettings, { provider: "azure" }>>): LlmSettings {
  return {
    provider: "azure",
    endpoint: `${fake.azureEndpoint}/`,
    deployment: "tutor-gpt4o",
    apiVersion: "2024-10-21",
    maxRetries: 0,
    timeoutMs: 10_000,
    ...extra,
  };
}

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

describe("createChatClient for OpenAI and compatible servers", () => {
  it("talks to the given base URL with the model and key from the settings", async () => {
    fake.enqueue({ text: "4" });
    const client = createChatClient({ provider: "openai", apiKey: "sk-settings", baseURL: fake.url, model: "gpt-4o-mini", maxRetries: 0, timeoutMs: 10_000 });
    const { response } = await collect(client.getStreamingResponse(QUESTION));
    expect(response.text).toBe("4");
    expect(fake.requests[0]).toMatchObject({ path: "/v1/chat/completions", authorization: "Bearer sk-settings" });
    expect(fake.requests[0]?.body.model).toBe("gpt-4o-mini");
  });

  it("works without a key, as local OpenAI-compatible servers need none", async () => {
    fake.enqueue({ text: "4" });
    const client = createChatClient({ provider: "openai", baseURL: fake.url, model: "llama3", maxRetries: 0, timeoutMs: 10_000 });
    await expect(client.getResponse(QUESTION)).resolves.toMatchObject({ text: "4" });
    expect(fake.requests[0]?.authorization).toBe("Bearer not-needed");
  });

  it("retries with the client's own maxRetries", async () => {
    fake.enqueue({ status: 500, retryAfterSeconds: 0 }, { status: 500, retryAfterSeconds: 0 }, { text: "4" });
    const client = createChatClient({ provider: "openai", baseURL: fake.url, model: "gpt-4o-mini", maxRetries: 2, timeoutMs: 10_000 });
    await expect(client.getResponse(QUESTION)).resolves.toMatchObject({ text: "4" });
    expect(fake.requests).toHaveLength(3);
  });
});

describe("createChatClient for Azure OpenAI", () => {
  it("with a key: calls the deployment's URL with api-version and an api-key header", async () => {
    fake.enqueue({ text: "4" });
    const client = createChatClient(azureSettings(fake, { apiKey: "azure-secret-key" }));
    const { response } = await collect(client.getStreamingResponse(QUESTION));
    expect(response.text).toBe("4");
    const sent = fake.requests[0];
    expect(sent).toMatchObject({
      path: "/openai/deployments/tutor-gpt4o/chat/completions",
      deployment: "tutor-gpt4o",
      apiVersion: "2024-10-21",
      apiKey: "azure-secret-key",
    });
    expect(sent?.authorization).toBeUndefined();
    expect(sent?.rejection).toBeUndefined();
  });

  it("with a TokenCredential: sends the Entra token as a bearer and no api-key", async () => {
    fake.enqueue({ text: "4" });
    const credential = new FakeTokenCredential();
    const client = createChatClient(azureSettings(fake, { credential }));
    await expect(client.getResponse(QUESTION)).resolves.toMatchObject({ text: "4" });
    const sent = fake.requests[0];
    expect(sent?.authorization).toBe("Bearer fake-entra-token");
    expect(sent?.apiKey).toBeUndefined();
    expect(sent?.path).toBe("/openai/deployments/tutor-gpt4o/chat/completions");
    expect(credential.scopes).toContain("https://cognitiveservices.azure.com/.default");
  });

  it("reports a credential that cannot produce a token as model_auth, without calling the service", async () => {
    const client = createChatClient(azureSettings(fake, { credential: new FakeTokenCredential("failure") }));
    const error = await client.getResponse(QUESTION).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model_auth" });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("createChatClient for the demo", () => {
  it("builds the offline demo model", () => {
    expect(createChatClient({ provider: "demo" })).toBeInstanceOf(DemoChatClient);
  });
});
