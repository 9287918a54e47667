// With OTEL_EXPORTER_OTLP_ENDPOINT set, the Node SDK exports the engine's spans over OTLP/HTTP to that endpoint.

import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTracing } from "../../src/app/tracing.js";
import { loadSettings } from "../../src/config/env.js";
import { AgentWorkflowBuilder, ChatClientAgent, ChatMessage, InProcessExecution } from "../../src/workflow/index.js";
import { ScriptedChatClient } from "../support/scripted-chat-client.js";

const received: Array<{ path: string; type: string; body: string }> = [];
const collector = createServer((request: IncomingMessage, response) => {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => (body += chunk));
  request.on("end", () => {
    received.push({ path: request.url ?? "", type: request.headers["content-type"] ?? "", body });
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
let endpoint: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

it("starts nothing without an endpoint, and exports the turn's spans to <endpoint>/v1/traces with one", async () => {
  expect(startTracing(loadSettings({}).tracing)).toBeUndefined();
  const settings = loadSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  expect(settings.tracing).toEqual({ otlpEndpoint: endpoint, content: false });
  const tracing = startTracing(settings.tracing)!;
  const client = new ScriptedChatClient([{ text: "2x." }]);
  const workflow = AgentWorkflowBuilder.createHandoffBuilderWith(new ChatClientAgent(client, "Help.", "math_tutor")).build();
  await InProcessExecution.run(workflow, [new ChatMessage("user", "What is the derivative of x^2?")]);
  await tracing.shutdown();
  const traces = received.filter((r) => r.path === "/v1/traces");
  expect(traces.length).toBeGreaterThan(0);
  const body = traces.map((t) => t.body).join("");
  for (const name of ["baton.turn", "invoke_agent math_tutor", "chat unknown"]) expect(body).toContain(name);
  expect(body).not.toContain("derivative");
});
