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
 * import type { ResourceDescriptor } from "./resource_options.ts";
 * const configMaps: ResourceDescriptor = {
 *   group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true,
 * };
 * console.log(configMaps.plural);
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
 * import type { ObjectList } from "./resource_options.ts";
 * const list: ObjectList<{ metadata?: { name?: string } }> = { items: [], metadata: {} };
 * console.log(list.items.length);
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
 * import type { PatchType } from "./resource_options.ts";
 * const type: PatchType = "merge";
 * console.log(type);
 * ```
 */
export type PatchType = "merge" | "json" | "strategic" | "apply";

/**
 * Options of `get`.
 *
 * @example
 * ```ts
 * import type { GetOptions } from "./resource_options.ts";
 * const opts: GetOptions = { resourceVersion: "0" };
 * console.log(opts);
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
 * import type { ListOptions } from "./resource_options.ts";
 * const opts: ListOptions = { labelSelector: "app=web", limit: 100 };
 * console.log(opts);
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
 * import type { WatchState } from "./resource_options.ts";
 * const state: WatchState = {};
 * // pass { state } to watch(); afterwards state.resourceVersion is where to resume
 * console.log(state.resourceVersion);
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
 * import type { WatchOptions } from "./resource_options.ts";
 * const opts: WatchOptions = { allowWatchBookmarks: true, timeoutSeconds: 300, idleTimeoutMs: 90_000 };
 * console.log(opts);
 * ```
 */
export interface WatchOptions extends ListOptions {
  /** Ask for `BOOKMARK` events, which carry only a newer resourceVersion. */
  allowWatchBookmarks?: boolean;
  /** Start with the current objects as `ADDED` events (ends with an initial-events bookmark). */
  sendInitialEvents?: boolean;
  /**
   * A stream that delivers no event for this long (while the caller waits for one) fails with
   * `WatchIdleError`; bytes that do not complete an event do not count. Off by default.
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
 * import type { WriteOptions } from "./resource_options.ts";
 * const opts: WriteOptions = { fieldManager: "my-operator", dryRun: true };
 * console.log(opts);
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
 * import type { PatchOptions } from "./resource_options.ts";
 * const opts: PatchOptions<"apply"> = { type: "apply", fieldManager: "my-operator", force: true };
 * console.log(opts);
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
 * import type { RawPatchOptions } from "./resource_options.ts";
 * const opts: RawPatchOptions = { type: "merge", subresource: "status" };
 * console.log(opts);
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
 * import type { DeleteOptions } from "./resource_options.ts";
 * const opts: DeleteOptions = { propagationPolicy: "Foreground", preconditions: { uid: "1234" } };
 * console.log(opts);
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
 * import { patchContentType } from "./resource_options.ts";
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
