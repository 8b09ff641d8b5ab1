/**
 * The {@linkcode Controller}: runs a reconciler for the objects of one kind when they, or the
 * objects related to them, change.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import { InvalidResourceError } from "../steps/errors.ts";
import { defaultLogger, type Logger } from "../steps/logger.ts";
import type { Unscoped } from "../steps/resource.ts";
import type { RunAction } from "../steps/run_result.ts";
import type { EventRecorder } from "../status/event_recorder.ts";
import { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import { type CacheEvent, type Informer, type ObjectCache, objectKey } from "./cache.ts";
import { KeyBackoff } from "./key_backoff.ts";
import type { Predicate } from "./predicates.ts";
import { DEFAULT_OWN_WRITES_TIMEOUT_MS } from "./read_your_writes.ts";
import { WorkQueue } from "./work_queue.ts";
import { awaitObserved } from "./_informer_scope.ts";
import type { ControllerOptions, ControllerRun } from "./controller_options.ts";
import type { InformerProvider } from "./informer_provider.ts";
import type { KeyMapper, OwnsOptions, WatchOptions } from "./watch_options.ts";
import type { RecordedWrite } from "./write_record.ts";
import { checkControllerOptions, controllerEvents } from "./_controller_settings.ts";
import {
  BoundInformers,
  ownerKeyMapper,
  primaryWatch,
  relatedWatch,
  type Watch,
} from "./_controller_watches.ts";
import { Echoes, echoOf } from "./_echoes.ts";
import { KeyRunner } from "./_key_runner.ts";

interface KeyState {
  writes: readonly RecordedWrite[];
}

/**
 * Runs a step-based reconciler for every object of one kind, whenever that object or a related
 * one changes (through informers), one Run per object at a time (a {@linkcode WorkQueue}),
 * following each RunResult's action:
 *
 * | action | the controller |
 * |---|---|
 * | `requeue` | runs the key again once the caches saw the Run's writes; after the key's backoff when it wrote nothing |
 * | `requeue-after` | runs it after the delay (an earlier request wins) |
 * | `await-change` | waits for an event, or the periodic resync when configured |
 * | `retry-with-backoff` | retries after the key's backoff (reset by any other result) |
 * | `abandon` | nothing (shutdown or lost leadership) |
 *
 * Before a key's Run starts, the caches must have observed the writes of its previous Run
 * (read-your-own-writes); steps read other objects through `context.cache`. Errors in user
 * code end that Run only: they never stop the controller or other keys.
 *
 * A Run that ends `modified` without a successful write (a step that changed something
 * outside Kubernetes, or a buggy one) is run again after the key's backoff, not at once:
 * there is no write for the caches to observe, so an immediate requeue would spin on that
 * key (controller-runtime rate-limits `Requeue: true` the same way). The backoff resets on
 * the key's next Run that writes, or ends otherwise.
 *
 * The one-change rule (`oneChangeRule`) judges every Run's writes: the result that the
 * observer's `onRunFinished` and `onRun` get is a {@linkcode ControllerRunResult} carrying
 * the breach, failed in `strict` mode.
 *
 * Controllers are hosted by an {@linkcode Operator}, which runs the informers, elects a
 * leader and starts and stops the controllers.
 *
 * @typeParam R The primary resource type.
 *
 * @example An operator with one controller that owns ConfigMaps
 * ```ts
 * import { noModification, plan, type Reconciler, type ResourceOf } from "@staircase/staircase";
 * import {
 *   Controller,
 *   Operator,
 *   relevantChange,
 *   SharedInformers,
 * } from "@staircase/staircase/controller";
 * import { autoDetectClient, resourceType } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 * import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
 *
 * interface Greeting { metadata?: ObjectMeta; spec: { message: string } }
 * // In a project: the token `deno task codegen crd` generates from the CRD.
 * const Greetings = resourceType<Greeting>()({
 *   group: "demo.example.com", version: "v1", kind: "Greeting", plural: "greetings", namespaced: true,
 * });
 * const reconciler: Reconciler<ResourceOf<typeof Greetings>> = {
 *   plan: () => plan(Greetings).step({ name: "in-sync", run: () => noModification(undefined) }),
 * };
 *
 * // Runs until `signal` aborts: Greetings and the ConfigMaps they own are watched and cached,
 * // and every change to one of them queues a Run of its Greeting.
 * async function runOperator(signal: AbortSignal): Promise<void> {
 *   const client = await autoDetectClient();
 *   const controller = new Controller({
 *     resource: Greetings,
 *     reconciler,
 *     client,
 *     predicate: relevantChange(),
 *   }).owns(ConfigMaps);
 *   await new Operator({ informers: new SharedInformers(client) }).add(controller).run(signal);
 * }
 * ```
 */
export class Controller<R> {
  /** The controller's name (logs, metrics). */
  readonly name: string;
  /** The primary kind. */
  readonly resource: ResourceType<Unscoped<R>>;
  readonly #options: ControllerOptions<R>;
  readonly #logger: Logger;
  readonly #watches: Watch[] = [];
  readonly #queue: WorkQueue;
  readonly #backoff: KeyBackoff;
  readonly #runner: KeyRunner<R>;
  readonly #states = new Map<string, KeyState>();
  readonly #runs = new Map<string, AbortController>();
  readonly #echoes = new Echoes();
  /** The informers of the watches, once bound. */
  #bound: BoundInformers | undefined;
  #active = false;
  readonly #metrics: RuntimeMetrics;
  /** The recorder made for `events: true`, closed on shutdown. */
  readonly #ownRecorder: EventRecorder | undefined;

  /**
   * Creates a controller (it does nothing until an operator binds and starts it).
   *
   * @param options The kind, reconciler, client and settings.
   * @throws {TypeError} If the resource, reconciler or client is missing, `oneChangeRule` is
   * unknown, `events` is neither a boolean nor an `EventSink`, or (with `events: true`) the
   * name is not a valid `reportingController` or `reportingInstance` is too long.
   * A `concurrency` that is not a whole number >= 1 is a TypeError too (the work queue's).
   * @throws {RangeError} If `ownWritesTimeoutMs` or a `backoff` field is out of range.
   * @throws {InvalidPlanError} If `stepTimeoutMs` or `resyncAfterMs` is out of range (the
   * executor's check).
   */
  constructor(options: ControllerOptions<R>) {
    const rule = checkControllerOptions(options);
    this.#options = options;
    this.resource = options.resource;
    this.name = options.name ?? options.resource.kind;
    this.#logger = options.logger ?? defaultLogger(["controller"]);
    this.#backoff = new KeyBackoff(options.backoff);
    this.#metrics = options.metrics ?? new RuntimeMetrics({ controller: this.name });
    const { events, ownRecorder } = controllerEvents(options, this.name);
    this.#ownRecorder = ownRecorder;
    this.#queue = new WorkQueue({
      concurrency: options.concurrency,
      metrics: this.#metrics,
      paused: true,
      process: (key) => this.#process(key),
      onError: (key, error) => this.#logger.error("a Run failed unexpectedly", { key, error }),
    });
    this.#runner = new KeyRunner<R>({
      options,
      controller: this.name,
      rule,
      logger: this.#logger,
      metrics: this.#metrics,
      events,
      cache: () => this.cache,
      primary: () => this.#bound?.fullInformer(this.resource),
      observer: (apiVersion, kind) => this.#observer(apiVersion, kind),
      onWrite: (write) => this.#echoes.written(write),
    });
    this.#watches.push(
      primaryWatch(
        options.resource as ResourceType<unknown>,
        { namespace: options.namespace, labelSelector: options.labelSelector },
        options.predicate as Predicate<unknown> | undefined,
      ),
    );
  }

  /**
   * Also reconciles the owner when an object of `resource` changes: the primary named by its
   * controller owner reference (`controller: true`, the primary's kind and group).
   *
   * @param resource The child kind.
   * @param options A predicate and the informer's scope.
   * @returns This controller.
   */
  owns<T>(resource: ResourceType<T>, options: OwnsOptions<T> = {}): this {
    return this.#watch(
      resource,
      options,
      options.metadataOnly === true,
      ownerKeyMapper(this.resource as ResourceType<unknown>),
    );
  }

  /**
   * Also reconciles the primaries `mapper` names when an object of `resource` changes.
   *
   * @param resource The watched kind.
   * @param mapper Maps a changed object to primary keys.
   * @param options A predicate and the informer's scope.
   * @returns This controller.
   */
  watches<T>(resource: ResourceType<T>, mapper: KeyMapper<T>, options: WatchOptions<T> = {}): this {
    return this.#watch(resource, options, false, (event) => mapper(event.object as T));
  }

  #watch<T>(
    resource: ResourceType<T>,
    options: WatchOptions<T>,
    metadataOnly: boolean,
    toKeys: (event: CacheEvent<unknown>) => Iterable<string>,
  ): this {
    if (this.#bound !== undefined) {
      throw new TypeError("Controller: declare owns() and watches() before the operator starts");
    }
    this.#watches.push(
      relatedWatch(resource, options, this.#options.namespace, metadataOnly, toKeys),
    );
    return this;
  }

  /**
   * What steps read: every kind this controller watches, through its informers. Available
   * once bound.
   *
   * @throws {TypeError} Before {@linkcode Controller.bind}.
   */
  get cache(): ObjectCache {
    if (this.#bound === undefined) {
      throw new TypeError("Controller: the cache exists once the controller is bound");
    }
    return this.#bound.cache;
  }

  /** The informers this controller reads (after {@linkcode Controller.bind}). */
  get informers(): readonly Informer<unknown>[] {
    return [...new Set(this.#bound?.all ?? [])];
  }

  /** Whether the controller is taking work (it is the leader and started). */
  get active(): boolean {
    return this.#active;
  }

  /** How many keys are waiting and running. */
  get queueLength(): number {
    return this.#queue.length + this.#queue.running;
  }

  /**
   * Gets the informers from `informers` and subscribes to their events (keys collect while
   * the controller is not started). Called once by the operator.
   *
   * @param informers The shared registry.
   */
  bind(informers: InformerProvider): void {
    if (this.#bound !== undefined) return;
    this.#bound = new BoundInformers(
      informers,
      this.#watches,
      (watch, event) => this.#onEvent(watch, event),
    );
  }

  /** The informer that sees writes of a kind: the full one, else a metadata-only one. */
  #observer(apiVersion: string, kind: string): Informer<unknown> | undefined {
    return this.#bound?.observer(apiVersion, kind);
  }

  /**
   * Starts taking work (the operator calls it on becoming leader, once the caches synced):
   * every cached primary is queued once.
   */
  start(): void {
    const primary = this.#bound?.fullInformer(this.resource);
    if (primary === undefined) throw new TypeError("Controller: start() before bind()");
    this.#active = true;
    for (const object of primary.list()) this.enqueue(objectKey(object as never));
    this.#queue.resume();
  }

  /**
   * Stops taking work and aborts the running Runs' signals at once (lost leadership). Keys
   * keep collecting; {@linkcode Controller.start} runs everything again.
   *
   * @param reason Why (the Runs' signals' reason).
   */
  pause(reason: unknown = new Error("the controller stopped (leadership lost)")): void {
    this.#active = false;
    this.#queue.pause();
    for (const run of this.#runs.values()) run.abort(reason);
  }

  /**
   * Stops for good: takes no more work, lets running Runs finish within `graceMs`, then
   * aborts their signals and waits up to a second more for them (a step that ignores its
   * signal is left to its step timeout); unsubscribes from the informers.
   *
   * @param graceMs How long running Runs may take to finish.
   * @returns When every Run has ended, or been aborted and given a second.
   */
  async shutdown(graceMs = 10_000): Promise<void> {
    this.#active = false;
    this.#queue.pause();
    await idleWithin(this.#queue, graceMs);
    for (const run of this.#runs.values()) run.abort(new Error("the controller is shutting down"));
    // A step that ignores its signal keeps running until its timeout; do not wait for it.
    await idleWithin(this.#queue, ABORTED_RUN_WAIT_MS);
    this.#queue.close();
    this.#bound?.unsubscribe();
    await this.#ownRecorder?.close();
  }

  /**
   * Asks for a Run of `key` after `delayMs` (default now).
   *
   * @param key `namespace/name` (or `name` for cluster-scoped kinds).
   * @param delayMs The delay.
   */
  enqueue(key: string, delayMs = 0): void {
    this.#queue.add(key, delayMs);
  }

  #onEvent(watch: Watch, event: CacheEvent<unknown>): void {
    try {
      if (watch.predicate !== undefined && !watch.predicate(event)) return;
      const echo = echoOf(watch.resource, event);
      if (this.#echoes.isOurs(echo, event)) return;
      for (const key of watch.toKeys(event)) {
        if (typeof key !== "string" || key === "") continue;
        // While the key runs, the event may be the echo of a write whose answer has not
        // arrived yet: decide when the Run ends.
        if (!this.#echoes.defer(key, event.type === "deleted" ? undefined : echo)) {
          this.enqueue(key);
        }
      }
    } catch (error) {
      this.#logger.warn("a predicate or key mapper threw; the event is ignored", {
        controller: this.name,
        kind: watch.resource.kind,
        error,
      });
    }
  }

  async #process(key: string): Promise<void> {
    const abort = new AbortController();
    this.#runs.set(key, abort);
    this.#echoes.runStarted(key);
    try {
      await this.#reconcile(key, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      if (error instanceof InvalidResourceError) {
        // The object itself is unusable (e.g. no uid): retrying cannot help, its next change
        // queues it again.
        this.#logger.error(`cannot run ${key}: ${error.message}`, { key, error });
        return;
      }
      // Otherwise only the controller's own reads (live reads of stale objects) get here.
      this.#logger.warn("preparing the Run failed; retrying with backoff", { key, error });
      this.#metrics.retried();
      this.enqueue(key, this.#backoff.next(key));
    } finally {
      this.#runs.delete(key);
      // Events that arrived during the Run and are not echoes of its writes queue a new Run
      // (the queue makes it the one follow-up).
      if (this.#echoes.runEnded(key)) this.enqueue(key);
    }
  }

  async #reconcile(key: string, signal: AbortSignal): Promise<void> {
    const options = this.#options;
    const outcome = await this.#runner.run(key, signal, this.#states.get(key)?.writes ?? []);
    if (outcome === undefined) {
      // Gone: nothing to do until it is created again.
      this.#states.delete(key);
      this.#backoff.reset(key);
      return;
    }
    const { result, recorder, ownWrites } = outcome;
    this.#states.set(key, { writes: recorder.writes });
    // Aborted by lost leadership or shutdown: whatever the steps returned, do not follow it
    // (the next start() queues every key again).
    let action: RunAction = signal.aborted ? { type: "abandon" } : result.action;
    if (action.type === "requeue" && recorder.writes.length === 0) {
      // Modified, yet no write: nothing for the caches to observe, and an immediate requeue
      // would spin on this key. Back off instead (reset by the key's next other result).
      const delayMs = this.#backoff.next(key);
      this.#logger.debug("the Run ended modified without a write; rerun after the backoff", {
        key,
        runId: result.runId,
        delayMs,
      });
      action = { type: "requeue-after", requeueAfterMs: delayMs };
      this.enqueue(key, delayMs);
    } else if (action.type === "requeue" && recorder.writes.length > 0) {
      // Queue the next Run once the caches have seen this Run's writes, so that it does not
      // hold a worker while it waits (it still checks, in case an event runs it earlier).
      awaitObserved(
        recorder.writes,
        (apiVersion, kind) => this.#observer(apiVersion, kind),
        options.ownWritesTimeoutMs ?? DEFAULT_OWN_WRITES_TIMEOUT_MS,
      ).then(() => this.#follow(key, action)).catch((error) => {
        // Not expected; but an unhandled rejection would end the process: requeue instead.
        this.#logger.error("waiting for the caches to see a Run's writes failed", { key, error });
        this.enqueue(key);
      });
    } else {
      this.#follow(key, action);
    }
    const run: ControllerRun = {
      key,
      result,
      writes: recorder.writes,
      changes: recorder.changes,
      oneChangeViolation: result.oneChangeViolation,
      action,
      ownWrites,
    };
    try {
      options.onRun?.(run);
    } catch (error) {
      this.#logger.warn("onRun threw; ignored", { key, error });
    }
  }

  #follow(key: string, action: RunAction): void {
    switch (action.type) {
      case "requeue":
        this.#backoff.reset(key);
        this.enqueue(key);
        break;
      case "requeue-after":
        this.#backoff.reset(key);
        this.enqueue(key, action.requeueAfterMs);
        break;
      case "await-change":
        this.#backoff.reset(key);
        if (action.resyncAfterMs !== undefined) this.enqueue(key, action.resyncAfterMs);
        break;
      case "retry-with-backoff":
        this.#metrics.retried();
        this.enqueue(key, this.#backoff.next(key));
        break;
      case "abandon":
        // Shutdown or lost leadership: the next start() queues every key again.
        break;
    }
  }
}

/** How long shutdown waits for aborted Runs to end before it stops anyway. */
const ABORTED_RUN_WAIT_MS = 1_000;

async function idleWithin(queue: WorkQueue, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  await Promise.race([queue.idle(), limit]);
  clearTimeout(timer);
}
