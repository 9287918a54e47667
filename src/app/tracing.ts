// Registers the OpenTelemetry Node SDK with an OTLP/HTTP span exporter when the settings name an endpoint.

import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace";
import type { TracingSettings } from "../config/env.js";

export interface TracingHandle {
  /** Flushes the spans still buffered and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Starts tracing, or returns undefined when no endpoint is set (the engine's spans then stay no-ops). */
export function startTracing(settings: TracingSettings, serviceName = "baton"): TracingHandle | undefined {
  if (settings.otlpEndpoint === undefined) return undefined;
  const sdk = new NodeSDK({
    serviceName,
    // Spans only: Baton exports no metrics or logs through OpenTelemetry.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(settings.otlpEndpoint) }) })],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is the base: traces go to <endpoint>/v1/traces, as the specification says. */
function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}
