/**
 * The {@linkcode WorkQueue}: which key runs next, and when.
 *
 * @module
 */

import type { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import { timerDelay } from "../client/_timers.ts";

/**
 * The default number of keys processed at once: 16. controller-runtime defaults to 1 (safe
 * but slow); kube-rs to unbounded (fast until the API server throttles). 16 keeps a 2-core API
 * server busy without queueing inside it.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONCURRENCY } from "@staircase/staircase/controller";
 *
 * console.log(DEFAULT_CONCURRENCY); // 16
 * ```
 */
export const DEFAULT_CONCURRENCY = 16;

/**
 * How long the queue may keep starting Runs without the event loop getting a turn: 5 ms.
 * Runs that settle without I/O (a step that returns at once) would otherwise chain in
 * microtasks for good, and timers, signals and every other key's I/O would never run.
 */
const YIELD_AFTER_MS = 5;

/**
 * Settings of a {@linkcode WorkQueue}.
 *
 * @example
 * ```ts
 * import { WorkQueue } from "@staircase/staircase/controller";
 *
 * const done: string[] = [];
 * const queue = new WorkQueue({
 *   concurrency: 4, // at most 4 keys at once (the default is 16)
 *   process: (key) => Promise.resolve(void done.push(key)),
 *   onError: (key, error) => console.error(key, error),
 * });
 * queue.add("prod/web");
 * queue.add("prod/api");
 * await queue.idle();
 * console.log(done); // [ "prod/web", "prod/api" ]
 * queue.close();
 * ```
 */
export interface WorkQueueOptions {
  /**
   * How many keys are processed at once (each key at most once at a time).
   *
   * @default {16}
   */
  readonly concurrency?: number;
  /**
   * Processes one key. Never called twice at once for one key. A rejection is reported to
   * `onError` and does not stop the queue.
   */
  readonly process: (key: string) => Promise<void>;
  /** Called when `process` rejects (it should not; the controller catches everything). */
  readonly onError?: (key: string, error: unknown) => void;
  /**
   * Start paused: keys are collected but not processed until {@linkcode WorkQueue.resume}.
   *
   * @default {false}
   */
  readonly paused?: boolean;
  /**
   * Where the queue records its depth (keys waiting, ready or delayed, not running) and how
   * long each key waited from the time it was due to the start of its processing.
   *
   * @default {undefined} (nothing recorded; a `Controller` passes its own)
   */
  readonly metrics?: RuntimeMetrics;
}

/**
 * A keyed work queue with the guarantees a controller needs:
 *
 * - **one at a time per key**: a key is never processed twice at once;
 * - **at most one pending per key**: adding a key that is already waiting keeps one entry;
 *   adding a key that is being processed marks it dirty, and it is processed once more after
 *   the current run, however many times it was added meanwhile (events collapse);
 * - **bounded concurrency** across keys ({@linkcode DEFAULT_CONCURRENCY} by default);
 * - **delayed adds** (`add(key, delayMs)`): an earlier request replaces a later one, a later
 *   request never postpones an earlier one;
 * - **fair order**: ready keys run in the order they became ready; a key that is added again
 *   while running goes to the back of the line when it is done, so a hot key cannot starve
 *   the others;
 * - **the event loop gets its turn**: when Runs keep settling without ever leaving the
 *   microtask queue (no I/O), the queue waits for a macrotask (`setTimeout(0)`) before it
 *   starts more once 5 ms passed without one, so timers, signals and other keys' I/O still
 *   run.
 *
 * @example
 * ```ts
 * import { WorkQueue } from "@staircase/staircase/controller";
 *
 * const seen: string[] = [];
 * const queue = new WorkQueue({
 *   concurrency: 2,
 *   process: (key) => {
 *     seen.push(key);
 *     return Promise.resolve();
 *   },
 * });
 * queue.add("default/a");
 * queue.add("default/a"); // collapses with the first
 * queue.add("default/b", 10);
 * await queue.idle();
 * await new Promise((resolve) => setTimeout(resolve, 20));
 * await queue.idle();
 * console.log(seen); // ["default/a", "default/b"]
 * queue.close();
 * ```
 */
export class WorkQueue {
  /** How many keys are processed at once. */
  readonly concurrency: number;
  readonly #process: (key: string) => Promise<void>;
  readonly #onError: ((key: string, error: unknown) => void) | undefined;
  /**
   * Keys ready to run, in the order they became ready (a Map keeps insertion order) → when
   * they were due (epoch ms), for the queue-wait metric.
   */
  readonly #ready = new Map<string, number>();
  /** Keys waiting for their time: key → due time (epoch ms). */
  readonly #delayed = new Map<string, number>();
  /** Keys being processed. */
  readonly #running = new Set<string>();
  /** Keys added while running: key → due time of the follow-up run. */
  readonly #dirty = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Infinity;
  /**
   * A `setTimeout(0)` armed when the queue starts work: it fires on the event loop's next
   * turn, so while it is pending the queue has not left the microtask queue since
   * `#turnArmedAt`.
   */
  #turn: ReturnType<typeof setTimeout> | undefined;
  #turnArmedAt = 0;
  /** Whether starting work waits for `#turn` (the loop has had no turn for too long). */
  #waitingForTurn = false;
  #paused: boolean;
  #closed = false;
  #idleWaiters: (() => void)[] = [];
  readonly #metrics: RuntimeMetrics | undefined;
  /** The depth last reported to the metrics. */
  #reportedDepth = 0;

  /**
   * Creates a queue.
   *
   * @param options The processing function and settings.
   * @throws {TypeError} If `process` is not a function or `concurrency` is not an integer ≥ 1.
   */
  constructor(options: WorkQueueOptions) {
    if (typeof options?.process !== "function") {
      throw new TypeError("WorkQueue: process must be a function");
    }
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`WorkQueue: concurrency must be an integer ≥ 1, got ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.#process = options.process;
    this.#onError = options.onError;
    this.#paused = options.paused ?? false;
    this.#metrics = options.metrics;
  }

  /** Keys waiting (ready or delayed), not counting running ones. */
  get length(): number {
    return this.#ready.size + this.#delayed.size;
  }

  /** How many keys are being processed now. */
  get running(): number {
    return this.#running.size;
  }

  /** Whether the queue is paused (collecting keys without processing them). */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Asks for `key` to be processed after `delayMs` (default now). See the class notes for
   * how requests for one key combine.
   *
   * @param key The key, e.g. `namespace/name`.
   * @param delayMs How long to wait first; negative or `NaN` counts as 0.
   */
  add(key: string, delayMs = 0): void {
    if (this.#closed) return;
    const due = Date.now() + (delayMs > 0 ? delayMs : 0);
    if (this.#running.has(key)) {
      const pending = this.#dirty.get(key);
      if (pending === undefined || due < pending) this.#dirty.set(key, due);
      return;
    }
    if (this.#ready.has(key)) return;
    const waiting = this.#delayed.get(key);
    if (waiting !== undefined && waiting <= due) return;
    this.#schedule(key, due);
    this.#pump();
  }

  /** Whether `key` is waiting, running or due for a follow-up run. */
  has(key: string): boolean {
    return this.#ready.has(key) || this.#delayed.has(key) || this.#running.has(key);
  }

  /**
   * Drops any waiting or follow-up request for `key` (a running one finishes).
   *
   * @param key The key.
   */
  remove(key: string): void {
    this.#ready.delete(key);
    this.#delayed.delete(key);
    this.#dirty.delete(key);
    this.#reportDepth();
  }

  /** Stops starting new work; running keys finish. Adds are still collected. */
  pause(): void {
    this.#paused = true;
  }

  /** Starts processing again after {@linkcode WorkQueue.pause}. */
  resume(): void {
    if (this.#closed) return;
    this.#paused = false;
    this.#pump();
  }

  /**
   * Resolves when nothing is running and nothing is ready (delayed keys may still wait), or
   * when the queue is paused or closed and nothing is running.
   */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops every waiting key and timer and takes no more work; running keys finish. */
  close(): void {
    this.#closed = true;
    this.#ready.clear();
    this.#delayed.clear();
    this.#dirty.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
    this.#clearTurn();
    this.#reportDepth();
    this.#notifyIdle();
  }

  #schedule(key: string, due: number): void {
    if (due <= Date.now()) {
      this.#delayed.delete(key);
      this.#ready.set(key, due);
      return;
    }
    this.#delayed.set(key, due);
    this.#armTimer();
  }

  #armTimer(): void {
    let earliest = Infinity;
    for (const due of this.#delayed.values()) if (due < earliest) earliest = due;
    if (earliest === this.#timerDue) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = earliest;
    if (earliest === Infinity) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDue = Infinity;
      this.#promoteDue();
      this.#pump();
    }, timerDelay(earliest - Date.now())); // early for a far-off key: #promoteDue re-arms
  }

  #promoteDue(): void {
    const now = Date.now();
    // Due keys join the back of the ready line in due order.
    const due = [...this.#delayed].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    for (const [key, at] of due) {
      this.#delayed.delete(key);
      this.#ready.set(key, at);
    }
    this.#armTimer();
  }

  #pump(): void {
    while (
      !this.#paused && !this.#closed && !this.#waitingForTurn &&
      this.#running.size < this.concurrency
    ) {
      const next = this.#ready.entries().next();
      if (next.done) break;
      if (this.#turn === undefined) {
        this.#turnArmedAt = Date.now();
        this.#turn = setTimeout(() => this.#onTurn(), 0);
      } else if (Date.now() - this.#turnArmedAt >= YIELD_AFTER_MS) {
        // Runs have kept settling in microtasks: let timers and I/O run first.
        this.#waitingForTurn = true;
        break;
      }
      const [key, due] = next.value;
      this.#ready.delete(key);
      this.#metrics?.queueWait(Math.max(0, Date.now() - due));
      this.#start(key);
    }
    this.#reportDepth();
    this.#notifyIdle();
  }

  /** Reports the change in depth (waiting keys) since the last report. */
  #reportDepth(): void {
    if (this.#metrics === undefined) return;
    const depth = this.length;
    if (depth === this.#reportedDepth) return;
    this.#metrics.queueDepthChanged(depth - this.#reportedDepth);
    this.#reportedDepth = depth;
  }

  #start(key: string): void {
    this.#running.add(key);
    let work: Promise<void>;
    try {
      work = Promise.resolve(this.#process(key));
    } catch (error) {
      work = Promise.reject(error);
    }
    work.catch((error) => {
      try {
        this.#onError?.(key, error);
      } catch {
        // A failing error handler must not stop the queue.
      }
    }).finally(() => {
      this.#running.delete(key);
      const follow = this.#dirty.get(key);
      if (follow !== undefined && !this.#closed) {
        this.#dirty.delete(key);
        this.#schedule(key, follow);
      }
      this.#pump();
    });
  }

  /** The event loop had a turn: start what waited for it. */
  #onTurn(): void {
    this.#turn = undefined;
    if (!this.#waitingForTurn) return;
    this.#waitingForTurn = false;
    this.#pump();
  }

  #clearTurn(): void {
    if (this.#turn !== undefined) clearTimeout(this.#turn);
    this.#turn = undefined;
    this.#waitingForTurn = false;
  }

  #isIdle(): boolean {
    return this.#running.size === 0 &&
      (this.#paused || this.#closed || this.#ready.size === 0);
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    // No work in flight: no chain of Runs to watch (and no timer left behind).
    this.#clearTurn();
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
