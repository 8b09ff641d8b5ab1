/**
 * OpenTelemetry metrics and traces for staircase, through `@opentelemetry/api` only: the
 * application chooses and registers an SDK (or none, and every call is a no-op).
 *
 * - {@linkcode RunTelemetry}: a `RunObserver` recording Run and step durations and outcomes,
 *   failed status writes, and a span per Run with a child span per step.
 * - {@linkcode tracingClient}: a span per API request, a child of the active step's span.
 * - {@linkcode RuntimeMetrics}: the controller runtime's queue, retry, watch and cache metrics.
 *
 * @example
 * ```ts
 * import { METRICS, RunTelemetry } from "@staircase/staircase/telemetry";
 *
 * const observer = new RunTelemetry({ controller: "greeting" });
 * console.log(observer.controller, METRICS.runDuration); // greeting run.duration
 * ```
 *
 * @module
 */

export * from "./names.ts";
export * from "./run_telemetry.ts";
export * from "./runtime_metrics.ts";
export * from "./tracing_client.ts";
export type { MeterProviderLike, TracerProviderLike } from "./providers.ts";
