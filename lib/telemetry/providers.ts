/**
 * The OpenTelemetry providers staircase's telemetry accepts, as small structural interfaces:
 * any `MeterProvider` / `TracerProvider` of `@opentelemetry/api` (an SDK's, or the API's
 * no-op one) fits them.
 *
 * @module
 */

import { type Meter, metrics, trace, type Tracer } from "@opentelemetry/api";
import { VERSION } from "../version.ts";
import { INSTRUMENTATION_SCOPE } from "./names.ts";

/**
 * An OpenTelemetry `MeterProvider` (from `@opentelemetry/api`), e.g. an SDK's
 * `MeterProvider`. Declared structurally so that this package's documented surface does not
 * restate the OpenTelemetry API.
 *
 * @example
 * ```ts
 * import { metrics } from "@opentelemetry/api";
 * import { type MeterProviderLike, RunTelemetry } from "@staircase/staircase/telemetry";
 *
 * // Any MeterProvider fits (an SDK's, or the API's global one); this one notes the scopes asked for.
 * const global = metrics.getMeterProvider();
 * const scopes: string[] = [];
 * const provider: MeterProviderLike = {
 *   getMeter: (name, version) => (scopes.push(name), global.getMeter(name, version)),
 * };
 * new RunTelemetry({ controller: "greeting", meterProvider: provider });
 * console.log(scopes); // [ "reconciler" ]
 * ```
 */
export interface MeterProviderLike {
  /** Returns the meter of an instrumentation scope. */
  getMeter(name: string, version?: string, options?: { schemaUrl?: string }): object;
}

/**
 * An OpenTelemetry `TracerProvider` (from `@opentelemetry/api`), e.g. an SDK's
 * `TracerProvider`. Declared structurally, like {@linkcode MeterProviderLike}.
 *
 * @example
 * ```ts
 * import {
 *   InMemorySpanExporter,
 *   SimpleSpanProcessor,
 *   TracerProvider,
 * } from "@opentelemetry/sdk-trace";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type TracerProviderLike, tracingClient } from "@staircase/staircase/telemetry";
 *
 * const spans = new InMemorySpanExporter();
 * const tracerProvider: TracerProviderLike = new TracerProvider({
 *   spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
 * });
 * const client = tracingClient(restClientFromHandler(() => Promise.resolve({})), {
 *   tracerProvider,
 * });
 * await client.performRequest({ method: "GET", path: "/version", expectJson: true });
 * console.log(spans.getFinishedSpans().map((span) => span.name)); // [ "GET" ]
 * ```
 */
export interface TracerProviderLike {
  /** Returns the tracer of an instrumentation scope. */
  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): object;
}

/** staircase's meter from `provider`, or from the global provider. */
export function meterOf(provider: MeterProviderLike | undefined): Meter {
  // Only @opentelemetry/api providers have getMeter with this signature; theirs return a Meter.
  return (provider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE, VERSION) as Meter;
}

/** staircase's tracer from `provider`, or from the global provider. */
export function tracerOf(provider: TracerProviderLike | undefined): Tracer {
  return (provider ?? trace.getTracerProvider()).getTracer(
    INSTRUMENTATION_SCOPE,
    VERSION,
  ) as Tracer;
}
