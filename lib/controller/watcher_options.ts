/**
 * What a {@linkcode Watcher} watches and how ({@linkcode WatcherOptions}), and why it opens
 * its watch again ({@linkcode WatchRestartReason}).
 *
 * @module
 */

import type { Backoff, BackoffOptions } from "./backoff.ts";

/** `Accept` of a metadata-only watch (each event's object is a `PartialObjectMetadata`). */
export const METADATA_WATCH_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/** `Accept` of a metadata-only LIST. */
export const METADATA_LIST_ACCEPT =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/**
 * What a watcher watches and how.
 *
 * @example A paginated LIST of one namespace's matching objects, then a watch
 * ```ts
 * import { Watcher, type WatchHandler, type WatcherOptions } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const options: WatcherOptions = {
 *   namespace: "default",
 *   labelSelector: "app=web",
 *   initialState: "list",
 *   pageSize: 100,
 * };
 * // Answers the LIST in memory; in practice this is an HttpRestClient.
 * const client = restClientFromHandler((request) => {
 *   console.log(request.path, request.querystring?.toString());
 *   // /api/v1/namespaces/default/configmaps labelSelector=app%3Dweb&limit=100
 *   return Promise.resolve({ kind: "ConfigMapList", metadata: { resourceVersion: "42" }, items: [] });
 * });
 * const stop = new AbortController();
 * const ignore = () => {};
 * const handler: WatchHandler<ConfigMap> = {
 *   initStart: ignore,
 *   initObject: ignore,
 *   initDone: (resourceVersion) => {
 *     console.log("synced at", resourceVersion); // synced at 42
 *     stop.abort(); // enough for this example: a real watcher keeps watching
 *   },
 *   apply: ignore,
 *   remove: ignore,
 *   bookmark: ignore,
 *   error: ignore,
 * };
 * await new Watcher(client, ConfigMaps, options).run(stop.signal, handler);
 * ```
 */
export interface WatcherOptions {
  /**
   * Watch one namespace only.
   *
   * @default {undefined} (all namespaces, or cluster scope)
   */
  readonly namespace?: string;
  /** Only objects matching this label selector (server-side). */
  readonly labelSelector?: string;
  /** Only objects matching this field selector (server-side). */
  readonly fieldSelector?: string;
  /**
   * Receive `PartialObjectMetadata` objects (apiVersion, kind, metadata; no body) through
   * content negotiation, as controller-runtime's `WatchesMetadata`.
   *
   * @default {false}
   */
  readonly metadataOnly?: boolean;
  /**
   * How to get the initial state: a streaming watch-list (`sendInitialEvents=true`), which
   * falls back to `"list"` for good when the server refuses it, or a paginated LIST.
   *
   * @default {"watch-list"}
   */
  readonly initialState?: "watch-list" | "list";
  /**
   * Page size of the fallback LIST.
   *
   * @default {500}
   */
  readonly pageSize?: number;
  /**
   * A watch that receives nothing (no event, no bookmark) for this long is restarted from its
   * last resourceVersion. A quiet watch still gets a bookmark every one to two minutes
   * (kube-apiserver 1.37 with its watch cache: about 120 s), so a silent one is dead. `0`
   * turns this watchdog off.
   *
   * @default {300000}
   */
  readonly idleTimeoutMs?: number;
  /**
   * The server ends each watch after a random time between this and twice this, in seconds
   * (as client-go), so connections are renewed now and then.
   *
   * @default {300}
   */
  readonly watchTimeoutSeconds?: number;
  /**
   * Reconnect delays (kube-rs's defaults: 800 ms doubling to 30 s with jitter, reset after
   * 120 s without a failure).
   *
   * @default {new Backoff()}
   */
  readonly backoff?: Backoff | BackoffOptions;
  /**
   * Called each time the watch is opened again after it ended (not on the first connection,
   * not on abort), with why: see {@linkcode WatchRestartReason}. Used for the runtime's
   * watch-restart metric. It must not throw.
   */
  readonly onRestart?: (reason: WatchRestartReason) => void;
}

/**
 * Why a watcher opened its watch again:
 *
 * - `closed`: the server ended the stream (its `timeoutSeconds`, or a watch-list cut short);
 * - `expired`: `410 Gone`, the resourceVersion expired and the state is read anew;
 * - `idle`: the idle watchdog found the stream silent for `idleTimeoutMs`;
 * - `error`: any other failure (connection, refusal), retried after a backoff delay.
 *
 * @example
 * ```ts
 * import type { WatchRestartReason } from "@staircase/staircase/controller";
 *
 * const reasons: WatchRestartReason[] = ["closed", "expired", "idle", "error"];
 * console.log(reasons.length); // 4
 * ```
 */
export type WatchRestartReason = "closed" | "expired" | "idle" | "error";
