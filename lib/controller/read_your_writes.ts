/**
 * Read-your-own-writes: before a key's next Run, wait until the caches have observed the
 * writes its previous Run made (KEP-5504 resourceVersion comparison); what they have not seen
 * in time is read live and laid over the cache for that Run.
 *
 * @module
 */

import { ResourceClient } from "../client/resource_client.ts";
import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { isNotFound } from "../client/api_error.ts";
import type { CacheListOptions, Informer, ObjectCache } from "./cache.ts";
import type { RecordedWrite } from "./write_record.ts";
import { awaitObserved, covering, observed } from "./_informer_scope.ts";

/**
 * The default time a Run waits for the caches to observe the previous Run's writes before it
 * reads those objects live instead: 5 seconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_OWN_WRITES_TIMEOUT_MS } from "@staircase/staircase/controller";
 *
 * console.log(DEFAULT_OWN_WRITES_TIMEOUT_MS); // 5000
 * ```
 */
export const DEFAULT_OWN_WRITES_TIMEOUT_MS = 5_000;

/**
 * Finds the informer that caches a kind, if any.
 *
 * @example
 * ```ts
 * import { type InformerLookup, SharedInformers } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const informers = new SharedInformers(
 *   restClientFromHandler(() => Promise.reject(new Error("offline"))),
 * );
 * informers.get(ConfigMaps, { namespace: "prod" });
 * // The informer that caches a kind, as awaitOwnWrites asks for it.
 * const informerFor: InformerLookup = (apiVersion, kind) =>
 *   informers.informers.find(({ resource }) =>
 *     resource.apiVersion === apiVersion && resource.kind === kind
 *   );
 * console.log(informerFor("v1", "ConfigMap")?.resource.plural, informerFor("v1", "Secret")); // configmaps undefined
 * ```
 */
export type InformerLookup = (apiVersion: string, kind: string) => Informer<unknown> | undefined;

/**
 * What {@linkcode awaitOwnWrites} found.
 *
 * @example
 * ```ts
 * import {
 *   awaitOwnWrites,
 *   liveKey,
 *   type RecordedWrite,
 *   SharedInformers,
 * } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // The last Run created a ConfigMap that the cache (never started here) has not seen.
 * const client = restClientFromHandler(() =>
 *   Promise.resolve({ metadata: { name: "web", resourceVersion: "42" } })
 * );
 * const cache = new SharedInformers(client).get(ConfigMaps, { namespace: "prod" });
 * const write: RecordedWrite = {
 *   method: "POST",
 *   path: "/api/v1/namespaces/prod/configmaps",
 *   purpose: "change",
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   namespace: "prod",
 *   name: "web",
 *   resourceVersion: "42",
 * };
 * const own = await awaitOwnWrites([write], () => cache, client, { timeoutMs: 10 });
 * console.log(own.stale.length, own.live.get(liveKey("v1", "ConfigMap", "prod", "web")));
 * // 1 { metadata: { name: "web", resourceVersion: "42" } }
 * ```
 */
export interface OwnWrites {
  /** The writes the caches had not observed when the wait ended. */
  readonly stale: readonly RecordedWrite[];
  /**
   * The objects of stale writes, read live: {@linkcode liveKey} → object, or `null` when the
   * object no longer exists.
   */
  readonly live: ReadonlyMap<string, unknown>;
  /** How long the wait took, in milliseconds. */
  readonly waitedMs: number;
}

/**
 * The key of one object in {@linkcode OwnWrites.live}.
 *
 * @param apiVersion The object's apiVersion.
 * @param kind The object's kind.
 * @param namespace Its namespace (absent for cluster-scoped kinds).
 * @param name Its name.
 * @returns The key.
 *
 * @example
 * ```ts
 * import { liveKey } from "@staircase/staircase/controller";
 *
 * console.log(liveKey("v1", "ConfigMap", "default", "web")); // v1/ConfigMap/default/web
 * ```
 */
export function liveKey(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return `${apiVersion}/${kind}/${namespace ?? ""}/${name}`;
}

/**
 * Waits until every informer that caches a kind written in `writes` has observed the newest
 * resourceVersion written to it, at most `timeoutMs`; then reads the objects of the writes
 * still unobserved live through `client`. Writes of kinds nobody caches need no wait (steps
 * read those live anyway).
 *
 * @param writes The previous Run's writes.
 * @param informerFor Finds the informer of a kind.
 * @param client Reads stale objects live.
 * @param options The timeout and a shutdown signal.
 * @returns What was stale and what was read live.
 * @throws The signal's reason when `signal` aborts; a live read's error (other than 404).
 *
 * @example
 * ```ts
 * import { awaitOwnWrites } from "@staircase/staircase/controller";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const fresh = await awaitOwnWrites([], () => undefined, {} as RestClient, { timeoutMs: 1_000 });
 * console.log(fresh.stale.length); // 0
 * ```
 */
export async function awaitOwnWrites(
  writes: readonly RecordedWrite[],
  informerFor: InformerLookup,
  client: RestClient,
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<OwnWrites> {
  const started = performance.now();
  // Versions that are not comparable (a server before KEP-5504) are read live, not guessed.
  const unwaitable = await awaitObserved(writes, informerFor, options.timeoutMs, options.signal);
  options.signal?.throwIfAborted();
  const stale = writes.filter((write) => {
    if (unwaitable.includes(write)) return true;
    if (!write.apiVersion || !write.kind || !write.resourceVersion) return false;
    const informer = covering(informerFor(write.apiVersion, write.kind), write.namespace);
    return informer !== undefined && !observed(informer, write.resourceVersion);
  });
  const live = new Map<string, unknown>();
  for (const write of stale) {
    if (!write.name || !write.apiVersion || !write.kind) continue;
    const key = liveKey(write.apiVersion, write.kind, write.namespace, write.name);
    if (live.has(key)) continue;
    const informer = informerFor(write.apiVersion, write.kind)!;
    const resource = informer.resource as ResourceType<unknown>;
    const reader = new ResourceClient(client, resource);
    try {
      const view = write.namespace ? reader.namespace(write.namespace) : reader;
      live.set(key, freeze(await view.get(write.name, { abortSignal: options.signal })));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      live.set(key, null);
    }
  }
  return { stale, live, waitedMs: performance.now() - started };
}

/**
 * An {@linkcode ObjectCache} that answers from `live` for the objects read live, and from
 * `base` for everything else: what one Run reads when its caches lagged behind its key's own
 * writes. Objects read live that the cache does not hold yet join `list` results when they
 * match its namespace, owner and (equality-map) label criteria.
 *
 * @param base The shared cache.
 * @param live Objects read live ({@linkcode OwnWrites.live}).
 * @returns The overlay (or `base` itself when nothing was read live).
 *
 * @example
 * ```ts
 * import { liveKey, overlayCache, type ObjectCache } from "@staircase/staircase/controller";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const empty: ObjectCache = { get: () => undefined, list: () => [] };
 * const live = new Map([[liveKey("v1", "ConfigMap", "d", "a"), { metadata: { name: "a" } }]]);
 * console.log(overlayCache(empty, live).get(ConfigMaps, "a", "d")?.metadata?.name); // a
 * ```
 */
export function overlayCache(base: ObjectCache, live: ReadonlyMap<string, unknown>): ObjectCache {
  if (live.size === 0) return base;
  return {
    get<T>(resource: ResourceType<T>, name: string, namespace?: string): T | undefined {
      const key = liveKey(resource.apiVersion, resource.kind, namespace, name);
      if (live.has(key)) return (live.get(key) ?? undefined) as T | undefined;
      return base.get(resource, name, namespace);
    },
    list<T>(resource: ResourceType<T>, options?: CacheListOptions): T[] {
      const seen = new Set<string>();
      const out: T[] = [];
      for (const object of base.list(resource, options)) {
        const meta = metadataOf(object);
        const key = liveKey(resource.apiVersion, resource.kind, meta.namespace, meta.name ?? "");
        seen.add(key);
        if (!live.has(key)) out.push(object);
        else if (live.get(key) !== null) out.push(live.get(key) as T);
      }
      const prefix = `${resource.apiVersion}/${resource.kind}/`;
      for (const [key, object] of live) {
        if (!key.startsWith(prefix) || seen.has(key) || object === null) continue;
        if (matches(metadataOf(object), options)) out.push(object as T);
      }
      return out;
    },
  };
}

interface Meta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  ownerReferences?: { uid?: string }[];
}

function metadataOf(object: unknown): Meta {
  return (object as { metadata?: Meta })?.metadata ?? {};
}

function matches(meta: Meta, options: CacheListOptions | undefined): boolean {
  if (options?.namespace !== undefined && meta.namespace !== options.namespace) return false;
  if (
    options?.ownerUid !== undefined &&
    !(meta.ownerReferences ?? []).some((ref) => ref.uid === options.ownerUid)
  ) return false;
  const selector = options?.labelSelector;
  // A selector string would need the cache's parser; such lists see only cached objects.
  if (typeof selector === "string") return false;
  if (selector !== undefined) {
    for (const [label, value] of Object.entries(selector)) {
      if (meta.labels?.[label] !== value) return false;
    }
  }
  return true;
}

function freeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  }
  return value;
}
