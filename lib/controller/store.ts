/**
 * The reflector store: the objects of one watched collection, by namespace and name, with an
 * owner index, and the changes each update makes.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import type { CachedMetadata, CacheEvent, CacheListOptions, CacheReader } from "./cache.ts";
import { parseLabelSelector } from "./label_selector.ts";

interface Stored {
  readonly metadata?: CachedMetadata;
}

function metaOf(object: unknown): CachedMetadata {
  const metadata = (object as Stored | null)?.metadata;
  if (typeof metadata?.name !== "string" || metadata.name === "") {
    throw new TypeError("Store: an object has no metadata.name");
  }
  return metadata;
}

/**
 * The objects of one watched collection. Objects are kept as given (the informer freezes them
 * first), in one map per namespace (so listing a namespace reads only that namespace and the
 * keys are the objects' own name strings), with an index by owner UID. Updates return the
 * {@linkcode CacheEvent} they amount to, or `undefined` when they change nothing.
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import { Store } from "@staircase/staircase/controller";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const store = new Store(ConfigMaps);
 * console.log(store.apply({ metadata: { name: "a", namespace: "x", resourceVersion: "1" } })?.type); // added
 * console.log(store.get("a", "x")?.metadata?.resourceVersion); // 1
 * ```
 */
export class Store<T> implements CacheReader<T> {
  /** The kind this store holds. */
  readonly resource: ResourceType<T>;
  #byNamespace = new Map<string, Map<string, T>>();
  #byOwner = new Map<string, Set<T>>();
  #size = 0;

  /**
   * Creates an empty store.
   *
   * @param resource The kind it holds.
   */
  constructor(resource: ResourceType<T>) {
    this.resource = resource;
  }

  /** How many objects it holds. */
  get size(): number {
    return this.#size;
  }

  /** One object by name (and namespace, for namespaced kinds). */
  get(name: string, namespace?: string): T | undefined {
    return this.#byNamespace.get(namespace ?? "")?.get(name);
  }

  /** The objects matching `options` (namespace, labels, owner UID), in no particular order. */
  list(options: CacheListOptions = {}): T[] {
    const selector = options.labelSelector === undefined
      ? undefined
      : parseLabelSelector(options.labelSelector);
    const wanted = (object: T): boolean =>
      (options.namespace === undefined ||
        ((object as Stored).metadata?.namespace ?? "") === options.namespace) &&
      (selector === undefined || selector.matches((object as Stored).metadata?.labels));
    const out: T[] = [];
    if (options.ownerUid !== undefined) {
      for (const object of this.#byOwner.get(options.ownerUid) ?? []) {
        if (wanted(object)) out.push(object);
      }
      return out;
    }
    const maps = options.namespace === undefined
      ? this.#byNamespace.values()
      : [this.#byNamespace.get(options.namespace) ?? new Map<string, T>()];
    for (const map of maps) {
      for (const object of map.values()) {
        if (selector === undefined || selector.matches((object as Stored).metadata?.labels)) {
          out.push(object);
        }
      }
    }
    return out;
  }

  /**
   * Adds or replaces an object.
   *
   * @returns `added` or `modified`; `undefined` when the store already holds this
   *   resourceVersion of it.
   * @throws {TypeError} If the object has no `metadata.name`.
   */
  apply(object: T): CacheEvent<T> | undefined {
    const meta = metaOf(object);
    const namespace = meta.namespace ?? "";
    let map = this.#byNamespace.get(namespace);
    if (map === undefined) this.#byNamespace.set(namespace, map = new Map());
    const previous = map.get(meta.name!);
    if (
      previous !== undefined && meta.resourceVersion !== undefined &&
      metaOf(previous).resourceVersion === meta.resourceVersion
    ) return undefined;
    map.set(meta.name!, object);
    if (previous === undefined) {
      this.#size++;
      this.#indexOwners(object, meta, true);
      return { type: "added", object };
    }
    this.#indexOwners(previous, metaOf(previous), false);
    this.#indexOwners(object, meta, true);
    return { type: "modified", object, previous };
  }

  /**
   * Removes an object.
   *
   * @param object The object (its last state); only its namespace and name are used to find it.
   * @returns `deleted` with `object`; `undefined` when the store did not hold it.
   * @throws {TypeError} If the object has no `metadata.name`.
   */
  remove(object: T): CacheEvent<T> | undefined {
    const meta = metaOf(object);
    const namespace = meta.namespace ?? "";
    const map = this.#byNamespace.get(namespace);
    const previous = map?.get(meta.name!);
    if (previous === undefined) return undefined;
    map!.delete(meta.name!);
    if (map!.size === 0) this.#byNamespace.delete(namespace);
    this.#size--;
    this.#indexOwners(previous, metaOf(previous), false);
    return { type: "deleted", object };
  }

  /**
   * Replaces the whole content (after a new initial state) and returns the difference: an
   * `added` per new object, a `modified` per object whose resourceVersion changed and a
   * `deleted` per object that is gone. Objects whose resourceVersion did not change keep their
   * current instance.
   *
   * @param objects The complete new state.
   * @returns The changes, deletions last.
   */
  replace(objects: Iterable<T>): CacheEvent<T>[] {
    const events: CacheEvent<T>[] = [];
    const old = this.#byNamespace;
    const oldOwners = this.#byOwner;
    this.#byNamespace = new Map();
    this.#byOwner = new Map();
    this.#size = 0;
    for (const object of objects) {
      const meta = metaOf(object);
      const namespace = meta.namespace ?? "";
      const before = old.get(namespace)?.get(meta.name!);
      if (before !== undefined) old.get(namespace)!.delete(meta.name!);
      if (before !== undefined && metaOf(before).resourceVersion === meta.resourceVersion) {
        this.apply(before);
        continue;
      }
      const event = this.apply(object);
      if (event === undefined) continue;
      events.push(before === undefined ? event : { type: "modified", object, previous: before });
    }
    for (const map of old.values()) {
      for (const object of map.values()) events.push({ type: "deleted", object });
    }
    oldOwners.clear();
    return events;
  }

  #indexOwners(object: T, meta: CachedMetadata, add: boolean): void {
    const owners = meta.ownerReferences;
    if (owners === undefined) return;
    for (const owner of owners) {
      const uid = owner?.uid;
      if (typeof uid !== "string") continue;
      let set = this.#byOwner.get(uid);
      if (add) {
        if (set === undefined) this.#byOwner.set(uid, set = new Set());
        set.add(object);
      } else if (set !== undefined) {
        set.delete(object);
        if (set.size === 0) this.#byOwner.delete(uid);
      }
    }
  }
}
