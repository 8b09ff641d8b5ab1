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
 * import type { MeterProviderLike } from "@staircase/staircase/telemetry";
 *
 * const provider: MeterProviderLike = metrics.getMeterProvider();
 * console.log(typeof provider.getMeter); // function
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
 * import { trace } from "@opentelemetry/api";
 * import type { TracerProviderLike } from "@staircase/staircase/telemetry";
 *
 * const provider: TracerProviderLike = trace.getTracerProvider();
 * console.log(typeof provider.getTracer); // function
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
