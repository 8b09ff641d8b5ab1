/**
 * The settings of the Run executor: per executor ({@linkcode RunExecutorOptions}) and per Run
 * ({@linkcode RunOptions}).
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { ObjectCache } from "../controller/cache.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { StatusWriter } from "../status/status_writer.ts";
import type { Logger } from "./logger.ts";
import type { RunObserver } from "./observer.ts";
import type { Unscoped } from "./resource.ts";

/**
 * The default per-step timeout: 30 seconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_STEP_TIMEOUT_MS, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const executor = new RunExecutor({ client: {} as RestClient });
 * console.log(executor.stepTimeoutMs === DEFAULT_STEP_TIMEOUT_MS); // true
 * ```
 */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

/**
 * Settings of a {@linkcode RunExecutor}.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import { RunExecutor, type RunExecutorOptions } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const options: RunExecutorOptions<unknown> = {
 *   client: {} as RestClient, // e.g. `await autoDetectClient()`
 *   stepTimeoutMs: 10_000,
 *   resyncAfterMs: 600_000,
 *   controller: "web-controller",
 * };
 * const executor = new RunExecutor(options);
 * console.log(executor.stepTimeoutMs, executor.resyncAfterMs); // 10000 600000
 * ```
 */
export interface RunExecutorOptions<R> {
  /** The client handed to steps as `context.client` (a Run may override it). */
  readonly client: RestClient;
  /**
   * The kind this executor runs (a resource token). With it, a namespaced kind's resources are
   * checked for `metadata.namespace`, and `context.cache` without a controller names the kind
   * it cannot read.
   */
  readonly resourceType?: ResourceType<Unscoped<R>>;
  /**
   * How long one step (or one status write) may take before the Run ends with a
   * StepTimeoutError and the step's signal is aborted; `Infinity` disables it, and finite values
   * go up to 2^31 - 1 ms (about 24.8 days, the longest a timer waits). Enforced by sampling: a
   * step times out after between 1 and 1.25 times this.
   *
   * @default {DEFAULT_STEP_TIMEOUT_MS} (30 s)
   */
  readonly stepTimeoutMs?: number;
  /**
   * When set (a finite number > 0), an in-sync (or blocked without delay) Run's action carries
   * this periodic resync delay: `{ type: "await-change", resyncAfterMs }`.
   *
   * @default {undefined} (no periodic resync)
   */
  readonly resyncAfterMs?: number;
  /**
   * Writes the statuses outcomes carry.
   *
   * @default {undefined} (such writes are recorded as failed)
   */
  readonly statusWriter?: StatusWriter<R>;
  /**
   * Where the executor logs.
   *
   * @default {defaultLogger(["run"])} (LogTape category `["staircase", "run"]`)
   */
  readonly logger?: Logger;
  /** Shutdown: checked before every step and linked to every `context.signal`. */
  readonly signal?: AbortSignal;
  /** Telemetry callbacks (spans, histograms). */
  readonly observer?: RunObserver<R>;
  /**
   * Measure per-step durations (`StepResult.durationMs`, `StatusWriteResult.durationMs`).
   * Costs one clock reading per step boundary, more than a no-op step itself; without it those
   * durations are `NaN`. `RunResult.durationMs` is measured either way (without timings from
   * `Date.now()`, at millisecond resolution).
   *
   * @default {true} when the observer has `aroundStep`, `onStepFinished`, `onStatusWritten` or
   * `onRunFinished` (it consumes durations), else `false`
   */
  readonly stepTimings?: boolean;
  /**
   * `context.cache` for Runs that get none from their controller.
   *
   * @default {a cache that throws NotCachedError for every kind}
   */
  readonly cache?: ObjectCache;
  /**
   * `context.events` for Runs that get none from their controller.
   *
   * @default {a sink that logs each event at debug level}
   */
  readonly events?: EventSink;
  /** The controller's name, in `context.controller` and `RunResult.controller`. */
  readonly controller?: string;
}

/**
 * Per-Run options of {@linkcode RunExecutor.run}: what a controller hands each Run.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "@staircase/staircase";
 *
 * function optionsFor(key: string, shutdown: AbortSignal): RunOptions {
 *   return { runId: `${key}-${Date.now()}`, signal: shutdown, controller: "foo-controller" };
 * }
 * console.log(optionsFor("default/web", new AbortController().signal).controller);
 * ```
 */
export interface RunOptions {
  /** Aborts this Run only (in addition to the executor's signal). */
  readonly signal?: AbortSignal;
  /**
   * The Run's id.
   *
   * @default {a random per-process prefix and a counter}
   */
  readonly runId?: string;
  /** `context.client` for this Run (e.g. a client that records its writes). */
  readonly client?: RestClient;
  /** `context.cache` for this Run. */
  readonly cache?: ObjectCache;
  /** `context.events` for this Run. */
  readonly events?: EventSink;
  /** The controller's name for this Run. */
  readonly controller?: string;
}
