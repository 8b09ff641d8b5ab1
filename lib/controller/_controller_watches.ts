/**
 * What a {@linkcode Controller} watches: its primary kind and the kinds related to it through
 * `owns()` and `watches()`, how each change maps to primary keys, and the informers it reads
 * them through once bound.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import {
  type CacheEvent,
  type CacheListOptions,
  type Informer,
  NotCachedError,
  type ObjectCache,
  objectKey,
} from "./cache.ts";
import type { InformerProvider, InformerScope } from "./informer_provider.ts";
import type { WatchOptions } from "./watch_options.ts";
import type { Predicate } from "./predicates.ts";

/** One watched kind, and which primary keys a change of it concerns. */
export interface Watch {
  readonly resource: ResourceType<unknown>;
  readonly scope: InformerScope;
  readonly toKeys: (event: CacheEvent<unknown>) => Iterable<string>;
  readonly predicate?: Predicate<unknown>;
  readonly metadataOnly: boolean;
}

interface OwnedMeta {
  namespace?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; controller?: boolean }[];
}

/** The watch of the primary kind itself: a change concerns the changed object's key. */
export function primaryWatch(
  resource: ResourceType<unknown>,
  scope: InformerScope,
  predicate: Predicate<unknown> | undefined,
): Watch {
  return {
    resource,
    scope,
    toKeys: (event) => [objectKey(event.object as never)],
    predicate,
    metadataOnly: false,
  };
}

/**
 * The watch of a related kind (`owns()`, `watches()`): in `defaultNamespace` unless the
 * options give a scope.
 *
 * @throws {TypeError} If `resource` is not a resource token.
 */
export function relatedWatch<T>(
  resource: ResourceType<T>,
  options: WatchOptions<T>,
  defaultNamespace: string | undefined,
  metadataOnly: boolean,
  toKeys: (event: CacheEvent<unknown>) => Iterable<string>,
): Watch {
  if (typeof resource?.kind !== "string") {
    throw new TypeError("Controller: owns()/watches() need a resource token");
  }
  return {
    resource: resource as ResourceType<unknown>,
    scope: options.scope ?? { namespace: defaultNamespace },
    toKeys,
    predicate: options.predicate as Predicate<unknown> | undefined,
    metadataOnly,
  };
}

/**
 * Maps a change of a child to its owner's key: the primary named by its controller owner
 * reference (`controller: true`, the primary's kind and group), before and after the change.
 */
export function ownerKeyMapper(
  primary: ResourceType<unknown>,
): (event: CacheEvent<unknown>) => string[] {
  const ownerKeys = (object: unknown): string[] => {
    const meta = (object as { metadata?: OwnedMeta })?.metadata;
    const ref = meta?.ownerReferences?.find((ref) => ref.controller === true);
    if (!ref || ref.kind !== primary.kind) return [];
    const refGroup = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
    if (refGroup !== primary.group) return [];
    return [primary.namespaced && meta?.namespace ? `${meta.namespace}/${ref.name}` : ref.name];
  };
  return (event) => {
    const keys = ownerKeys(event.object);
    // A child that changed owner also concerns its previous owner.
    if (event.previous !== undefined) keys.push(...ownerKeys(event.previous));
    return keys;
  };
}

/** The key of a kind in the maps of informers. */
export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** The informers of a controller's watches, subscribed to, by kind. */
export class BoundInformers {
  /** Every informer subscribed to (one per watch). */
  readonly all: Informer<unknown>[] = [];
  /** What steps read: every fully cached kind. */
  readonly cache: ObjectCache;
  /** Informers of full objects, by kind: what `cache` reads. */
  readonly #byKind = new Map<string, Informer<unknown>>();
  /** Informers of metadata only, by kind (for read-your-own-writes, not for reads). */
  readonly #metadataOnly = new Map<string, Informer<unknown>>();
  readonly #unsubscribe: (() => void)[] = [];

  /** Gets an informer from `informers` for each watch and subscribes `onEvent` to it. */
  constructor(
    informers: InformerProvider,
    watches: readonly Watch[],
    onEvent: (watch: Watch, event: CacheEvent<unknown>) => void,
  ) {
    for (const watch of watches) {
      // A registry that knows `metadataOnly` (SharedInformers) caches metadata only.
      const scope = watch.metadataOnly ? { ...watch.scope, metadataOnly: true } : watch.scope;
      const informer = informers.get(watch.resource, scope);
      const kind = kindKey(watch.resource.apiVersion, watch.resource.kind);
      const into = watch.metadataOnly ? this.#metadataOnly : this.#byKind;
      if (!into.has(kind)) into.set(kind, informer);
      this.all.push(informer);
      this.#unsubscribe.push(informer.subscribe((event) => onEvent(watch, event)));
    }
    this.cache = {
      get: <T>(resource: ResourceType<T>, name: string, namespace?: string): T | undefined =>
        this.#informerOf(resource).get(name, namespace),
      list: <T>(resource: ResourceType<T>, options?: CacheListOptions): T[] =>
        this.#informerOf(resource).list(options),
    };
  }

  /** The full informer of `resource`, if it is watched. */
  fullInformer<T>(resource: ResourceType<T>): Informer<T> | undefined {
    return this.#byKind.get(kindKey(resource.apiVersion, resource.kind)) as Informer<T> | undefined;
  }

  /** The informer that sees writes of a kind: the full one, else a metadata-only one. */
  observer(apiVersion: string, kind: string): Informer<unknown> | undefined {
    const key = kindKey(apiVersion, kind);
    return this.#byKind.get(key) ?? this.#metadataOnly.get(key);
  }

  /** Unsubscribes from every informer (once). */
  unsubscribe(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  #informerOf<T>(resource: ResourceType<T>): Informer<T> {
    const informer = this.fullInformer(resource);
    if (informer === undefined) throw new NotCachedError(resource.apiVersion, resource.kind);
    return informer;
  }
}
