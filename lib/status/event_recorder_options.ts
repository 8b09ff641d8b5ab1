/**
 * The options of {@linkcode EventRecorder} and the counts it reports.
 *
 * @module
 */

import type { Logger } from "../steps/logger.ts";

/**
 * Options of {@linkcode EventRecorder}.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import { EventRecorder, type EventRecorderOptions } from "@staircase/staircase/status";
 *
 * // One recorder per process, named after the controller and this replica's Pod.
 * function eventRecorder(client: RestClient): EventRecorder {
 *   const options: EventRecorderOptions = {
 *     reportingController: "example.com/greeting-operator",
 *     reportingInstance: Deno.env.get("POD_NAME") ?? "greeting-operator-local",
 *   };
 *   return new EventRecorder(client, options);
 * }
 * ```
 */
export interface EventRecorderOptions {
  /**
   * The controller's name as Events report it (`reportingController`): a qualified name such
   * as `example.com/greeting-operator`.
   */
  readonly reportingController: string;
  /**
   * This process's id among the controller's replicas (`reportingInstance`, at most 128
   * characters), e.g. the Pod name.
   * @default {the host name when `--allow-sys=hostname` is granted, else `<controller name>-<random>`}
   */
  readonly reportingInstance?: string;
  /**
   * How many distinct Events the recorder remembers to aggregate repeats (a least recently
   * used cache). Each entry holds one Event body, about 1 KiB with a full-length note, so the
   * default bounds the cache to a few MiB.
   * @default {4096}
   */
  readonly cacheSize?: number;
  /**
   * The shortest time between two writes of one series: repeats in between only raise the
   * count in memory, and the next write carries them all. A hot loop costs one request per
   * interval, not one per repeat.
   * @default {10000}
   */
  readonly seriesUpdateIntervalMs?: number;
  /**
   * A repeat more than this long after the previous one starts a new Event instead of
   * extending the series.
   * @default {360000}
   */
  readonly seriesWindowMs?: number;
  /**
   * Writes wait in one queue and are sent one at a time; when this many wait, new Events are
   * dropped (and counted) instead of queued.
   * @default {1000}
   */
  readonly maxQueuedWrites?: number;
  /**
   * After a failed create, repeats of that Event are dropped (and counted) for this long, so
   * a server that rejects every Event is not asked again for each one.
   * @default {10000}
   */
  readonly failureBackoffMs?: number;
  /**
   * How long {@linkcode EventRecorder.close} waits for pending writes before it aborts them
   * (they are counted as failed), so shutdown never hangs on an unreachable API server.
   * @default {5000}
   */
  readonly closeTimeoutMs?: number;
  /**
   * Where failures are logged.
   * @default {the LogTape logger `["staircase", "events"]`}
   */
  readonly logger?: Logger;
  /**
   * The clock, epoch milliseconds (tests replace it).
   * @default {Date.now}
   */
  readonly now?: () => number;
}

/**
 * What an {@linkcode EventRecorder} did so far.
 *
 * @example
 * ```ts
 * import type { EventRecorderStats } from "@staircase/staircase/status";
 *
 * const stats: EventRecorderStats = { recorded: 3, created: 1, updated: 1, failed: 0, dropped: 0 };
 * console.log(stats.recorded);
 * ```
 */
export interface EventRecorderStats {
  /** Calls to `record()` that were accepted. */
  readonly recorded: number;
  /** Events created on the server. */
  readonly created: number;
  /** Series updates (patches) the server accepted. */
  readonly updated: number;
  /** Writes the server (or the network) refused. */
  readonly failed: number;
  /** Occurrences given up without a write: bad input, a full queue, a failure backoff, close. */
  readonly dropped: number;
}
