// Internal: validation of EventRecorderOptions, with client-go's defaults filled in.

import { defaultInstance, isReportingName, NAME_LIMIT } from "./_event_format.ts";
import type { EventRecorderOptions } from "./event_recorder_options.ts";
import { MAX_TIMER_MS } from "../client/_timers.ts";

/** client-go's default (`tools/events`): a repeat within 6 minutes extends the series. */
const DEFAULT_SERIES_WINDOW_MS = 6 * 60_000;
const DEFAULT_SERIES_UPDATE_INTERVAL_MS = 10_000;
const DEFAULT_CACHE_SIZE = 4096;
const DEFAULT_MAX_QUEUED_WRITES = 1000;
const DEFAULT_FAILURE_BACKOFF_MS = 10_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

/** {@linkcode EventRecorderOptions} after validation, with every default filled in. */
export interface RecorderSettings {
  readonly controller: string;
  readonly instance: string;
  readonly cacheSize: number;
  readonly intervalMs: number;
  readonly windowMs: number;
  readonly maxQueued: number;
  readonly failureBackoffMs: number;
  readonly closeTimeoutMs: number;
}

function checkPositive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`EventRecorder: ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** A duration a timer waits for: also no longer than a timer can wait. */
function checkDuration(value: number | undefined, name: string, fallback: number): number {
  const ms = checkPositive(value, name, fallback);
  if (ms > MAX_TIMER_MS) {
    throw new RangeError(`EventRecorder: ${name} must be at most ${MAX_TIMER_MS} ms, got ${ms}`);
  }
  return ms;
}

/**
 * The settings `options` ask for.
 *
 * @throws {TypeError} If `reportingController` is not a qualified name, or
 * `reportingInstance` is empty or longer than 128 characters.
 * @throws {RangeError} If a limit is negative or not a number, or `cacheSize` is below 1.
 */
export function recorderSettings(options: EventRecorderOptions): RecorderSettings {
  const controller = options?.reportingController;
  if (
    typeof controller !== "string" || !isReportingName(controller)
  ) {
    throw new TypeError(
      `EventRecorder: reportingController ${
        JSON.stringify(controller)
      } must be a qualified name such as example.com/my-operator (at most 128 characters)`,
    );
  }
  const instance = options.reportingInstance ?? defaultInstance(controller);
  if (typeof instance !== "string" || instance === "" || instance.length > NAME_LIMIT) {
    throw new TypeError(
      "EventRecorder: reportingInstance must be a non-empty string of at most 128 characters",
    );
  }
  const cacheSize = checkPositive(options.cacheSize, "cacheSize", DEFAULT_CACHE_SIZE);
  if (cacheSize < 1 || !Number.isInteger(cacheSize)) {
    throw new RangeError("EventRecorder: cacheSize must be an integer >= 1");
  }
  return {
    controller,
    instance,
    cacheSize,
    intervalMs: checkDuration(
      options.seriesUpdateIntervalMs,
      "seriesUpdateIntervalMs",
      DEFAULT_SERIES_UPDATE_INTERVAL_MS,
    ),
    windowMs: checkDuration(options.seriesWindowMs, "seriesWindowMs", DEFAULT_SERIES_WINDOW_MS),
    maxQueued: checkPositive(options.maxQueuedWrites, "maxQueuedWrites", DEFAULT_MAX_QUEUED_WRITES),
    failureBackoffMs: checkDuration(
      options.failureBackoffMs,
      "failureBackoffMs",
      DEFAULT_FAILURE_BACKOFF_MS,
    ),
    closeTimeoutMs: checkDuration(
      options.closeTimeoutMs,
      "closeTimeoutMs",
      DEFAULT_CLOSE_TIMEOUT_MS,
    ),
  };
}
