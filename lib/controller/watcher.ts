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
import type { RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ObjectList, WatchState } from "../client/resource_options.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { sleep } from "../client/sleep.ts";
import { watchEvents } from "../client/watch.ts";
import { WatchIdleError } from "../client/errors.ts";
import { Backoff } from "./backoff.ts";
import { WatchError, type WatchHandler } from "./watch_handler.ts";
import type { WatcherOptions, WatchRestartReason } from "./watcher_options.ts";
import { abortableStreams, metadataClient } from "./_watch_clients.ts";

const log = getLogger(["staircase", "controller", "watcher"]);

/** The annotation of the bookmark that ends a watch-list's initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

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
 * Refuses options that would fail every connection (a NaN `timeoutSeconds` the server rejects),
 * page without end or never notice a dead stream, with an error naming the option.
 */
function checkWatcherOptions(options: WatcherOptions): void {
  const { pageSize, idleTimeoutMs, watchTimeoutSeconds, initialState } = options;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1)) {
    throw new RangeError(`Watcher: pageSize must be a whole number >= 1, got ${pageSize}`);
  }
  if (
    idleTimeoutMs !== undefined &&
    !(typeof idleTimeoutMs === "number" && idleTimeoutMs >= 0 && idleTimeoutMs !== Infinity)
  ) {
    throw new RangeError(
      `Watcher: idleTimeoutMs must be a finite number of ms >= 0 (0 turns the watchdog off), got ${idleTimeoutMs}`,
    );
  }
  if (
    watchTimeoutSeconds !== undefined &&
    !(Number.isFinite(watchTimeoutSeconds) && watchTimeoutSeconds >= 1)
  ) {
    throw new RangeError(
      `Watcher: watchTimeoutSeconds must be a finite number >= 1, got ${watchTimeoutSeconds}`,
    );
  }
  if (initialState !== undefined && initialState !== "watch-list" && initialState !== "list") {
    throw new TypeError(
      `Watcher: initialState must be "watch-list" or "list", got ${JSON.stringify(initialState)}`,
    );
  }
  for (const name of ["labelSelector", "fieldSelector"] as const) {
    const selector = options[name];
    if (selector !== undefined && typeof selector !== "string") {
      throw new TypeError(`Watcher: ${name} must be a string, got ${typeof selector}`);
    }
  }
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
 * ```ts
 * import { Watcher } from "@staircase/staircase/controller";
 * import { kubeConfigClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Prints what happens to the ConfigMaps of `default` for ten seconds.
 * async function watchForTenSeconds(): Promise<void> {
 *   const watcher = new Watcher(await kubeConfigClient(), ConfigMaps, { namespace: "default" });
 *   await watcher.run(AbortSignal.timeout(10_000), {
 *     initStart() {},
 *     initObject: (cm) => console.log("exists", cm.metadata?.name),
 *     initDone: (rv) => console.log("synced at", rv),
 *     apply: (cm) => console.log("changed", cm.metadata?.name),
 *     remove: (cm) => console.log("deleted", cm.metadata?.name),
 *     bookmark() {},
 *     error: (error) => console.error(error.message),
 *   });
 * }
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
   * @throws {TypeError} If a namespace is given for a cluster-scoped kind, or `initialState` or
   * a selector is not what it should be.
   * @throws {RangeError} If `pageSize`, `idleTimeoutMs`, `watchTimeoutSeconds` or a `backoff`
   * field is out of range.
   */
  constructor(client: RestClient, resource: ResourceType<T>, options: WatcherOptions = {}) {
    checkWatcherOptions(options);
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
