/**
 * The {@linkcode Controller}: runs a reconciler for the objects of one kind when they, or the
 * objects related to them, change.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import { InvalidResourceError } from "../steps/errors.ts";
import { RunExecutor } from "../steps/executor.ts";
import { defaultLogger, type Logger } from "../steps/logger.ts";
import type { Unscoped } from "../steps/resource.ts";
import type { RunAction } from "../steps/run_result.ts";
import { MergePatchStatusWriter, type StatusWriter } from "../status/status_writer.ts";
import { EventRecorder } from "../status/event_recorder.ts";
import { objectReference, withRegarding } from "../status/event_reference.ts";
import type { EventObjectReference, EventSink } from "../status/event_sink.ts";
import { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import {
  type CacheEvent,
  type CacheListOptions,
  type Informer,
  NotCachedError,
  type ObjectCache,
  objectKey,
} from "./cache.ts";
import { KeyBackoff } from "./key_backoff.ts";
import type { Predicate } from "./predicates.ts";
import {
  awaitOwnWrites,
  DEFAULT_OWN_WRITES_TIMEOUT_MS,
  liveKey,
  overlayCache,
  type OwnWrites,
} from "./read_your_writes.ts";
import { WorkQueue } from "./work_queue.ts";
import { awaitObserved } from "./_informer_scope.ts";
import type {
  ControllerOptions,
  ControllerRun,
  ControllerRunResult,
  InformerProvider,
  InformerScope,
  KeyMapper,
  OneChangeRule,
  OwnsOptions,
  WatchOptions,
} from "./controller_options.ts";
import { type RecordedWrite, WriteRecorder } from "./write_record.ts";
import { judgeOneChange, judgingObserver } from "./_one_change.ts";

interface Watch {
  readonly resource: ResourceType<unknown>;
  readonly scope: InformerScope;
  readonly toKeys: (event: CacheEvent<unknown>) => Iterable<string>;
  readonly predicate?: Predicate<unknown>;
  readonly metadataOnly: boolean;
}

interface KeyState {
  writes: readonly RecordedWrite[];
}

/** A running Run's key and write record, and its result once judged. */
interface RunRecord {
  readonly key: string;
  readonly recorder: WriteRecorder;
  judged?: ControllerRunResult;
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
 * @example
 * ```ts ignore
 * import { Controller, Operator, relevantChange } from "@staircase/staircase/controller";
 *
 * const controller = new Controller({ resource: Greetings, reconciler, client, predicate: relevantChange() })
 *   .owns(ConfigMaps);
 * await new Operator({ informers }).add(controller).run(signal);
 * ```
 */
export class Controller<R> {
  /** The controller's name (logs, metrics). */
  readonly name: string;
  /** The primary kind. */
  readonly resource: ResourceType<Unscoped<R>>;
  readonly #options: ControllerOptions<R>;
  readonly #executor: RunExecutor<R>;
  /** Each running Run's status writer, by Run id (status writes go through its recorder). */
  readonly #statusWriters = new Map<string, StatusWriter<R>>();
  /** Each running Run's write record, by Run id (the one-change rule judges it). */
  readonly #records = new Map<string, RunRecord>();
  readonly #rule: OneChangeRule;
  readonly #runIdPrefix = crypto.randomUUID().slice(0, 8);
  #runCount = 0;
  readonly #logger: Logger;
  readonly #watches: Watch[] = [];
  readonly #queue: WorkQueue;
  readonly #backoff: KeyBackoff;
  readonly #states = new Map<string, KeyState>();
  readonly #runs = new Map<string, AbortController>();
  /** The state each of our writes produced (liveKey → resourceVersion): their echoes. */
  readonly #echoes = new Map<string, string>();
  /** Events for running keys, decided when their Run ends. */
  readonly #deferred = new Map<string, Echo[]>();
  /** Informers of full objects, by kind: what `context.cache` reads. */
  #informers: Map<string, Informer<unknown>> | undefined;
  /** Informers of metadata only, by kind (for read-your-own-writes, not for reads). */
  #metadataInformers = new Map<string, Informer<unknown>>();
  /** Every informer this controller subscribed to. */
  readonly #all: Informer<unknown>[] = [];
  #primary: Informer<Unscoped<R>> | undefined;
  #unsubscribe: (() => void)[] = [];
  #cache: ObjectCache | undefined;
  #active = false;
  readonly #metrics: RuntimeMetrics;
  /** Where the Runs' Events go (each Run gets a view about its resource). */
  readonly #events: EventSink | undefined;
  /** The recorder made for `events: true`, closed on shutdown. */
  readonly #ownRecorder: EventRecorder | undefined;

  /**
   * Creates a controller (it does nothing until an operator binds and starts it).
   *
   * @param options The kind, reconciler, client and settings.
   * @throws {TypeError} If the resource, reconciler or client is missing, `oneChangeRule` is
   * unknown, `events` is neither a boolean nor an `EventSink`, or (with `events: true`) the
   * name is not a valid `reportingController` or `reportingInstance` is too long.
   */
  constructor(options: ControllerOptions<R>) {
    if (typeof options?.resource?.kind !== "string") {
      throw new TypeError("Controller: resource must be a resource token");
    }
    if (typeof options.reconciler?.plan !== "function") {
      throw new TypeError("Controller: reconciler must have a plan(resource) method");
    }
    if (typeof options.client?.performRequest !== "function") {
      throw new TypeError("Controller: client must be a RestClient");
    }
    const rule = options.oneChangeRule ?? "report";
    if (!["report", "strict", "off"].includes(rule)) {
      throw new TypeError(`Controller: oneChangeRule must be report, strict or off, got ${rule}`);
    }
    this.#options = options;
    this.#rule = rule as OneChangeRule;
    this.resource = options.resource;
    this.name = options.name ?? options.resource.kind;
    this.#logger = options.logger ?? defaultLogger(["controller"]);
    this.#backoff = new KeyBackoff(options.backoff);
    this.#metrics = options.metrics ?? new RuntimeMetrics({ controller: this.name });
    if (options.events === true) {
      this.#ownRecorder = new EventRecorder(options.client, {
        reportingController: this.name,
        reportingInstance: options.reportingInstance,
        logger: options.logger,
      });
      this.#events = this.#ownRecorder;
    } else if (options.events !== false && options.events !== undefined) {
      if (typeof options.events.record !== "function") {
        throw new TypeError("Controller: events must be a boolean or have a record(event) method");
      }
      this.#events = options.events;
    }
    this.#queue = new WorkQueue({
      concurrency: options.concurrency,
      metrics: this.#metrics,
      paused: true,
      process: (key) => this.#process(key),
      onError: (key, error) => this.#logger.error("a Run failed unexpectedly", { key, error }),
    });
    // One executor for every Run; each Run brings its own client, cache and status writer.
    this.#executor = new RunExecutor<R>({
      client: options.client,
      resourceType: options.resource,
      stepTimeoutMs: options.stepTimeoutMs,
      resyncAfterMs: options.resyncAfterMs,
      statusWriter: {
        write: (resource, status, writeOptions) => {
          const writer = this.#statusWriters.get(writeOptions.runId);
          if (writer === undefined) {
            return Promise.reject(new Error(`no status writer for Run ${writeOptions.runId}`));
          }
          return writer.write(resource, status, writeOptions);
        },
      },
      logger: options.logger,
      // The observer hears of the one-change rule's verdict (the executor tells it before it
      // returns the result to us).
      observer: options.observer === undefined
        ? undefined
        : judgingObserver(options.observer, (result) => this.#judge(result)),
      controller: this.name,
    });
    this.#watches.push({
      resource: options.resource as ResourceType<unknown>,
      scope: { namespace: options.namespace, labelSelector: options.labelSelector },
      toKeys: (event) => [objectKey(event.object as never)],
      predicate: options.predicate as Predicate<unknown> | undefined,
      metadataOnly: false,
    });
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
    const primary = this.resource;
    const ownerKeys = (object: unknown): string[] => {
      const meta = (object as { metadata?: OwnedMeta })?.metadata;
      const ref = meta?.ownerReferences?.find((ref) => ref.controller === true);
      if (!ref || ref.kind !== primary.kind) return [];
      const refGroup = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
      if (refGroup !== primary.group) return [];
      return [primary.namespaced && meta?.namespace ? `${meta.namespace}/${ref.name}` : ref.name];
    };
    return this.#watch(resource, options, options.metadataOnly === true, (event) => {
      const keys = ownerKeys(event.object);
      // A child that changed owner also concerns its previous owner.
      if (event.previous !== undefined) keys.push(...ownerKeys(event.previous));
      return keys;
    });
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
    if (this.#informers !== undefined) {
      throw new TypeError("Controller: declare owns() and watches() before the operator starts");
    }
    if (typeof resource?.kind !== "string") {
      throw new TypeError("Controller: owns()/watches() need a resource token");
    }
    this.#watches.push({
      resource: resource as ResourceType<unknown>,
      scope: options.scope ?? { namespace: this.#options.namespace },
      toKeys,
      predicate: options.predicate as Predicate<unknown> | undefined,
      metadataOnly,
    });
    return this;
  }

  /**
   * What steps read: every kind this controller watches, through its informers. Available
   * once bound.
   *
   * @throws {TypeError} Before {@linkcode Controller.bind}.
   */
  get cache(): ObjectCache {
    if (this.#cache === undefined) {
      throw new TypeError("Controller: the cache exists once the controller is bound");
    }
    return this.#cache;
  }

  /** The informers this controller reads (after {@linkcode Controller.bind}). */
  get informers(): readonly Informer<unknown>[] {
    return [...new Set(this.#all)];
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
    if (this.#informers !== undefined) return;
    const byKind = new Map<string, Informer<unknown>>();
    const metadataOnly = new Map<string, Informer<unknown>>();
    for (const watch of this.#watches) {
      // A registry that knows `metadataOnly` (SharedInformers) caches metadata only.
      const scope = watch.metadataOnly ? { ...watch.scope, metadataOnly: true } : watch.scope;
      const informer = informers.get(watch.resource, scope);
      const kind = kindKey(watch.resource.apiVersion, watch.resource.kind);
      const into = watch.metadataOnly ? metadataOnly : byKind;
      if (!into.has(kind)) into.set(kind, informer);
      this.#all.push(informer);
      this.#unsubscribe.push(informer.subscribe((event) => this.#onEvent(watch, event)));
    }
    this.#informers = byKind;
    this.#metadataInformers = metadataOnly;
    this.#primary = byKind.get(kindKey(this.resource.apiVersion, this.resource.kind)) as
      | Informer<Unscoped<R>>
      | undefined;
    this.#cache = {
      get: <T>(resource: ResourceType<T>, name: string, namespace?: string): T | undefined =>
        this.#informerOf(resource).get(name, namespace),
      list: <T>(resource: ResourceType<T>, options?: CacheListOptions): T[] =>
        this.#informerOf(resource).list(options),
    };
  }

  /** The informer that sees writes of a kind: the full one, else a metadata-only one. */
  #observer(apiVersion: string, kind: string): Informer<unknown> | undefined {
    const key = kindKey(apiVersion, kind);
    return this.#informers?.get(key) ?? this.#metadataInformers.get(key);
  }

  #informerOf<T>(resource: ResourceType<T>): Informer<T> {
    const informer = this.#informers?.get(kindKey(resource.apiVersion, resource.kind));
    if (informer === undefined) throw new NotCachedError(resource.apiVersion, resource.kind);
    return informer as Informer<T>;
  }

  /**
   * Starts taking work (the operator calls it on becoming leader, once the caches synced):
   * every cached primary is queued once.
   */
  start(): void {
    if (this.#primary === undefined) throw new TypeError("Controller: start() before bind()");
    this.#active = true;
    for (const object of this.#primary.list()) this.enqueue(objectKey(object as never));
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
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
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
      const echo = echoOf(watch, event);
      const ours = echo !== undefined && event.type !== "deleted" &&
        this.#echoes.get(echo.object) === echo.resourceVersion;
      if (ours) return;
      // Any other state (a deletion included) supersedes the echo we waited for.
      if (echo !== undefined) this.#echoes.delete(echo.object);
      for (const key of watch.toKeys(event)) {
        if (typeof key !== "string" || key === "") continue;
        const deferred = this.#deferred.get(key);
        // While the key runs, the event may be the echo of a write whose answer has not
        // arrived yet: decide when the Run ends.
        if (deferred !== undefined) {
          deferred.push(
            event.type === "deleted" || echo === undefined
              ? { object: "", resourceVersion: "" }
              : echo,
          );
        } else this.enqueue(key);
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
    const deferred: Echo[] = [];
    this.#deferred.set(key, deferred);
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
      this.#deferred.delete(key);
      // Events that arrived during the Run and are not echoes of its writes queue a new Run
      // (the queue makes it the one follow-up).
      const news = deferred.some((echo) =>
        echo.object === "" || this.#echoes.get(echo.object) !== echo.resourceVersion
      );
      if (news) this.enqueue(key);
    }
  }

  async #reconcile(key: string, signal: AbortSignal): Promise<void> {
    const options = this.#options;
    const state = this.#states.get(key);
    let ownWrites: OwnWrites | undefined;
    if (state !== undefined && state.writes.length > 0) {
      ownWrites = await awaitOwnWrites(
        state.writes,
        (apiVersion, kind) => this.#observer(apiVersion, kind),
        options.client,
        { timeoutMs: options.ownWritesTimeoutMs ?? DEFAULT_OWN_WRITES_TIMEOUT_MS, signal },
      );
      if (ownWrites.stale.length > 0) {
        this.#logger.debug("the caches lagged behind the last Run's writes; read them live", {
          key,
          stale: ownWrites.stale.length,
        });
      }
    }
    const [namespace, name] = splitKey(key, this.resource.namespaced);
    const primaryKey = liveKey(this.resource.apiVersion, this.resource.kind, namespace, name);
    const resource =
      (ownWrites?.live.has(primaryKey)
        ? ownWrites.live.get(primaryKey) ?? undefined
        : this.#primary!.get(name, namespace)) as Unscoped<R> | undefined;
    if (resource === undefined) {
      // Gone: nothing to do until it is created again.
      this.#states.delete(key);
      this.#backoff.reset(key);
      return;
    }
    // Echoes are known as soon as each write answers: its watch event may come before the
    // Run ends.
    const recorder = new WriteRecorder(options.client, (write) => {
      if (write.apiVersion && write.kind && write.name && write.resourceVersion) {
        const object = liveKey(write.apiVersion, write.kind, write.namespace, write.name);
        this.#echoes.set(object, write.resourceVersion);
      }
    });
    const cache = overlayCache(this.cache, ownWrites?.live ?? new Map());
    const runId = `${this.#runIdPrefix}-${++this.#runCount}`;
    this.#statusWriters.set(
      runId,
      options.statusWriter?.(recorder.statusClient) ??
        new MergePatchStatusWriter(recorder.statusClient, this.resource) as unknown as StatusWriter<
          R
        >,
    );
    let result: ControllerRunResult;
    this.#records.set(runId, { key, recorder });
    this.#metrics.runStarted();
    try {
      const executed = await this.#executor.reconcile(resource, options.reconciler, {
        runId,
        signal,
        client: recorder.client,
        cache,
        events: this.#events === undefined
          ? undefined
          : withRegarding(this.#events, this.#reference(resource)),
      });
      // Judged already when the observer heard of it; judged now otherwise.
      result = this.#judge(executed);
    } finally {
      this.#metrics.runFinished();
      this.#statusWriters.delete(runId);
      this.#records.delete(runId);
    }
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
      void awaitObserved(
        recorder.writes,
        (apiVersion, kind) => this.#observer(apiVersion, kind),
        options.ownWritesTimeoutMs ?? DEFAULT_OWN_WRITES_TIMEOUT_MS,
      ).then(() => this.#follow(key, action));
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

  /**
   * The one-change rule's verdict on a Run's result (once per Run: the observer and the
   * controller get the same object), logged and counted when the rule was broken.
   */
  #judge(result: ControllerRunResult): ControllerRunResult {
    const record = this.#records.get(result.runId);
    if (record === undefined) return result;
    if (record.judged !== undefined) return record.judged;
    const { key, recorder } = record;
    const judged = judgeOneChange(result, key, recorder.writes, recorder.changes, this.#rule);
    record.judged = judged;
    if (judged.oneChangeViolation !== undefined) {
      this.#metrics.oneChangeBreach();
      this.#logger.warn(judged.oneChangeViolation.message, {
        key,
        runId: result.runId,
        end: judged.end,
      });
    }
    return judged;
  }

  /** The primary's Event reference (objects read from a LIST may lack apiVersion and kind). */
  #reference(resource: Unscoped<R>): EventObjectReference {
    const metadata = (resource as { metadata?: EventSubjectMeta }).metadata;
    return objectReference({
      apiVersion: this.resource.apiVersion,
      kind: this.resource.kind,
      metadata,
    });
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

/** An object state: which object (a liveKey) at which resourceVersion. */
interface Echo {
  readonly object: string;
  readonly resourceVersion: string;
}

function echoOf(watch: Watch, event: CacheEvent<unknown>): Echo | undefined {
  const meta = (event.object as { metadata?: EchoMeta })?.metadata;
  if (!meta?.name || !meta.resourceVersion) return undefined;
  return {
    object: liveKey(watch.resource.apiVersion, watch.resource.kind, meta.namespace, meta.name),
    resourceVersion: meta.resourceVersion,
  };
}

/** What `objectReference` reads of a primary's metadata. */
interface EventSubjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
}

interface EchoMeta {
  namespace?: string;
  name?: string;
  resourceVersion?: string;
}

interface OwnedMeta {
  namespace?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; controller?: boolean }[];
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

function splitKey(key: string, namespaced: boolean): [string | undefined, string] {
  if (!namespaced) return [undefined, key];
  const slash = key.indexOf("/");
  return slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
}
