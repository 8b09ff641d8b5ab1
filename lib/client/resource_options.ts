/**
 * Types shared by {@linkcode ResourceClient} and the generated API classes: which resource,
 * list shapes, and the options of each verb.
 *
 * @module
 */

/**
 * Identifies one resource type on the server.
 *
 * @example
 * ```ts
 * import type { ResourceDescriptor } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Every resource token is a descriptor; code that only needs the facts takes this type.
 * function collectionPath(resource: ResourceDescriptor, namespace: string): string {
 *   const base = resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
 *   return `${base}/namespaces/${namespace}/${resource.plural}`;
 * }
 * console.log(collectionPath(ConfigMaps, "default")); // "/api/v1/namespaces/default/configmaps"
 * ```
 */
export interface ResourceDescriptor {
  /** The API group; `""` for the core group. */
  group: string;
  /** The version, e.g. `v1`. */
  version: string;
  /** The plural resource name used in paths, e.g. `configmaps`. */
  plural: string;
  /** The kind, e.g. `ConfigMap`. */
  kind: string;
  /** Whether objects live in namespaces. */
  namespaced: boolean;
}

/**
 * The list shape the generic layer needs (generated code passes concrete list types).
 *
 * @example
 * ```ts
 * import type { ObjectList } from "@staircase/staircase/client";
 *
 * // Code that handles lists of any kind takes this shape.
 * function names<T extends { metadata?: { name?: string } }>(list: ObjectList<T>): string[] {
 *   return list.items.map((item) => item.metadata?.name ?? "");
 * }
 * console.log(names({ items: [{ metadata: { name: "a" } }], metadata: { resourceVersion: "7" } })); // ["a"]
 * ```
 */
export interface ObjectList<T> {
  /** The list's apiVersion. */
  apiVersion?: string;
  /** The list's kind, e.g. `ConfigMapList`. */
  kind?: string;
  /** List metadata: the resourceVersion to watch from and the next page's token. */
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  /** The objects. */
  items: T[];
}

/**
 * The kinds of patch: JSON merge patch, JSON Patch, strategic merge patch (built-in types
 * only) and server-side apply.
 *
 * @example
 * ```ts
 * import { patchContentType, type PatchType } from "@staircase/staircase/client";
 *
 * const kinds: PatchType[] = ["merge", "json", "strategic", "apply"];
 * for (const kind of kinds) console.log(kind, patchContentType(kind));
 * ```
 */
export type PatchType = "merge" | "json" | "strategic" | "apply";

/**
 * Options of `get`.
 *
 * @example
 * ```ts
 * import { ResourceClient, restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // A stand-in server that answers with what it was asked.
 * const client = restClientFromHandler((o) =>
 *   Promise.resolve({ request: `${o.method} ${o.path}?${o.querystring ?? ""}`, body: o.bodyJson ?? null })
 * );
 * const configMaps = new ResourceClient(client, ConfigMaps, "default");
 * console.log(await configMaps.get("settings", { resourceVersion: "0" }));
 * // request: "GET /api/v1/namespaces/default/configmaps/settings?resourceVersion=0"
 * ```
 */
export interface GetOptions {
  /** Aborts the request. */
  abortSignal?: AbortSignal;
  /** Serve from the cache at least this new (`"0"`: any cached state). */
  resourceVersion?: string;
}

/**
 * Options of `list` (and the selection part of `watch` and `deleteCollection`).
 *
 * @example
 * ```ts
 * import { ResourceClient, restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // A stand-in server that answers with what it was asked.
 * const client = restClientFromHandler((o) =>
 *   Promise.resolve({ request: `${o.method} ${o.path}?${o.querystring ?? ""}`, body: o.bodyJson ?? null })
 * );
 * const configMaps = new ResourceClient(client, ConfigMaps, "default");
 * console.log(await configMaps.list({ labelSelector: "app=web", limit: 100 }));
 * // request: "GET /api/v1/namespaces/default/configmaps?labelSelector=app%3Dweb&limit=100"
 * ```
 */
export interface ListOptions {
  /** A label selector, e.g. `app=web,tier!=db`. */
  labelSelector?: string;
  /** A field selector, e.g. `metadata.name=x`. */
  fieldSelector?: string;
  /** The page size. */
  limit?: number;
  /** The token of the next page, from the previous page's `metadata.continue`. */
  continue?: string;
  /** The resourceVersion to list at, or to watch from. */
  resourceVersion?: string;
  /** How `resourceVersion` is matched. */
  resourceVersionMatch?: "Exact" | "NotOlderThan";
  /** The server ends the request after this many seconds. */
  timeoutSeconds?: number;
  /** Aborts the request. */
  abortSignal?: AbortSignal;
}

/**
 * Where a watch has got to, updated as events arrive, so the caller (a reflector) can resume
 * from it after the stream ends.
 *
 * @example
 * ```ts
 * import { ResourceClient, type RestClient, type WatchState } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Watch until the server ends the stream, then resume from where the last one got to.
 * async function follow(client: RestClient, rounds: number): Promise<void> {
 *   const configMaps = new ResourceClient(client, ConfigMaps, "default");
 *   const state: WatchState = {};
 *   for (let round = 0; round < rounds; round++) {
 *     const resourceVersion = state.resourceVersion;
 *     for await (const event of configMaps.watch({ resourceVersion, state })) {
 *       if (event.type !== "BOOKMARK") console.log(event.type, event.object.metadata?.name);
 *     }
 *   }
 * }
 * ```
 */
export interface WatchState {
  /** The resourceVersion of the last object or bookmark seen. */
  resourceVersion?: string;
}

/**
 * Options of `watch`.
 *
 * @example
 * ```ts
 * import { ResourceClient, type RestClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Start with the current objects, ask for bookmarks, and give up on a stream silent for 90 s.
 * async function watchAppConfig(client: RestClient): Promise<void> {
 *   const configMaps = new ResourceClient(client, ConfigMaps, "default");
 *   const events = configMaps.watch({
 *     labelSelector: "app=web",
 *     sendInitialEvents: true,
 *     resourceVersionMatch: "NotOlderThan",
 *     allowWatchBookmarks: true,
 *     timeoutSeconds: 300,
 *     idleTimeoutMs: 90_000,
 *   });
 *   for await (const event of events) console.log(event.type);
 * }
 * ```
 */
export interface WatchOptions extends ListOptions {
  /** Ask for `BOOKMARK` events, which carry only a newer resourceVersion. */
  allowWatchBookmarks?: boolean;
  /** Start with the current objects as `ADDED` events (ends with an initial-events bookmark). */
  sendInitialEvents?: boolean;
  /**
   * A stream that delivers no event for this long (while the caller waits for one) fails with
   * `WatchIdleError`; bytes that do not complete an event do not count.
   *
   * @default {no idle timeout}
   */
  idleTimeoutMs?: number;
  /**
   * The longest event accepted, in characters; a longer one fails with `LineTooLongError`.
   *
   * @default {67108864}
   */
  maxEventLength?: number;
  /** Updated with the last resourceVersion seen. */
  state?: WatchState;
}

/**
 * Options of `create` and `replace`.
 *
 * @example
 * ```ts
 * import { ResourceClient, restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // A stand-in server that answers with what it was asked.
 * const client = restClientFromHandler((o) =>
 *   Promise.resolve({ request: `${o.method} ${o.path}?${o.querystring ?? ""}`, body: o.bodyJson ?? null })
 * );
 * const configMaps = new ResourceClient(client, ConfigMaps, "default");
 * console.log(await configMaps.create({ metadata: { name: "a" } }, { fieldManager: "my-operator", dryRun: true }));
 * // request: "POST /api/v1/namespaces/default/configmaps?dryRun=All&fieldManager=my-operator"
 * ```
 */
export interface WriteOptions {
  /** Validate and report, but persist nothing. */
  dryRun?: boolean;
  /** The name of the actor making the change (required for apply). */
  fieldManager?: string;
  /** What the server does with unknown or duplicate fields. */
  fieldValidation?: "Ignore" | "Warn" | "Strict";
  /** Aborts the request. */
  abortSignal?: AbortSignal;
}

/**
 * Options of `patch`. `K` is the patch kind; `patch()` infers it from the `type` literal and
 * checks the body against it (see `PatchBody`). Generated API classes narrow `K` to the kinds
 * the resource accepts (custom resources have no `"strategic"`).
 *
 * @example
 * ```ts
 * import { ResourceClient, type RestClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Server-side apply: the fields this manager sets, taking over any another manager owns.
 * async function applySettings(client: RestClient): Promise<void> {
 *   const configMaps = new ResourceClient(client, ConfigMaps, "default");
 *   await configMaps.patch(
 *     "settings",
 *     { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: "fast" } },
 *     { type: "apply", fieldManager: "my-operator", force: true },
 *   );
 * }
 * ```
 */
export interface PatchOptions<K extends PatchType = PatchType> extends WriteOptions {
  /** The kind of patch. */
  type: K;
  /** Take over fields owned by other managers (apply only). */
  force?: boolean;
}

/**
 * Options of `ResourceClient.patchRaw`: any patch kind, optionally aimed at the `status`
 * subresource.
 *
 * @example
 * ```ts
 * import { ResourceClient, restClientFromHandler } from "@staircase/staircase/client";
 * import { Deployments } from "@staircase/staircase/apis/apps/v1";
 *
 * // A stand-in server that answers with what it was asked.
 * const client = restClientFromHandler((o) =>
 *   Promise.resolve({ request: `${o.method} ${o.path}?${o.querystring ?? ""}`, body: o.bodyJson ?? null })
 * );
 * const deployments = new ResourceClient(client, Deployments, "default");
 * const patch = JSON.parse('{"status":{"observedGeneration":2}}');
 * console.log(await deployments.patchRaw("web", patch, { type: "merge", subresource: "status" }));
 * // request: "PATCH /apis/apps/v1/namespaces/default/deployments/web/status?"
 * ```
 */
export interface RawPatchOptions extends PatchOptions {
  /** Patch this subresource instead of the object. */
  subresource?: "status";
}

/**
 * Options of `delete` (and `deleteCollection`).
 *
 * @example
 * ```ts
 * import { ResourceClient, restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // A stand-in server that answers with what it was asked.
 * const client = restClientFromHandler((o) =>
 *   Promise.resolve({ request: `${o.method} ${o.path}?${o.querystring ?? ""}`, body: o.bodyJson ?? null })
 * );
 * const configMaps = new ResourceClient(client, ConfigMaps, "default");
 * console.log(await configMaps.delete("a", { propagationPolicy: "Foreground", preconditions: { uid: "1234" } }));
 * // body: { kind: "DeleteOptions", propagationPolicy: "Foreground", ... }
 * ```
 */
export interface DeleteOptions {
  /** Aborts the request. */
  abortSignal?: AbortSignal;
  /** Validate and report, but delete nothing. */
  dryRun?: boolean;
  /** Seconds before the object is deleted; 0 deletes immediately. */
  gracePeriodSeconds?: number;
  /** Whether and how dependents are garbage-collected. */
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  /** Delete only if the object still has this UID / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Content types of the patch kinds. */
const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

/**
 * The `Content-Type` of a patch kind. (Apply bodies are sent as JSON, which is valid YAML.)
 *
 * @example
 * ```ts
 * import { patchContentType } from "@staircase/staircase/client";
 * console.log(patchContentType("merge")); // "application/merge-patch+json"
 * ```
 */
export function patchContentType(type: PatchType): string {
  // Own keys only: "constructor" or "toString" must not find Object.prototype's functions.
  const contentType = Object.hasOwn(PATCH_CONTENT_TYPES, type)
    ? PATCH_CONTENT_TYPES[type]
    : undefined;
  if (typeof contentType !== "string") {
    throw new TypeError(
      `unknown patch type "${String(type).slice(0, 40)}" (use merge, json, strategic or apply)`,
    );
  }
  return contentType;
}
