/**
 * {@linkcode RuntimeMetrics}: the controller runtime's own metrics (queue, retries, active
 * Runs, one-change-rule breaches, watches and caches), recorded through `@opentelemetry/api`.
 *
 * @module
 */

import type { Attributes, Counter, Histogram, UpDownCounter } from "@opentelemetry/api";
import { counter, histogram, upDownCounter } from "./_instruments.ts";
import { ATTRIBUTES } from "./names.ts";
import { meterOf, type MeterProviderLike } from "./providers.ts";

/**
 * Options of {@linkcode RuntimeMetrics}.
 *
 * @example
 * ```ts
 * import { RuntimeMetrics } from "@staircase/staircase/telemetry";
 *
 * // No options: the global meter provider and the controller name "unnamed".
 * console.log(new RuntimeMetrics().controller); // unnamed
 * console.log(new RuntimeMetrics({ controller: "greeting" }).controller); // greeting
 * ```
 */
export interface RuntimeMetricsOptions {
  /**
   * The controller's name, recorded as the `controller` attribute of the queue and Run metrics.
   * @default "unnamed"
   */
  readonly controller?: string;
  /**
   * Where the metrics go.
   * @default the global meter provider (`metrics.getMeterProvider()`), a no-op until the application registers an SDK
   */
  readonly meterProvider?: MeterProviderLike;
}

/**
 * The runtime's metrics for one controller: work-queue depth and wait time, retries, active
 * Runs, one-change-rule breaches, watch restarts and cached objects per kind. The controller
 * runtime calls it; applications only choose the meter provider. Without an SDK every call is
 * a no-op of the OpenTelemetry API.
 *
 * @example The queue depth, read back through an SDK meter provider
 * ```ts
 * import {
 *   AggregationTemporality,
 *   InMemoryMetricExporter,
 *   MeterProvider,
 *   PeriodicExportingMetricReader,
 * } from "@opentelemetry/sdk-metrics";
 * import { METRICS, RuntimeMetrics } from "@staircase/staircase/telemetry";
 *
 * const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
 * const reader = new PeriodicExportingMetricReader({ exporter });
 * const meterProvider = new MeterProvider({ readers: [reader] });
 * const runtime = new RuntimeMetrics({ controller: "greeting", meterProvider });
 * runtime.queueDepthChanged(2); // two keys were queued
 * runtime.queueDepthChanged(-1); // ... and one was taken
 * const { resourceMetrics } = await reader.collect();
 * const [depth] = resourceMetrics.scopeMetrics[0].metrics
 *   .filter((metric) => metric.descriptor.name === METRICS.queueDepth);
 * console.log(depth.dataPoints[0].attributes, depth.dataPoints[0].value); // { controller: "greeting" } 1
 * await meterProvider.shutdown();
 * ```
 */
export class RuntimeMetrics {
  /** The controller these metrics describe. */
  readonly controller: string;
  readonly #attributes: Attributes;
  readonly #queueDepth: UpDownCounter;
  readonly #queueWait: Histogram;
  readonly #retries: Counter;
  readonly #activeRuns: UpDownCounter;
  readonly #breaches: Counter;
  readonly #watchRestarts: Counter;
  readonly #cacheObjects: UpDownCounter;

  /**
   * Creates the instruments (once per instance; SDKs share instruments of one name).
   *
   * @param options The controller's name and the meter provider.
   */
  constructor(options: RuntimeMetricsOptions = {}) {
    this.controller = options.controller ?? "unnamed";
    this.#attributes = Object.freeze({ [ATTRIBUTES.controller]: this.controller });
    const meter = meterOf(options.meterProvider);
    this.#queueDepth = upDownCounter(meter, "queueDepth");
    this.#queueWait = histogram(meter, "queueWait");
    this.#retries = counter(meter, "queueRetries");
    this.#activeRuns = upDownCounter(meter, "activeRuns");
    this.#breaches = counter(meter, "oneChangeBreaches");
    this.#watchRestarts = counter(meter, "watchRestarts");
    this.#cacheObjects = upDownCounter(meter, "cacheObjects");
  }

  /** The work queue grew (`delta > 0`) or shrank (`delta < 0`) by `delta` keys. */
  queueDepthChanged(delta: number): void {
    this.#queueDepth.add(delta, this.#attributes);
  }

  /** A key waited `ms` milliseconds in the queue before its Run started. */
  queueWait(ms: number): void {
    this.#queueWait.record(ms, this.#attributes);
  }

  /** A key was requeued with backoff after a failed Run. */
  retried(): void {
    this.#retries.add(1, this.#attributes);
  }

  /** A Run started. */
  runStarted(): void {
    this.#activeRuns.add(1, this.#attributes);
  }

  /** A Run ended (whatever its result). */
  runFinished(): void {
    this.#activeRuns.add(-1, this.#attributes);
  }

  /** A Run made more than one write that was not marked best-effort. */
  oneChangeBreach(): void {
    this.#breaches.add(1, this.#attributes);
  }

  /**
   * A watch of `kind` restarted.
   *
   * @param kind The watched kind, e.g. `ConfigMap`.
   * @param reason Why, in a few words of a small fixed set (`error`, `expired`, `idle`, `closed`).
   */
  watchRestarted(kind: string, reason: string): void {
    this.#watchRestarts.add(1, { [ATTRIBUTES.kind]: kind, [ATTRIBUTES.reason]: reason });
  }

  /** The cache of `kind` gained (`delta > 0`) or lost objects. */
  cacheObjectsChanged(kind: string, delta: number): void {
    this.#cacheObjects.add(delta, { [ATTRIBUTES.kind]: kind });
  }
}
