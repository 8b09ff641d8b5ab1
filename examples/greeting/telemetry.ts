/**
 * How an application wires OpenTelemetry for the Greeting operator: the SDK (a dependency of
 * the application, not of staircase) with metrics on a Prometheus `/metrics` endpoint and
 * traces to the console or an OTLP endpoint. staircase itself only uses `@opentelemetry/api`.
 *
 * @module
 */

import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { readableEnv } from "./env.ts";

/** Where traces go. */
export type TraceExport = "none" | "console" | "otlp";

/** Options of {@linkcode setupTelemetry}. */
export interface TelemetrySetupOptions {
  /**
   * Serve Prometheus metrics on this port at `/metrics` (0: any free port).
   * @default no metrics endpoint
   */
  readonly metricsPort?: number;
  /**
   * The address the metrics endpoint listens on.
   * @default "0.0.0.0" (reachable by a Prometheus scraping the pod)
   */
  readonly hostname?: string;
  /**
   * Where spans go: nowhere, the console, or OTLP over HTTP (`OTEL_EXPORTER_OTLP_ENDPOINT`,
   * default `http://localhost:4318`).
   * @default "none"
   */
  readonly traces?: TraceExport;
  /**
   * Make these providers the process's global ones (what staircase uses by default), and
   * install an async context manager so that step spans parent their requests' spans.
   * @default true
   */
  readonly register?: boolean;
  /**
   * The `service.name` of every metric and span (in a Prometheus scrape: `target_info`).
   * @default env `OTEL_SERVICE_NAME` when set and readable, else `"greeting-operator"`
   */
  readonly serviceName?: string;
}

/** The running telemetry of the application. */
export interface TelemetrySetup extends AsyncDisposable {
  /** The meter provider (also the global one when registered). */
  readonly meterProvider: MeterProvider;
  /** The tracer provider (also the global one when registered). */
  readonly tracerProvider: TracerProvider;
  /** The Prometheus endpoint, when served. */
  readonly metricsUrl: string | undefined;
  /** The metrics in the Prometheus text format, as a scrape would get them. */
  scrape(): Promise<string>;
  /** Flushes and stops everything (also on `await using`). */
  shutdown(): Promise<void>;
}

/**
 * Sets up the OpenTelemetry SDK as the Greeting operator's `main.ts` does.
 *
 * @param options Metrics port, trace export and registration.
 * @returns The providers and the metrics endpoint.
 */
export function setupTelemetry(options: TelemetrySetupOptions = {}): TelemetrySetup {
  // The exporter is used as a plain MetricReader; Deno serves its text, so no node:http server.
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  const resource = resourceFromAttributes({
    "service.name": options.serviceName ?? readableEnv("OTEL_SERVICE_NAME") ?? "greeting-operator",
  });
  const meterProvider = new MeterProvider({ readers: [prometheus], resource });
  const spanProcessors: SpanProcessor[] = [];
  if (options.traces === "console") {
    spanProcessors.push(new BatchSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  } else if (options.traces === "otlp") {
    spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
  }
  const tracerProvider = new TracerProvider({ spanProcessors, resource });
  if (options.register ?? true) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    metrics.setGlobalMeterProvider(meterProvider);
    trace.setGlobalTracerProvider(tracerProvider);
  }

  const scrape = async (): Promise<string> => {
    const { resourceMetrics } = await prometheus.collect();
    return serializer.serialize(resourceMetrics);
  };

  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  let metricsUrl: string | undefined;
  if (options.metricsPort !== undefined) {
    server = Deno.serve({
      port: options.metricsPort,
      hostname: options.hostname ?? "0.0.0.0",
      onListen: () => {},
    }, async (request) => {
      if (new URL(request.url).pathname !== "/metrics") {
        return new Response("not found\n", { status: 404 });
      }
      return new Response(await scrape(), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    });
    const { hostname, port } = server.addr;
    metricsUrl = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${port}/metrics`;
  }

  const shutdown = async (): Promise<void> => {
    await server?.shutdown();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
    if (options.register ?? true) {
      metrics.disable();
      trace.disable();
      context.disable();
    }
  };
  return {
    meterProvider,
    tracerProvider,
    metricsUrl,
    scrape,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
