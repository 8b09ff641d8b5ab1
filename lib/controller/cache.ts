/**
 * The contract between the watch-fed caches and their readers (steps, controllers,
 * read-your-own-writes): {@linkcode CacheReader} for reads, {@linkcode Informer} for a cache
 * that a watcher keeps up to date.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";

/**
 * The metadata every cached object has (the rest of the object is the kind's own).
 *
 * @example
 * ```ts
 * import { type CachedMetadata, objectKey } from "@staircase/staircase/controller";
 *
 * const metadata: CachedMetadata = {
 *   name: "web",
 *   namespace: "default",
 *   uid: "1",
 *   resourceVersion: "7",
 * };
 * console.log(objectKey({ metadata })); // default/web
 * ```
 */
export interface CachedMetadata {
  /** The object's name. */
  readonly name?: string;
  /** The object's namespace; absent for cluster-scoped kinds. */
  readonly namespace?: string;
  /** The object's UID. */
  readonly uid?: string;
  /** The object's resourceVersion. */
  readonly resourceVersion?: string;
  /** Labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Owner references (the controller reference has `controller: true`). */
  readonly ownerReferences?: readonly {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    readonly uid: string;
    readonly controller?: boolean;
  }[];
}

/**
 * The key of one object: `namespace/name`, or `name` for cluster-scoped kinds (as client-go's
 * `MetaNamespaceKeyFunc`).
 *
 * @example
 * ```ts
 * import { objectKey } from "@staircase/staircase/controller";
 *
 * console.log(objectKey({ metadata: { name: "web", namespace: "default" } })); // default/web
 * console.log(objectKey({ metadata: { name: "node-1" } })); // node-1
 * ```
 *
 * @param object An object with `metadata.name` (and `metadata.namespace` when namespaced).
 * @returns The key.
 * @throws {TypeError} If the object has no name.
 */
export function objectKey(object: { readonly metadata?: CachedMetadata }): string {
  const name = object?.metadata?.name;
  if (typeof name !== "string" || name === "") {
    throw new TypeError("objectKey(): the object has no metadata.name");
  }
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * Which cached objects {@linkcode CacheReader.list} returns. Every given criterion must hold.
 *
 * @example
 * ```ts
 * import { type CacheListOptions, Store } from "@staircase/staircase/controller";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const store = new Store(ConfigMaps);
 * store.apply({ metadata: { name: "a", namespace: "default", labels: { app: "web" } } });
 * store.apply({ metadata: { name: "b", namespace: "default", labels: { app: "db" } } });
 * store.apply({ metadata: { name: "c", namespace: "other", labels: { app: "web" } } });
 * const children: CacheListOptions = { namespace: "default", labelSelector: "app in (web,api)" };
 * console.log(store.list(children).map((configMap) => configMap.metadata?.name)); // [ "a" ]
 * ```
 */
export interface CacheListOptions {
  /**
   * Only objects in this namespace.
   *
   * @default {every namespace}
   */
  readonly namespace?: string;
  /**
   * Only objects whose labels match: a selector string in the API server's syntax
   * (`app=web,tier!=db,env in (a,b),!legacy`) or an equality map.
   *
   * @default {any labels}
   */
  readonly labelSelector?: string | Readonly<Record<string, string>>;
  /**
   * Only objects with an owner reference to this UID.
   *
   * @default {any owner, or none}
   */
  readonly ownerUid?: string;
}

/**
 * Reads from a cache: what steps get for every kind their controller watches. Objects are
 * deeply frozen and shared: never mutate them (copy with `structuredClone` to edit).
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import { type CacheReader, Store } from "@staircase/staircase/controller";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Code that only reads takes a CacheReader: an informer, or a Store in a test.
 * function message(cache: CacheReader<ConfigMap>, namespace: string): string | undefined {
 *   return cache.get("settings", namespace)?.data?.message;
 * }
 * const store = new Store(ConfigMaps);
 * store.apply({ metadata: { name: "settings", namespace: "prod" }, data: { message: "hello" } });
 * console.log(message(store, "prod"), message(store, "dev")); // hello undefined
 * ```
 */
export interface CacheReader<T> {
  /** The kind this cache holds. */
  readonly resource: ResourceType<T>;
  /**
   * One object by name (and namespace, for namespaced kinds), or `undefined` when the cache
   * does not hold it.
   */
  get(name: string, namespace?: string): T | undefined;
  /** The objects matching `options`, in no particular order. */
  list(options?: CacheListOptions): T[];
}

/**
 * A change the cache applied, as its subscribers hear it. `previous` is the object before a
 * modification (absent for additions); for deletions `object` is the last known state.
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import { type CacheEvent, Store } from "@staircase/staircase/controller";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * function describe(event: CacheEvent<ConfigMap>): string {
 *   const was = event.previous?.data?.mode;
 *   return `${event.type} ${event.object.metadata?.name}${was ? ` (was ${was})` : ""}`;
 * }
 * const store = new Store(ConfigMaps);
 * store.apply({
 *   metadata: { name: "web", namespace: "prod", resourceVersion: "1" },
 *   data: { mode: "slow" },
 * });
 * const event = store.apply({
 *   metadata: { name: "web", namespace: "prod", resourceVersion: "2" },
 *   data: { mode: "fast" },
 * });
 * console.log(event && describe(event)); // modified web (was slow)
 * ```
 */
export interface CacheEvent<T> {
  /** What happened. */
  readonly type: "added" | "modified" | "deleted";
  /** The object now (its last known state for deletions). */
  readonly object: T;
  /** The object before a modification. */
  readonly previous?: T;
}

/**
 * A cache of one (kind, scope, selector) that a watcher keeps current: the reflector store
 * plus what controllers need from it.
 *
 * @typeParam T The object type.
 *
 * @example Whether the cache has seen a write yet
 * ```ts
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type Informer, SharedInformers } from "@staircase/staircase/controller";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // An informer from the shared registry, not running yet (nothing is ever listed here).
 * const informers = new SharedInformers(
 *   restClientFromHandler(() => Promise.reject(new Error("offline"))),
 * );
 * const configMaps: Informer<ConfigMap> = informers.get(ConfigMaps, { namespace: "prod" });
 * console.log(configMaps.synced, configMaps.hasObserved("42")); // false false
 * // Waiting for a write to show up gives up when the signal says so.
 * await configMaps.waitUntilObserved("42", AbortSignal.timeout(10)).catch((error) =>
 *   console.log(error.name)
 * );
 * // TimeoutError
 * ```
 */
export interface Informer<T> extends CacheReader<T> {
  /** True once the initial state (watch-list or LIST) is in the cache. */
  readonly synced: boolean;
  /**
   * The newest resourceVersion the cache has caught up with (from the initial state, watch
   * events and bookmarks), or `undefined` before the first sync.
   */
  readonly resourceVersion: string | undefined;
  /**
   * Whether the cache reflects every change of its kind up to `resourceVersion` (a
   * resourceVersion of the same kind, e.g. from a write's response; KEP-5504 comparison).
   */
  hasObserved(resourceVersion: string): boolean;
  /**
   * Resolves once {@linkcode Informer.hasObserved} holds for `resourceVersion`; rejects with
   * the signal's reason when `signal` aborts first.
   */
  waitUntilObserved(resourceVersion: string, signal?: AbortSignal): Promise<void>;
  /** Resolves once synced; rejects with the signal's reason when `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /**
   * Calls `listener` for every change applied from now on (synchronously, in order). A
   * listener that throws is logged and does not affect the cache or other listeners.
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: (event: CacheEvent<T>) => void): () => void;
}

/**
 * Reads any kind a controller caches, by resource token: what a step gets as
 * `context.cache`. A kind the controller does not cache is a {@linkcode NotCachedError}.
 *
 * @example
 * ```ts
 * import { liveKey, type ObjectCache, overlayCache } from "@staircase/staircase/controller";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // What a step reads as `context.cache`: any cached kind, by resource token.
 * function message(cache: ObjectCache, namespace: string): string | undefined {
 *   return cache.get(ConfigMaps, "settings", namespace)?.data?.message;
 * }
 * // An empty cache with one object read live laid over it (as after a Run's own write).
 * const empty: ObjectCache = { get: () => undefined, list: () => [] };
 * const live = new Map([[liveKey("v1", "ConfigMap", "prod", "settings"), {
 *   data: { message: "hi" },
 * }]]);
 * console.log(message(overlayCache(empty, live), "prod"), message(empty, "prod")); // hi undefined
 * ```
 */
export interface ObjectCache {
  /** One cached object of `resource`'s kind, or `undefined` when the cache does not hold it. */
  get<T>(resource: ResourceType<T>, name: string, namespace?: string): T | undefined;
  /** The cached objects of `resource`'s kind that match `options`. */
  list<T>(resource: ResourceType<T>, options?: CacheListOptions): T[];
}

/**
 * Thrown when a step reads a kind its controller does not cache (declare it with `owns(...)`
 * or `watches(...)`, or read it live through the client).
 *
 * @example
 * ```ts
 * import { NotCachedError } from "@staircase/staircase/controller";
 *
 * const error = new NotCachedError("v1", "Secret");
 * console.log(error.message);
 * ```
 */
export class NotCachedError extends Error {
  /**
   * Creates the error.
   *
   * @param apiVersion The kind's apiVersion.
   * @param kind The kind.
   * @param namespace The namespace asked for, when the kind is cached in other namespaces only.
   */
  constructor(apiVersion: string, kind: string, namespace?: string) {
    const where = namespace === undefined ? "" : ` in namespace "${namespace}"`;
    super(
      `${kind} (${apiVersion}) is not cached${where} by this controller: declare it with ` +
        "owns() or watches(), or read it live through context.client",
    );
    this.name = "NotCachedError";
  }
}
