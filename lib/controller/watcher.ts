/**
 * The watcher: the initial state of a collection (streaming watch-list, or a paginated LIST
 * where the server refuses it), then its changes, for as long as the caller runs it. Errors
 * never end it: it reconnects with backoff, resumes from the last resourceVersion and starts
 * over when that resourceVersion has expired.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { isGone, KubernetesApiError } from "../client/api_error.ts";
import type { RequestOptions, RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ObjectList, WatchState } from "../client/resource_options.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { sleep } from "../client/sleep.ts";
import { watchEvents } from "../client/watch.ts";
import { WatchIdleError } from "../client/errors.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";

const log = getLogger(["staircase", "controller", "watcher"]);

/** The annotation of the bookmark that ends a watch-list's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

/** `Accept` of a metadata-only watch (each event's object is a `PartialObjectMetadata`). */
export const METADATA_WATCH_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/** `Accept` of a metadata-only LIST. */
export const METADATA_LIST_ACCEPT =
  "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/**
 * What a watcher reports, in order: `initStart`, the initial objects (`initObject`) and
 * `initDone` (again after every re-initialisation, e.g. when the resourceVersion expired),
 * then `apply`/`remove` per change and `bookmark`s; `error` whenever something failed and a
 * retry is scheduled. The calls are synchronous; a handler must not throw.
 *
 * @typeParam T The object type.
 *
 * @example Counting the objects of the initial state
 * ```ts
 * import type { WatchHandler } from "@staircase/staircase/controller";
 *
 * let count = 0;
 * const handler: WatchHandler<unknown> = {
 *   initStart: () => (count = 0),
 *   initObject: () => count++,
 *   initDone: (rv) => console.log(`${count} objects at ${rv}`),
 *   apply: () => {},
 *   remove: () => {},
 *   bookmark: () => {},
 *   error: (error) => console.error(error.message),
 * };
 * console.log(typeof handler.apply);
 * ```
 */
export interface WatchHandler<T> {
  /** A (re)initialisation starts: the complete state follows. */
  initStart(): void;
  /** One object of the initial state. */
  initObject(object: T): void;
  /** The initial state is complete, as of `resourceVersion`. */
  initDone(resourceVersion: string): void;
  /** An object was added or modified. */
  apply(object: T): void;
  /** An object was deleted (`object` is its last state). */
  remove(object: T): void;
  /** The watch has reached `resourceVersion` (no object changed). */
  bookmark(resourceVersion: string): void;
  /** Something failed; the watcher retries after `error.retryInMs`. */
  error(error: WatchError): void;
}

/**
 * A failure of a watcher's request or stream, with what it means and when it is retried. The
 * watcher never stops because of one; `cause` is the original error (a `KubernetesApiError`
 * for refusals, e.g. `isForbidden(error.cause)` for missing RBAC permissions).
 *
 * @example
 * ```ts
 * import { WatchError } from "@staircase/staircase/controller";
 *
 * const error = new WatchError("ConfigMap", "default", new Error("connection reset"), 800);
 * console.log(error.message);
 * ```
 */
export class WatchError extends Error {
  /** The kind being watched. */
  readonly kind: string;
  /** The namespace being watched; `undefined` for all namespaces or cluster scope. */
  readonly namespace?: string;
  /** When the watcher tries again, in ms. */
  readonly retryInMs: number;

  /**
   * Creates the error.
   *
   * @param kind The kind being watched.
   * @param namespace The namespace being watched, if any.
   * @param cause The original error.
   * @param retryInMs When the watcher tries again, in ms.
   */
  constructor(kind: string, namespace: string | undefined, cause: unknown, retryInMs: number) {
    const where = namespace ? ` in namespace "${namespace}"` : "";
    const detail = cause instanceof Error ? cause.message : String(cause);
    const hint = cause instanceof KubernetesApiError && cause.code === 403
      ? " (the client lacks RBAC permission to list and watch this kind here)"
      : "";
    super(
      `watching ${kind}${where} failed: ${detail}${hint}; retrying in ${Math.round(retryInMs)} ms`,
      { cause },
    );
    this.name = "WatchError";
    this.kind = kind;
    this.namespace = namespace;
    this.retryInMs = retryInMs;
  }
}

/**
 * What a watcher watches and how.
 *
 * @example
 * ```ts
 * import type { WatcherOptions } from "@staircase/staircase/controller";
 *
 * const options: WatcherOptions = { namespace: "default", labelSelector: "app=web" };
 * console.log(options.namespace);
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
   * (kube-apiserver 1.37 with its watch cache: about 120 s), so a silent one is dead.
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

/** The server refused or ignored `sendInitialEvents`. */
class WatchListUnsupported extends Error {
  constructor(reason: string) {
    super(`the server does not support watch-list (${reason}); falling back to LIST`);
  }
}

interface Meta {
  metadata?: { resourceVersion?: string; annotations?: Record<string, string> };
}

/**
 * A client whose requests ask for `PartialObjectMetadata` (watch) or `PartialObjectMetadataList`
 * (list) instead of full objects.
 */
function metadataClient(client: RestClient): RestClient {
  const perform = (options: RequestOptions): Promise<unknown> =>
    client.performRequest({
      ...options,
      accept: options.querystring?.get("watch") === "true"
        ? METADATA_WATCH_ACCEPT
        : METADATA_LIST_ACCEPT,
    });
  return { performRequest: perform as RestClient["performRequest"] };
}

/**
 * A client whose response streams end as soon as the request's signal aborts, whatever the
 * transport does: a pending read of a silent stream is what the caller's abort and the idle
 * watchdog must interrupt, and a transport that loses its link to the signal (issue 8: a
 * combined signal collected by GC while the body lives) would otherwise leave the watcher
 * waiting for ever. The listener lives on the request's signal, which its owner keeps alive.
 */
function abortableStreams(client: RestClient): RestClient {
  const perform = async (options: RequestOptions): Promise<unknown> => {
    const result: unknown = await client.performRequest(options);
    const signal = options.abortSignal;
    if (!options.expectStream || !signal || !(result instanceof ReadableStream)) return result;
    const reader = (result as ReadableStream<Uint8Array>).getReader();
    let onAbort = (): void => {};
    return new ReadableStream<Uint8Array>({
      start(controller): void {
        onAbort = (): void => {
          controller.error(signal.reason);
          reader.cancel(signal.reason).catch(() => {});
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      },
      async pull(controller): Promise<void> {
        try {
          const { done, value } = await reader.read();
          if (done) {
            signal.removeEventListener("abort", onAbort);
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (err) {
          signal.removeEventListener("abort", onAbort);
          if (!signal.aborted) controller.error(err);
        }
      },
      cancel(reason): Promise<void> {
        signal.removeEventListener("abort", onAbort);
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
  };
  return { performRequest: perform as RestClient["performRequest"] };
}

/**
 * Keeps a {@linkcode WatchHandler} informed of one collection (kind, namespace, selectors).
 * {@linkcode Watcher.run} runs until its signal aborts; it never ends because of an error.
 *
 * - Initial state: a streaming watch-list (`sendInitialEvents=true`,
 *   `resourceVersionMatch=NotOlderThan`, `allowWatchBookmarks=true`) up to the bookmark
 *   annotated `k8s.io/initial-events-end: "true"`, on the same connection that then carries
 *   the changes. A server that refuses it (400/422) or ignores it (a bookmark without that
 *   annotation first) is asked with a paginated LIST from then on.
 * - Changes: a watch with bookmarks, resumed from the last resourceVersion seen whenever the
 *   server ends it (after `watchTimeoutSeconds`) or the connection breaks.
 * - `410 Gone` (an expired resourceVersion or continue token): a new initial state. (With the
 *   watch cache on, the server answers a resume from a compacted resourceVersion with the
 *   changes since then from its cache instead of 410; those are correct changes and are
 *   applied as such.)
 * - Any other error: reported to the handler, then retried after a backoff delay.
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts ignore
 * import { Watcher } from "@staircase/staircase/controller";
 * import { kubeConfigClient, resourceType } from "@staircase/staircase/client";
 *
 * const ConfigMaps = resourceType<{ metadata?: { name?: string } }>()({
 *   group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true,
 * });
 * const client = await kubeConfigClient();
 * const watcher = new Watcher(client, ConfigMaps, { namespace: "default" });
 * await watcher.run(AbortSignal.timeout(10_000), {
 *   initStart() {},
 *   initObject: (cm) => console.log("exists", cm.metadata?.name),
 *   initDone: (rv) => console.log("synced at", rv),
 *   apply: (cm) => console.log("changed", cm.metadata?.name),
 *   remove: (cm) => console.log("deleted", cm.metadata?.name),
 *   bookmark() {},
 *   error: (error) => console.error(error.message),
 * });
 * ```
 */
export class Watcher<T> {
  /** The kind watched. */
  readonly resource: ResourceType<T>;
  /** The options. */
  readonly options: WatcherOptions;
  readonly #client: RestClient;
  readonly #path: string;
  readonly #backoff: Backoff;
  #useList: boolean;

  /**
   * Creates a watcher (nothing is sent until {@linkcode Watcher.run}).
   *
   * @param client The transport.
   * @param resource The kind to watch.
   * @param options Scope, selectors and timing.
   * @throws {TypeError} If a namespace is given for a cluster-scoped kind.
   */
  constructor(client: RestClient, resource: ResourceType<T>, options: WatcherOptions = {}) {
    this.resource = resource;
    this.options = options;
    this.#client = abortableStreams(options.metadataOnly ? metadataClient(client) : client);
    this.#path = new ResourceClient(client, resource, options.namespace).path();
    this.#backoff = options.backoff instanceof Backoff
      ? options.backoff
      : new Backoff(options.backoff);
    this.#useList = options.initialState === "list";
  }

  /** Whether the initial state comes from a LIST (asked for, or after a watch-list refusal). */
  get usesList(): boolean {
    return this.#useList;
  }

  /**
   * Watches until `signal` aborts, reporting to `handler`. Resolves (never rejects) once
   * aborted.
   *
   * @param signal Stops the watcher.
   * @param handler Receives the state and its changes.
   */
  async run(signal: AbortSignal, handler: WatchHandler<T>): Promise<void> {
    let resourceVersion: string | undefined;
    let goneBefore = false;
    // The last watch-list ended before its initial-events-end bookmark.
    let cutShort = false;
    // Why the previous connection ended; reported when the next one opens.
    let restart: WatchRestartReason | undefined;
    while (!signal.aborted) {
      const counter = { events: 0, synced: false };
      if (restart !== undefined) {
        this.#restarted(restart);
        restart = undefined;
      }
      try {
        if (resourceVersion === undefined && (this.#useList || cutShort)) {
          handler.initStart();
          resourceVersion = await this.#list(signal, handler);
          handler.initDone(resourceVersion);
        }
        const initial = resourceVersion === undefined;
        if (initial) handler.initStart();
        const state: WatchState = { resourceVersion };
        try {
          await this.#watch(signal, handler, state, initial, counter);
        } finally {
          // Resume from the last resourceVersion seen, once the state it belongs to is whole.
          if (!initial || counter.synced) resourceVersion = state.resourceVersion;
          // The API server may end a watch-list before the state is whole (it drops a
          // watcher that falls behind while a burst of writes is dispatched): that initial
          // state then comes from a paginated LIST, and later ones try the watch-list again.
          cutShort = initial && !counter.synced;
        }
        goneBefore = false;
        restart = "closed";
        if (cutShort) {
          log.debug(`${this.resource.kind}: the watch-list ended before its initial-events end`);
          continue;
        }
        // The server ended the stream (its timeout): resume. A stream that ends at once with
        // nothing in it is waited for like a failure, so a misbehaving server is not hammered.
        if (counter.events === 0) await sleep(this.#backoff.next(), signal);
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof WatchListUnsupported) {
          log.info(`${this.resource.kind}: ${err.message}`);
          this.#useList = true;
          resourceVersion = undefined;
          continue;
        }
        restart = isGone(err) ? "expired" : err instanceof WatchIdleError ? "idle" : "error";
        if (isGone(err)) {
          // An expired resourceVersion or continue token: start over, at once the first time.
          resourceVersion = undefined;
          const again = goneBefore && counter.events === 0;
          goneBefore = true;
          if (!again) continue;
        } else {
          goneBefore = false;
        }
        const retryInMs = this.#backoff.next();
        const error = new WatchError(this.resource.kind, this.options.namespace, err, retryInMs);
        log.warn(error.message);
        handler.error(error);
        try {
          await sleep(retryInMs, signal);
        } catch {
          break;
        }
      }
    }
  }

  #restarted(reason: WatchRestartReason): void {
    try {
      this.options.onRestart?.(reason);
    } catch (err) {
      log.error(`${this.resource.kind}: onRestart threw: ${String(err)}`);
    }
  }

  /** One watch connection; with `initial`, a watch-list whose first part is the state. */
  async #watch(
    signal: AbortSignal,
    handler: WatchHandler<T>,
    state: WatchState,
    initial: boolean,
    counter: { events: number; synced: boolean },
  ): Promise<void> {
    const base = this.options.watchTimeoutSeconds ?? 300;
    const query = new URLSearchParams({
      allowWatchBookmarks: "true",
      timeoutSeconds: String(Math.floor(base + Math.random() * base)),
    });
    if (this.options.labelSelector) query.set("labelSelector", this.options.labelSelector);
    if (this.options.fieldSelector) query.set("fieldSelector", this.options.fieldSelector);
    if (initial) {
      query.set("sendInitialEvents", "true");
      query.set("resourceVersionMatch", "NotOlderThan");
    } else {
      query.set("resourceVersion", state.resourceVersion!);
    }
    let syncing = initial;
    const stream = watchEvents<T>(this.#client, this.#path, {
      querystring: query,
      abortSignal: signal,
      idleTimeoutMs: this.options.idleTimeoutMs ?? 300_000,
      state,
    });
    try {
      for await (const event of stream) {
        counter.events++;
        if (syncing) {
          if (event.type === "ADDED") {
            handler.initObject(event.object);
          } else if (event.type === "BOOKMARK") {
            const annotations = (event.object as Meta).metadata?.annotations;
            if (annotations?.[INITIAL_EVENTS_END_ANNOTATION] !== "true") {
              throw new WatchListUnsupported("a bookmark came before the initial-events end");
            }
            syncing = false;
            counter.synced = true;
            this.#backoff.reset();
            handler.initDone(event.object.metadata.resourceVersion);
          } else {
            throw new WatchListUnsupported(`a ${event.type} event came among initial events`);
          }
        } else if (event.type === "BOOKMARK") {
          handler.bookmark(event.object.metadata.resourceVersion);
        } else if (event.type === "DELETED") {
          handler.remove(event.object);
        } else {
          handler.apply(event.object);
        }
      }
    } catch (err) {
      // Refusals of sendInitialEvents come before any event: 422 (feature off, or invalid
      // options) or 400 from servers that reject unknown parameters.
      if (
        initial && counter.events === 0 && err instanceof KubernetesApiError &&
        (err.code === 422 || err.reason === "Invalid" || err.code === 400)
      ) {
        throw new WatchListUnsupported(`${err.code} ${err.reason}`);
      }
      throw err;
    }
  }

  /** A paginated LIST into the handler; returns the list's resourceVersion. */
  async #list(signal: AbortSignal, handler: WatchHandler<T>): Promise<string> {
    const lister = new ResourceClient<T>(this.#client, this.resource, this.options.namespace);
    let next: string | undefined;
    let resourceVersion = "";
    do {
      const page: ObjectList<T> = await lister.list({
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        limit: this.options.pageSize ?? 500,
        continue: next,
        abortSignal: signal,
      });
      for (const item of page.items ?? []) handler.initObject(item);
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      next = page.metadata?.continue || undefined;
    } while (next);
    this.#backoff.reset();
    return resourceVersion;
  }
}
