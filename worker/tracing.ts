// OpenTelemetry traces (issue #19), off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: one trace from
// the HTTP request (api/traced-server.ts) through the Temporal client, the workflows and their
// activities (@temporalio/interceptors-opentelemetry), exported over OTLP/HTTP. The exporter and
// the batch processor take the standard OTEL_* variables (OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_BSP_SCHEDULE_DELAY …); OTEL_SERVICE_NAME names the process (default yijianshi).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';

export interface Tracing {
  /** For the Temporal Client and Worker (`plugins`): interceptors, the workflow interceptor module and its span sink. */
  plugin: OpenTelemetryPlugin;
  /** Flushes the spans still buffered. */
  shutdown(): Promise<void>;
}

/** Installs the tracer provider (global: context, W3C propagation) when an OTLP endpoint is configured. */
export function installTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || 'yijianshi' });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { plugin: new OpenTelemetryPlugin({ resource, spanProcessor }), shutdown: () => provider.shutdown() };
}
