/**
 * What a {@linkcode ResourceInformer} caches and how it stores objects
 * ({@linkcode InformerOptions}), and what a metadata-only informer holds
 * ({@linkcode PartialObjectMetadata}).
 *
 * @module
 */

import type { ObjectMeta } from "../apis/meta/v1/types.ts";
import type { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import type { WatchError } from "./watch_handler.ts";
import type { WatcherOptions } from "./watcher_options.ts";

/**
 * What a metadata-only informer holds: the object's metadata, without its body
 * (`spec`, `data`, `status`, ...).
 *
 * @example
 * ```ts
 * import type { PartialObjectMetadata } from "@staircase/staircase/controller";
 *
 * const object: PartialObjectMetadata = {
 *   apiVersion: "meta.k8s.io/v1",
 *   kind: "PartialObjectMetadata",
 *   metadata: { name: "settings", namespace: "default" },
 * };
 * console.log(object.metadata.name);
 * ```
 */
export interface PartialObjectMetadata {
  /** `meta.k8s.io/v1`. */
  readonly apiVersion?: string;
  /** `PartialObjectMetadata`. */
  readonly kind?: string;
  /** The object's metadata. */
  readonly metadata: Readonly<ObjectMeta>;
}

/**
 * Options of an informer: what to watch (see {@linkcode WatcherOptions}) and how objects are
 * stored.
 *
 * @typeParam T The object type.
 *
 * @example Keeping only what a controller reads
 * ```ts
 * import { type InformerOptions, ResourceInformer } from "@staircase/staircase/controller";
 * import { type JSONValue, restClientFromHandler } from "@staircase/staircase/client";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const options: InformerOptions<ConfigMap> = {
 *   namespace: "default",
 *   initialState: "list",
 *   // Drop what no controller reads: less memory per cached object.
 *   transform: (cm) => ({ ...cm, metadata: { ...cm.metadata, annotations: undefined } }),
 * };
 * // Answers in memory (in practice: an HttpRestClient): a LIST of one ConfigMap, then a quiet
 * // watch.
 * const client = restClientFromHandler((request) => {
 *   if (request.querystring?.has("watch")) return Promise.resolve(new ReadableStream<JSONValue>());
 *   return Promise.resolve({
 *     kind: "ConfigMapList",
 *     metadata: { resourceVersion: "7" },
 *     items: [{ metadata: { name: "web", namespace: "default", annotations: { note: "..." } } }],
 *   });
 * });
 * const informer = new ResourceInformer(client, ConfigMaps, options);
 * const stop = new AbortController();
 * const running = informer.run(stop.signal);
 * await informer.waitForSync();
 * console.log(informer.get("web", "default")?.metadata);
 * // { name: "web", namespace: "default", annotations: undefined }
 * stop.abort();
 * await running;
 * ```
 */
export interface InformerOptions<T> extends WatcherOptions {
  /**
   * Keep `metadata.managedFields` (server-side apply bookkeeping, often a third of an object).
   *
   * @default {false}
   */
  readonly keepManagedFields?: boolean;
  /**
   * Called on every object before it is stored (after `managedFields` is dropped), e.g. to
   * drop fields no controller reads. It receives a fresh, unfrozen object it may change or
   * replace; its result is frozen. It must keep `metadata.name`, `namespace` and
   * `resourceVersion`. When it throws, the error is logged and the object is left out of the
   * cache (an update leaves the previous state), so one bad object cannot stop the watch.
   */
  readonly transform?: (object: T) => T;
  /**
   * Called with every failure of the watch (it is retried; see {@linkcode WatchError}), e.g.
   * to report missing RBAC permissions. It must not throw.
   */
  readonly onError?: (error: WatchError) => void;
  /**
   * Where the informer records its watch restarts (by kind and reason) and how many objects
   * its cache holds (by kind).
   *
   * @default {a RuntimeMetrics on the global meter provider} (a no-op until the application registers an OpenTelemetry SDK)
   */
  readonly metrics?: RuntimeMetrics;
}
