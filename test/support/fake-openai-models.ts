// The fake OpenAI's optional catalogue: API keys it accepts, models it knows (GET /v1/models[/id]), which take images.

import type { IncomingMessage } from "node:http";

export interface FakeModel {
  readonly id: string;
  /** Accepts image_url content parts; without, a request with one is refused as OpenAI refuses it. */
  readonly vision: boolean;
}

export interface FakeCatalog {
  readonly models: readonly FakeModel[];
  /** When given, only these keys are accepted (401 invalid_api_key otherwise), on every route. */
  readonly apiKeys?: readonly string[];
}

export interface CatalogAnswer {
  readonly status: number;
  readonly body: unknown;
}

const error = (status: number, message: string, code: string | null, param: string | null = null): CatalogAnswer => ({
  status,
  body: { error: { message, type: "invalid_request_error", param, code } },
});

/** 401 as OpenAI answers a wrong key (its message shows the key's first characters, masked). */
export function authProblem(catalog: FakeCatalog, req: IncomingMessage): CatalogAnswer | undefined {
  if (catalog.apiKeys === undefined) return undefined;
  const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (key !== undefined && catalog.apiKeys.includes(key)) return undefined;
  if (key === undefined) return error(401, "You didn't provide an API key.", null);
  return error(401, `Incorrect API key provided: ${key.slice(0, 3)}*****${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, "invalid_api_key");
}

/** GET /v1/models and GET /v1/models/{id}; undefined for any other route. */
export function modelRoute(catalog: FakeCatalog, method: string, path: string): CatalogAnswer | undefined {
  if (method !== "GET") return undefined;
  const describe = (model: FakeModel) => ({ id: model.id, object: "model", created: 1_715_367_049, owned_by: "system" });
  if (path === "/v1/models") return { status: 200, body: { object: "list", data: catalog.models.map(describe) } };
  const id = /^\/v1\/models\/(.+)$/.exec(path)?.[1];
  if (id === undefined) return undefined;
  const model = catalog.models.find((m) => m.id === decodeURIComponent(id));
  if (model === undefined) return error(404, `The model '${decodeURIComponent(id)}' does not exist`, "model_not_found", "model");
  return { status: 200, body: describe(model) };
}

/** A chat request naming an unknown model (404), or sending an image to a model without vision (400). */
export function chatProblem(catalog: FakeCatalog, body: unknown): CatalogAnswer | undefined {
  const request = body as { model?: unknown; messages?: unknown };
  const model = catalog.models.find((m) => m.id === request.model);
  if (model === undefined) {
    return error(404, `The model \`${String(request.model)}\` does not exist or you do not have access to it.`, "model_not_found");
  }
  if (model.vision || !Array.isArray(request.messages)) return undefined;
  for (const [i, message] of request.messages.entries()) {
    const content = (message as { content?: unknown }).content;
    if (!Array.isArray(content)) continue;
    const j = content.findIndex((part) => (part as { type?: unknown }).type === "image_url");
    if (j >= 0) return error(400, "Invalid content type. image_url is only supported by certain models.", null, `messages.[${i}].content.[${j}].type`);
  }
  return undefined;
}
