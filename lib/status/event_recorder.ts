/**
 * {@linkcode EventRecorder}: an {@linkcode EventSink} that writes `events.k8s.io/v1` Events,
 * aggregating repeats into event series, best effort and without flooding the API server.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { RestClient } from "../client/contract.ts";
import { isNotFound } from "../client/api_error.ts";
import { ResourceClient } from "../client/resource_client.ts";
import { resourceType } from "../client/resource_type.ts";
import type { Event } from "../apis/events.k8s.io/v1/types.ts";
import type { Logger } from "../steps/logger.ts";
import {
  defaultInstance,
  eventBody,
  eventNamePrefix,
  eventProblem,
  isReportingName,
  microTime,
  NAME_LIMIT,
  NOTE_LIMIT_BYTES,
  seriesKey,
  truncateUtf8,
} from "./_event_format.ts";
import type { EventInput, EventObjectReference, EventSink } from "./event_sink.ts";
import { withRegarding } from "./event_reference.ts";

const EventsV1 = resourceType<Event>()({
  group: "events.k8s.io",
  version: "v1",
  kind: "Event",
  plural: "events",
  namespaced: true,
});

/** client-go's default (`tools/events`): a repeat within 6 minutes extends the series. */
const DEFAULT_SERIES_WINDOW_MS = 6 * 60_000;
const DEFAULT_SERIES_UPDATE_INTERVAL_MS = 10_000;
const DEFAULT_CACHE_SIZE = 4096;
const DEFAULT_MAX_QUEUED_WRITES = 1000;
const DEFAULT_FAILURE_BACKOFF_MS = 10_000;

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

interface SeriesEntry {
  readonly key: string;
  readonly namespace: string;
  /** The Event as created (name and series are added at write time). */
  body: Event;
  /** Occurrences seen, and how many the server knows about. */
  count: number;
  written: number;
  firstObservedMs: number;
  lastObservedMs: number;
  lastWriteMs: number;
  eventName: string | undefined;
  state: "idle" | "waiting" | "queued" | "writing";
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Set after a failed create: repeats are dropped until then. */
  failedUntilMs: number | undefined;
}

function checkPositive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`EventRecorder: ${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/**
 * Records Kubernetes Events (`events.k8s.io/v1`) best effort. `record()` never throws and
 * never waits: it validates and counts the Event in memory, and one background queue writes,
 * one request at a time.
 *
 * - The first occurrence of an Event creates it. Repeats (same regarding and related object,
 *   type, reason, action and note, within `seriesWindowMs`) are aggregated into its `series`
 *   (`count`, `lastObservedTime`) by patching that Event, at most once per
 *   `seriesUpdateIntervalMs` per series: 1,000 repeats in a loop are one Event and a couple of
 *   writes, never 1,000 requests.
 * - Memory is bounded: an LRU cache of `cacheSize` series and a queue of at most
 *   `maxQueuedWrites` writes; what does not fit is dropped and counted in
 *   {@linkcode EventRecorder.stats}.
 * - Failures are logged (category `["staircase", "events"]`) and counted, never thrown.
 * - Call {@linkcode EventRecorder.flush} to write pending series updates now, and
 *   {@linkcode EventRecorder.close} (or `await using`) at shutdown; pending timers do not keep
 *   the process alive.
 *
 * Steps see the recorder through `context.events`, a view made with
 * {@linkcode EventRecorder.forObject} whose Events are about the Run's resource by default.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import { EventRecorder } from "@staircase/staircase/status";
 *
 * const client = { performRequest: () => Promise.resolve({ metadata: { name: "web.1" } }) } as unknown as RestClient;
 * await using recorder = new EventRecorder(client, {
 *   reportingController: "example.com/web-operator",
 *   reportingInstance: "web-operator-0",
 * });
 * const events = recorder.forObject({ apiVersion: "v1", kind: "ConfigMap", name: "web", namespace: "default" });
 * events.record({ type: "Normal", reason: "Synced", action: "Reconcile", note: "in sync" });
 * await recorder.flush();
 * console.log(recorder.stats.created); // 1
 * ```
 */
export class EventRecorder implements EventSink, AsyncDisposable {
  readonly #events: ResourceClient<Event>;
  readonly #controller: string;
  readonly #instance: string;
  readonly #cacheSize: number;
  readonly #intervalMs: number;
  readonly #windowMs: number;
  readonly #maxQueued: number;
  readonly #failureBackoffMs: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #cache = new Map<string, SeriesEntry>();
  readonly #queue: SeriesEntry[] = [];
  readonly #closeTimeoutMs: number;
  readonly #abort = new AbortController();
  #pumping: Promise<void> | undefined;
  #closed = false;
  #stats = { recorded: 0, created: 0, updated: 0, failed: 0, dropped: 0 };

  /**
   * Creates a recorder.
   *
   * @param client The client Events are written through.
   * @param options The reporting controller and the limits.
   * @throws {TypeError} If `reportingController` is not a qualified name, or
   * `reportingInstance` is empty or longer than 128 characters.
   * @throws {RangeError} If a limit is negative or not a number, or `cacheSize` is below 1.
   */
  constructor(client: RestClient, options: EventRecorderOptions) {
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
    this.#cacheSize = checkPositive(options.cacheSize, "cacheSize", DEFAULT_CACHE_SIZE);
    if (this.#cacheSize < 1 || !Number.isInteger(this.#cacheSize)) {
      throw new RangeError("EventRecorder: cacheSize must be an integer >= 1");
    }
    this.#intervalMs = checkPositive(
      options.seriesUpdateIntervalMs,
      "seriesUpdateIntervalMs",
      DEFAULT_SERIES_UPDATE_INTERVAL_MS,
    );
    this.#windowMs = checkPositive(
      options.seriesWindowMs,
      "seriesWindowMs",
      DEFAULT_SERIES_WINDOW_MS,
    );
    this.#maxQueued = checkPositive(
      options.maxQueuedWrites,
      "maxQueuedWrites",
      DEFAULT_MAX_QUEUED_WRITES,
    );
    this.#failureBackoffMs = checkPositive(
      options.failureBackoffMs,
      "failureBackoffMs",
      DEFAULT_FAILURE_BACKOFF_MS,
    );
    this.#closeTimeoutMs = checkPositive(options.closeTimeoutMs, "closeTimeoutMs", 5000);
    this.#events = new ResourceClient<Event>(client, EventsV1);
    this.#controller = controller;
    this.#instance = instance;
    this.#logger = options.logger ?? getLogger(["staircase", "events"]);
    this.#now = options.now ?? Date.now;
  }

  /** The `reportingController` of every Event. */
  get reportingController(): string {
    return this.#controller;
  }

  /** The `reportingInstance` of every Event. */
  get reportingInstance(): string {
    return this.#instance;
  }

  /** Counts of what the recorder did so far (a snapshot). */
  get stats(): EventRecorderStats {
    return { ...this.#stats };
  }

  /** How many series the dedup cache holds now (at most `cacheSize`). */
  get cachedSeries(): number {
    return this.#cache.size;
  }

  /**
   * A view of this recorder whose Events are about `regarding` unless they say otherwise:
   * what a controller hands a Run as `context.events`.
   *
   * @param regarding The object Events are about by default (the Run's resource).
   * @returns An {@linkcode EventSink}.
   *
   * @example
   * ```ts
   * import type { RestClient } from "@staircase/staircase/client";
   * import { EventRecorder, objectReference } from "@staircase/staircase/status";
   *
   * const recorder = new EventRecorder({} as RestClient, { reportingController: "example.com/op" });
   * const app = { apiVersion: "example.com/v1", kind: "App", metadata: { name: "web", namespace: "prod" } };
   * const events = recorder.forObject(objectReference(app));
   * console.log(typeof events.record); // function
   * await recorder.close();
   * ```
   */
  forObject(regarding: EventObjectReference): EventSink {
    return withRegarding(this, regarding);
  }

  /**
   * Records one occurrence of an Event. Never throws and never waits: an Event that cannot be
   * written (no `regarding` object, a bad type, an empty or over-long reason or action, a full
   * queue) is logged and counted as dropped. A note over 1 KiB is shortened.
   *
   * @param event The Event; `regarding` is required here (views from
   * {@linkcode EventRecorder.forObject} fill it in).
   *
   * @example
   * ```ts
   * import type { RestClient } from "@staircase/staircase/client";
   * import { EventRecorder } from "@staircase/staircase/status";
   *
   * const recorder = new EventRecorder({} as RestClient, { reportingController: "example.com/op" });
   * recorder.record({ type: "Warning", reason: "Invalid", action: "Validate" }); // no regarding: dropped
   * console.log(recorder.stats.dropped); // 1
   * await recorder.close();
   * ```
   */
  record(event: EventInput): void {
    try {
      this.#record(event);
    } catch (error) {
      this.#stats.dropped++;
      this.#warn("could not record an Event", { error });
    }
  }

  #record(event: EventInput): void {
    const problem = this.#closed ? "the recorder is closed" : eventProblem(event);
    if (problem !== undefined) {
      this.#stats.dropped++;
      this.#warn(`dropped an Event: ${problem}`, { reason: event?.reason });
      return;
    }
    const now = this.#now();
    const note = event.note === undefined ? undefined : truncateUtf8(event.note, NOTE_LIMIT_BYTES);
    const key = seriesKey(event, note);
    const existing = this.#cache.get(key);
    if (existing !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.#cache.delete(key);
      this.#cache.set(key, existing);
      if (existing.failedUntilMs !== undefined && now < existing.failedUntilMs) {
        this.#stats.dropped++;
        return;
      }
      if (existing.failedUntilMs === undefined && now - existing.lastObservedMs <= this.#windowMs) {
        this.#stats.recorded++;
        existing.count++;
        existing.lastObservedMs = now;
        this.#schedule(existing, now);
        return;
      }
      this.#cache.delete(key);
    }
    const entry: SeriesEntry = {
      key,
      namespace: event.regarding?.namespace || "default",
      body: eventBody(event, note, now, this.#controller, this.#instance),
      count: 1,
      written: 0,
      firstObservedMs: now,
      lastObservedMs: now,
      lastWriteMs: now,
      eventName: undefined,
      state: "idle",
      timer: undefined,
      failedUntilMs: undefined,
    };
    if (!this.#enqueue(entry)) {
      this.#stats.dropped++;
      return;
    }
    this.#stats.recorded++;
    this.#cache.set(key, entry);
    while (this.#cache.size > this.#cacheSize) {
      const oldest: SeriesEntry = this.#cache.values().next().value!;
      this.#cache.delete(oldest.key);
      this.#evicted(oldest);
    }
  }

  /** Plans the next write of a created series: now when its interval has passed, else later. */
  #schedule(entry: SeriesEntry, now: number): void {
    if (entry.state !== "idle" || entry.count <= entry.written) return;
    const due = entry.lastWriteMs + this.#intervalMs;
    if (due <= now || this.#closed) {
      this.#enqueue(entry);
      return;
    }
    entry.state = "waiting";
    const timer = setTimeout(() => {
      entry.timer = undefined;
      entry.state = "idle";
      this.#enqueue(entry);
    }, due - now);
    // A pending series update must not keep a finished program alive (close() flushes it).
    Deno.unrefTimer(timer);
    entry.timer = timer;
  }

  /** Queues a write; false when the queue is full (the entry stays idle). */
  #enqueue(entry: SeriesEntry): boolean {
    if (entry.state === "queued" || entry.state === "writing") return true;
    if (this.#queue.length >= this.#maxQueued) {
      this.#warn("the Event write queue is full: dropping", { reason: entry.body.reason });
      return false;
    }
    entry.state = "queued";
    this.#queue.push(entry);
    this.#pumping ??= this.#pump();
    return true;
  }

  #evicted(entry: SeriesEntry): void {
    // Write what the series still owes once; the cache forgets it either way.
    if (entry.state === "waiting") {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.state = "idle";
      if (!this.#enqueue(entry)) this.#stats.dropped += entry.count - entry.written;
    }
  }

  async #pump(): Promise<void> {
    try {
      for (let entry = this.#queue.shift(); entry !== undefined; entry = this.#queue.shift()) {
        if (this.#abort.signal.aborted) {
          // Closed and timed out: what is still queued is given up, not sent.
          this.#stats.dropped += entry.count - entry.written;
          entry.written = entry.count;
          entry.state = "idle";
          continue;
        }
        entry.state = "writing";
        await this.#write(entry);
        entry.state = "idle";
        if (this.#cache.get(entry.key) === entry || entry.eventName === undefined) {
          this.#schedule(entry, this.#now());
        }
      }
    } finally {
      this.#pumping = undefined;
    }
  }

  async #write(entry: SeriesEntry): Promise<void> {
    const count = entry.count;
    const series = count >= 2
      ? { count, lastObservedTime: microTime(entry.lastObservedMs) }
      : undefined;
    const events = this.#events.namespace(entry.namespace);
    if (entry.eventName === undefined) {
      const name = `${eventNamePrefix(entry.body.regarding?.name)}.${
        entry.firstObservedMs.toString(16)
      }${crypto.randomUUID().slice(0, 6)}`;
      const body: Event = {
        ...entry.body,
        metadata: { name, namespace: entry.namespace },
        ...(series === undefined ? {} : { series }),
      };
      try {
        const created = await events.create(body, { abortSignal: this.#abort.signal });
        entry.eventName = created?.metadata?.name ?? name;
        entry.written = count;
        entry.lastWriteMs = this.#now();
        this.#stats.created++;
      } catch (error) {
        this.#stats.failed++;
        this.#stats.dropped += count;
        entry.written = count;
        entry.failedUntilMs = this.#now() + this.#failureBackoffMs;
        this.#warn("could not create an Event", { reason: entry.body.reason, error });
      }
      return;
    }
    try {
      await events.patch(entry.eventName, { series }, {
        type: "merge",
        abortSignal: this.#abort.signal,
      });
      entry.written = count;
      entry.lastWriteMs = this.#now();
      this.#stats.updated++;
    } catch (error) {
      entry.lastWriteMs = this.#now();
      if (isNotFound(error)) {
        // The Event expired (the API server keeps Events for an hour by default): start anew
        // with what it had not recorded yet.
        entry.eventName = undefined;
        entry.count = Math.max(1, count - entry.written);
        entry.written = 0;
        entry.firstObservedMs = this.#now();
        entry.body = { ...entry.body, eventTime: microTime(entry.firstObservedMs) };
        return;
      }
      this.#stats.failed++;
      this.#warn("could not update an Event series", { reason: entry.body.reason, error });
    }
  }

  /**
   * Writes every pending series update now (each series once, with the count it has when
   * its write starts) and waits until the write queue is empty. Never rejects.
   *
   * @returns Resolves when what was pending is written (or failed).
   *
   * @example
   * ```ts
   * import type { RestClient } from "@staircase/staircase/client";
   * import { EventRecorder } from "@staircase/staircase/status";
   *
   * const recorder = new EventRecorder({} as RestClient, { reportingController: "example.com/op" });
   * await recorder.flush(); // nothing pending: resolves at once
   * await recorder.close();
   * ```
   */
  async flush(): Promise<void> {
    // Each series is queued by this flush at most once, so a producer that keeps recording
    // (or a server that keeps failing) cannot keep flush() from resolving.
    const queued = new Set<SeriesEntry>();
    const queuePending = (): void => {
      for (const entry of this.#cache.values()) {
        if (entry.state === "waiting" && entry.count > entry.written && !queued.has(entry)) {
          queued.add(entry);
          clearTimeout(entry.timer);
          entry.timer = undefined;
          entry.state = "idle";
          this.#enqueue(entry);
        }
      }
    };
    queuePending();
    while (this.#pumping !== undefined) {
      await this.#pumping;
      // A write may have left a follow-up waiting (repeats recorded while it was in flight).
      queuePending();
    }
  }

  /**
   * Flushes (for at most `closeTimeoutMs`, then aborts what is left), then refuses further
   * Events (they are dropped and counted) and forgets the cache. Never rejects.
   *
   * @returns Resolves when the last write settled.
   */
  async close(): Promise<void> {
    this.#closed = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#closeTimeoutMs);
    });
    await Promise.race([this.flush(), timedOut]);
    clearTimeout(timer);
    // What is still in flight or queued now fails at once (counted), instead of waiting on
    // the client's own timeouts.
    this.#abort.abort(new Error("the EventRecorder was closed"));
    while (this.#pumping !== undefined) await this.#pumping;
    for (const entry of this.#cache.values()) clearTimeout(entry.timer);
    this.#cache.clear();
  }

  /** Same as {@linkcode EventRecorder.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #warn(message: string, properties: Record<string, unknown>): void {
    try {
      this.#logger.warn(message, { controller: this.#controller, ...properties });
    } catch {
      // A logger that throws must not make record() throw.
    }
  }
}
