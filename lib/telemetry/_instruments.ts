/**
 * The description, unit and kind of every staircase metric, in one table, and the functions
 * that create an instrument from it: each metric has one kind, so a histogram cannot be made
 * of a counter's name.
 *
 * @module
 */

import type { Counter, Histogram, Meter, MetricOptions, UpDownCounter } from "@opentelemetry/api";
import { METRICS } from "./names.ts";

type MetricKey = keyof typeof METRICS;

const HISTOGRAMS = {
  runDuration: { description: "Duration of Runs, status writes included", unit: "ms" },
  stepDuration: { description: "Duration of steps", unit: "ms" },
  queueWait: {
    description: "Time a key waited in the work queue before its Run started",
    unit: "ms",
  },
} as const satisfies Partial<Record<MetricKey, MetricOptions>>;

const COUNTERS = {
  runCount: { description: "Runs by how they ended", unit: "{run}" },
  stepCount: { description: "Steps by name and outcome", unit: "{step}" },
  statusWriteErrors: { description: "Best-effort status writes that failed", unit: "{write}" },
  queueRetries: { description: "Keys requeued with backoff after a failed Run", unit: "{retry}" },
  oneChangeBreaches: {
    description: "Runs that made more than one write not marked best-effort",
    unit: "{run}",
  },
  watchRestarts: {
    description: "Watches restarted (error, expiry, idle watchdog, relist)",
    unit: "{restart}",
  },
} as const satisfies Partial<Record<MetricKey, MetricOptions>>;

const UP_DOWN_COUNTERS = {
  queueDepth: { description: "Keys waiting in the work queue (not running)", unit: "{key}" },
  activeRuns: { description: "Runs in progress", unit: "{run}" },
  cacheObjects: { description: "Objects held in the controller's caches", unit: "{object}" },
} as const satisfies Partial<Record<MetricKey, MetricOptions>>;

/** The histogram of `metric` (durations, in milliseconds). */
export function histogram(meter: Meter, metric: keyof typeof HISTOGRAMS): Histogram {
  return meter.createHistogram(METRICS[metric], HISTOGRAMS[metric]);
}

/** The counter of `metric`. */
export function counter(meter: Meter, metric: keyof typeof COUNTERS): Counter {
  return meter.createCounter(METRICS[metric], COUNTERS[metric]);
}

/** The up-down counter of `metric`. */
export function upDownCounter(meter: Meter, metric: keyof typeof UP_DOWN_COUNTERS): UpDownCounter {
  return meter.createUpDownCounter(METRICS[metric], UP_DOWN_COUNTERS[metric]);
}
