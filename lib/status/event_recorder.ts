/**
 * {@linkcode EventRecorder}: an {@linkcode EventSink} that writes `events.k8s.io/v1` Events,
 * aggregating repeats into event series, best effort and without flooding the API server.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { RestClient } from "../client/contract.ts";
import type { Logger } from "../steps/logger.ts";
import {
  eventBody,
  eventProblem,
  NOTE_LIMIT_BYTES,
  seriesKey,
  truncateUtf8,
} from "./_event_format.ts";
import { recorderSettings } from "./_event_recorder_settings.ts";
import { newSeries, SeriesCache, type SeriesEntry } from "./_event_series.ts";
import { EventWriter } from "./_event_writer.ts";
import type { EventInput, EventObjectReference, EventSink } from "./event_sink.ts";
import { withRegarding } from "./event_reference.ts";
import type { EventRecorderOptions, EventRecorderStats } from "./event_recorder_options.ts";

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
  readonly #writer: EventWriter;
  readonly #controller: string;
  readonly #instance: string;
  readonly #intervalMs: number;
  readonly #maxQueued: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #cache: SeriesCache;
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
    const settings = recorderSettings(options);
    this.#cache = new SeriesCache(settings.cacheSize, settings.windowMs);
    this.#intervalMs = settings.intervalMs;
    this.#maxQueued = settings.maxQueued;
    this.#closeTimeoutMs = settings.closeTimeoutMs;
    this.#controller = settings.controller;
    this.#instance = settings.instance;
    this.#logger = options.logger ?? getLogger(["staircase", "events"]);
    this.#now = options.now ?? Date.now;
    this.#writer = new EventWriter(client, this.#now, settings.failureBackoffMs);
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
   * import { restClientFromHandler } from "@staircase/staircase/client";
   * import { EventRecorder, objectReference } from "@staircase/staircase/status";
   *
   * // A client that answers in memory and prints the Events it is sent.
   * const client = restClientFromHandler((request) => {
   *   const event = request.bodyJson as { regarding: { name: string }; reason: string };
   *   console.log(request.method, event.regarding.name, event.reason); // POST web Created
   *   return Promise.resolve(event);
   * });
   * const recorder = new EventRecorder(client, { reportingController: "example.com/op" });
   * const app = { apiVersion: "example.com/v1", kind: "App", metadata: { name: "web", namespace: "prod" } };
   * const events = recorder.forObject(objectReference(app));
   * events.record({ type: "Normal", reason: "Created", action: "Create" });
   * await recorder.close(); // writes what is queued
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
    const repeat = this.#cache.repeat(key, now);
    if (repeat === "dropped") {
      this.#stats.dropped++;
      return;
    }
    if (repeat !== undefined) {
      this.#stats.recorded++;
      this.#schedule(repeat, now);
      return;
    }
    const namespace = event.regarding?.namespace || "default";
    const body = eventBody(event, note, now, this.#controller, this.#instance);
    const entry = newSeries(key, namespace, body, now);
    if (!this.#enqueue(entry)) {
      this.#stats.dropped++;
      return;
    }
    this.#stats.recorded++;
    for (const oldest of this.#cache.add(entry)) this.#evicted(oldest);
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
        if (this.#cache.holds(entry) || entry.eventName === undefined) {
          this.#schedule(entry, this.#now());
        }
      }
    } finally {
      this.#pumping = undefined;
    }
  }

  async #write(entry: SeriesEntry): Promise<void> {
    const written = await this.#writer.write(entry, this.#abort.signal);
    switch (written.outcome) {
      case "created":
        this.#stats.created++;
        break;
      case "updated":
        this.#stats.updated++;
        break;
      case "create-failed":
        this.#stats.failed++;
        this.#stats.dropped += written.count;
        this.#warn("could not create an Event", {
          reason: entry.body.reason,
          error: written.error,
        });
        break;
      case "update-failed":
        this.#stats.failed++;
        this.#warn("could not update an Event series", {
          reason: entry.body.reason,
          error: written.error,
        });
        break;
      case "expired":
        break;
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
