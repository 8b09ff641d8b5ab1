/**
 * An informer: a {@linkcode Watcher} feeding a {@linkcode Store}, with frozen objects, the
 * resourceVersion it has caught up with, and subscribers.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { compareResourceVersions } from "../client/resource_version.ts";
import { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import type { CacheEvent, CacheListOptions, Informer } from "./cache.ts";
import type { InformerOptions } from "./informer_options.ts";
import { Store } from "./store.ts";
import { Watcher } from "./watcher.ts";
import type { WatchError, WatchHandler } from "./watch_handler.ts";
import { prepareObject } from "./_prepare_object.ts";

const log = getLogger(["staircase", "controller", "informer"]);

interface Waiter {
  readonly resourceVersion: string;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal?: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * A cache of one (kind, scope, selectors) that a {@linkcode Watcher} keeps current: the
 * {@linkcode Informer} contract, plus {@linkcode ResourceInformer.run} to run it. Objects are
 * deeply frozen, `managedFields` are dropped unless `keepManagedFields`, and `transform` runs
 * on each object first. While a new initial state is being read (after an expired
 * resourceVersion), reads serve the previous state; the new one replaces it at once and
 * subscribers hear the difference, including a `deleted` per vanished object.
 *
 * Prefer {@linkcode Informers.get}, which shares one informer per (kind, scope, selectors).
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import { ResourceInformer } from "@staircase/staircase/controller";
 * import { kubeConfigClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Prints the ConfigMaps of `default`, then every change to them until `stop` aborts.
 * async function followConfigMaps(stop: AbortSignal): Promise<void> {
 *   const informer = new ResourceInformer(await kubeConfigClient(), ConfigMaps, {
 *     namespace: "default",
 *   });
 *   const running = informer.run(stop);
 *   await informer.waitForSync();
 *   console.log(informer.list().map((configMap) => configMap.metadata?.name));
 *   informer.subscribe((event) => console.log(event.type, event.object.metadata?.name));
 *   await running;
 * }
 * ```
 */
export class ResourceInformer<T> implements Informer<T> {
  /** The kind this informer holds. */
  readonly resource: ResourceType<T>;
  /** The options it was made with. */
  readonly options: InformerOptions<T>;
  readonly #watcher: Watcher<T>;
  readonly #store: Store<T>;
  readonly #metrics: RuntimeMetrics;
  readonly #listeners = new Set<(event: CacheEvent<T>) => void>();
  #synced = false;
  #resourceVersion: string | undefined;
  #pending: T[] | undefined;
  #waiters = new Set<Waiter>();
  #syncWaiters = new Set<Waiter>();
  #running = false;
  #lastError: WatchError | undefined;

  /**
   * Creates an informer (nothing is sent until {@linkcode ResourceInformer.run}).
   *
   * @param client The transport.
   * @param resource The kind to cache.
   * @param options Scope, selectors, timing and how objects are stored.
   */
  constructor(client: RestClient, resource: ResourceType<T>, options: InformerOptions<T> = {}) {
    this.resource = resource;
    this.options = options;
    const metrics = options.metrics ?? new RuntimeMetrics();
    this.#metrics = metrics;
    this.#watcher = new Watcher(client, resource, {
      ...options,
      onRestart: (reason) => {
        metrics.watchRestarted(resource.kind, reason);
        options.onRestart?.(reason);
      },
    });
    this.#store = new Store(resource);
  }

  /** True once the initial state is in the cache. */
  get synced(): boolean {
    return this.#synced;
  }

  /** The newest resourceVersion the cache has caught up with. */
  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** How many objects the cache holds. */
  get size(): number {
    return this.#store.size;
  }

  /**
   * The last failure of the watch (e.g. missing RBAC permission), until the watch works again
   * (an event, a bookmark or a new initial state).
   */
  get lastError(): WatchError | undefined {
    return this.#lastError;
  }

  /** Whether the initial state came from a LIST (asked for, or after a watch-list refusal). */
  get usesList(): boolean {
    return this.#watcher.usesList;
  }

  /** One cached object. */
  get(name: string, namespace?: string): T | undefined {
    return this.#store.get(name, namespace);
  }

  /** The cached objects matching `options`. */
  list(options?: CacheListOptions): T[] {
    return this.#store.list(options);
  }

  /**
   * Whether the cache reflects every change up to `resourceVersion`.
   *
   * @throws {ResourceVersionError} If `resourceVersion` is not a decimal integer.
   */
  hasObserved(resourceVersion: string): boolean {
    const current = this.#resourceVersion;
    if (current === undefined) {
      compareResourceVersions(resourceVersion, "0"); // validates
      return false;
    }
    return compareResourceVersions(current, resourceVersion) >= 0;
  }

  /** Resolves once {@linkcode ResourceInformer.hasObserved} holds for `resourceVersion`. */
  waitUntilObserved(resourceVersion: string, signal?: AbortSignal): Promise<void> {
    try {
      if (this.hasObserved(resourceVersion)) return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#wait(this.#waiters, resourceVersion, signal);
  }

  /** Resolves once synced. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return this.#wait(this.#syncWaiters, "", signal);
  }

  /** Calls `listener` for every change applied from now on. */
  subscribe(listener: (event: CacheEvent<T>) => void): () => void {
    // A wrapper per subscription, so the same function subscribed twice is called twice.
    const entry = (event: CacheEvent<T>): void => listener(event);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /**
   * Watches until `signal` aborts; never ends because of an error (see {@linkcode Watcher}).
   * The cache keeps its content after the end.
   *
   * @param signal Stops the informer.
   * @throws {Error} If the informer is already running.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error(`the ${this.resource.kind} informer is already running`);
    this.#running = true;
    try {
      await this.#watcher.run(signal, this.#handler);
    } finally {
      this.#running = false;
      this.#pending = undefined;
    }
  }

  #wait(set: Set<Waiter>, resourceVersion: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resourceVersion,
        resolve: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          resolve();
        },
        reject,
        signal,
        onAbort: () => {
          set.delete(waiter);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      set.add(waiter);
    });
  }

  /** The object as stored: see `prepareObject`. */
  #prepare(raw: T, deletion = false): T | undefined {
    return prepareObject(raw, this.resource.kind, this.options, deletion);
  }

  #emit(event: CacheEvent<T> | undefined): void {
    if (event === undefined) return;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        log.error(`a ${this.resource.kind} cache subscriber threw: ${String(err)}`, {
          error: err,
        });
      }
    }
  }

  #advance(resourceVersion: string | undefined): void {
    if (!resourceVersion) return;
    const current = this.#resourceVersion;
    try {
      if (current !== undefined && compareResourceVersions(resourceVersion, current) <= 0) return;
    } catch {
      // Not comparable (an old server): take the newest as it comes.
    }
    this.#resourceVersion = resourceVersion;
    if (this.#waiters.size === 0) return;
    for (const waiter of this.#waiters) {
      let done = false;
      try {
        done = this.hasObserved(waiter.resourceVersion);
      } catch (err) {
        this.#waiters.delete(waiter);
        waiter.reject(err);
        continue;
      }
      if (done) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Records the store's growth or shrinkage since it held `before` objects. */
  #sizeChanged(before: number): void {
    const delta = this.#store.size - before;
    if (delta !== 0) this.#metrics.cacheObjectsChanged(this.resource.kind, delta);
  }

  /** One watched change (an addition or update, or a deletion) into the store and out to subscribers. */
  #change(object: T, deletion: boolean): void {
    this.#lastError = undefined;
    const prepared = this.#prepare(object, deletion);
    if (prepared !== undefined) {
      const before = this.#store.size;
      const event = deletion ? this.#store.remove(prepared) : this.#store.apply(prepared);
      this.#sizeChanged(before);
      this.#emit(event);
    }
    this.#advance(this.#objectVersion(object));
  }

  #objectVersion(object: T): string | undefined {
    return (object as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  }

  readonly #handler: WatchHandler<T> = {
    initStart: (): void => {
      this.#pending = [];
    },
    initObject: (object): void => {
      const prepared = this.#prepare(object);
      if (prepared !== undefined) this.#pending?.push(prepared);
    },
    initDone: (resourceVersion): void => {
      const before = this.#store.size;
      const events = this.#store.replace(this.#pending ?? []);
      this.#sizeChanged(before);
      this.#pending = undefined;
      this.#lastError = undefined;
      for (const event of events) this.#emit(event);
      this.#advance(resourceVersion);
      if (!this.#synced) {
        this.#synced = true;
        for (const waiter of this.#syncWaiters) waiter.resolve();
        this.#syncWaiters.clear();
      }
    },
    apply: (object): void => this.#change(object, false),
    remove: (object): void => this.#change(object, true),
    bookmark: (resourceVersion): void => {
      this.#lastError = undefined;
      this.#advance(resourceVersion);
    },
    error: (error): void => {
      this.#lastError = error;
      try {
        this.options.onError?.(error);
      } catch (err) {
        log.error(`a ${this.resource.kind} informer's onError threw: ${String(err)}`);
      }
    },
  };
}
