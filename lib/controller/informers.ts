/**
 * The process's informers: one per (kind, scope, selectors, metadata-only), however many
 * controllers read it, started and stopped together, and read by token as an
 * {@linkcode ObjectCache}.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { type CacheListOptions, NotCachedError, type ObjectCache, objectKey } from "./cache.ts";
import { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import type { BackoffOptions } from "./backoff.ts";
import { ResourceInformer } from "./informer.ts";
import type { InformerOptions, PartialObjectMetadata } from "./informer_options.ts";

/**
 * What {@linkcode SharedInformers.get} shares an informer by (`kind`, `namespace`, the
 * selectors, `metadataOnly`) plus how its objects are stored (`transform`,
 * `keepManagedFields`: the first caller's choice; a later caller asking differently for the
 * same informer gets an {@linkcode InformerConflictError}). Timing options (idle timeout,
 * backoff, ...) come from the registry's defaults.
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import { SharedInformers } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const informers = new SharedInformers(
 *   restClientFromHandler(() => Promise.reject(new Error("offline"))),
 * );
 * const web = informers.get(ConfigMaps, { namespace: "default", labelSelector: "app=web" });
 * // The same kind, scope and selector: the same informer (one watch for every caller).
 * console.log(
 *   informers.get(ConfigMaps, { namespace: "default", labelSelector: "app=web" }) === web,
 * ); // true
 * console.log(informers.get(ConfigMaps, { namespace: "default" }) === web); // false
 * ```
 */
export interface SharedInformerOptions<T> {
  /**
   * Watch one namespace only.
   *
   * @default {all namespaces (or cluster scope)}
   */
  readonly namespace?: string;
  /** Only objects matching this label selector (server-side). */
  readonly labelSelector?: string;
  /** Only objects matching this field selector (server-side). */
  readonly fieldSelector?: string;
  /**
   * Cache `PartialObjectMetadata` (metadata only, no body).
   *
   * @default {false}
   */
  readonly metadataOnly?: boolean;
  /** See {@linkcode InformerOptions.transform}. */
  readonly transform?: (object: T) => T;
  /**
   * Keep `metadata.managedFields`.
   *
   * @default {false}
   */
  readonly keepManagedFields?: boolean;
}

/**
 * Two callers asked for the same informer (kind, scope, selectors) with different `transform`
 * or `keepManagedFields`: one cache cannot serve both.
 *
 * @example
 * ```ts
 * import { InformerConflictError } from "@staircase/staircase/controller";
 *
 * console.log(new InformerConflictError("ConfigMap", "transform").message);
 * ```
 */
export class InformerConflictError extends Error {
  /**
   * Creates the error.
   *
   * @param kind The kind.
   * @param option The option that differs.
   */
  constructor(kind: string, option: string) {
    super(
      `an informer for ${kind} with the same scope and selectors already exists with a ` +
        `different ${option}: pass the same ${option}, or watch with other selectors`,
    );
    this.name = "InformerConflictError";
  }
}

/**
 * Options every informer of a {@linkcode SharedInformers} gets (see {@linkcode InformerOptions}
 * for each field and its default). `backoff` takes options, not a `Backoff`: each informer
 * keeps its own delays.
 *
 * @example
 * ```ts
 * import { SharedInformers, type SharedInformersDefaults } from "@staircase/staircase/controller";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { RuntimeMetrics } from "@staircase/staircase/telemetry";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const defaults: SharedInformersDefaults = {
 *   backoff: { initialMs: 500 }, // reconnect after 0.5 s, then longer
 *   metrics: new RuntimeMetrics({ controller: "greeting" }), // watch restarts and cache sizes
 *   onError: (error) => console.error(error.message),
 * };
 * const informers = new SharedInformers(
 *   restClientFromHandler(() => Promise.resolve({})),
 *   defaults,
 * );
 * console.log(informers.get(ConfigMaps).options.metrics === defaults.metrics); // true
 * ```
 */
export interface SharedInformersDefaults extends
  Pick<
    InformerOptions<unknown>,
    "idleTimeoutMs" | "watchTimeoutSeconds" | "initialState" | "pageSize" | "onError" | "metrics"
  > {
  /**
   * Reconnect delays of each informer.
   *
   * @default {kube-rs's: 800 ms doubling to 30 s, jitter 0.5, reset after 2 minutes}
   */
  readonly backoff?: BackoffOptions;
}

type AnyInformer = ResourceInformer<unknown>;

interface Entry {
  readonly informer: AnyInformer;
  readonly options: SharedInformerOptions<unknown>;
}

function kindKey(resource: ResourceType<unknown>): string {
  return `${resource.group}/${resource.version}/${resource.plural}`;
}

/**
 * The informers of one process (one client). {@linkcode SharedInformers.get} returns the same
 * informer for the same (kind, namespace, label selector, field selector, metadata-only), so
 * each is watched once however many controllers read it; {@linkcode SharedInformers.run} runs
 * them all (including those asked for later) until its signal aborts, and
 * {@linkcode SharedInformers.cache} reads them by resource token.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import { SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Reads a ConfigMap from the cache once it has synced, then stops the watches.
 * async function settings(client: RestClient): Promise<Record<string, string> | undefined> {
 *   const informers = new SharedInformers(client);
 *   informers.get(ConfigMaps, { namespace: "default" });
 *   const stop = new AbortController();
 *   const running = informers.run(stop.signal);
 *   await informers.waitForSync();
 *   const data = informers.cache().get(ConfigMaps, "settings", "default")?.data;
 *   stop.abort();
 *   await running;
 *   return data;
 * }
 * ```
 */
export class SharedInformers {
  readonly #client: RestClient;
  readonly #defaults: SharedInformersDefaults;
  readonly #entries = new Map<string, Entry>();
  #signal: AbortSignal | undefined;
  #runs: Promise<void>[] = [];

  /**
   * Creates an empty registry.
   *
   * @param client The transport every informer uses.
   * @param defaults Timing options of every informer (idle timeout, backoff, initial-state
   *   mode, page size), their error callback and their `metrics` (default: one
   *   `RuntimeMetrics` on the global meter provider, a no-op without an OpenTelemetry SDK).
   */
  constructor(
    client: RestClient,
    defaults: SharedInformersDefaults = {},
  ) {
    this.#client = client;
    // One RuntimeMetrics for every informer (instruments are made once).
    this.#defaults = { ...defaults, metrics: defaults.metrics ?? new RuntimeMetrics() };
  }

  /** Every informer made so far. */
  get informers(): readonly ResourceInformer<unknown>[] {
    return [...this.#entries.values()].map((entry) => entry.informer);
  }

  /**
   * The informer of a metadata-only cache of `resource` (made and, when the registry is
   * running, started on first use).
   */
  get<T>(
    resource: ResourceType<T>,
    options: SharedInformerOptions<PartialObjectMetadata> & { readonly metadataOnly: true },
  ): ResourceInformer<PartialObjectMetadata>;
  /**
   * The informer of `resource` in the given scope with the given selectors (made and, when the
   * registry is running, started on first use).
   *
   * @throws {InformerConflictError} If it exists with another `transform` or
   *   `keepManagedFields`.
   * @throws {TypeError} If a namespace is given for a cluster-scoped kind.
   */
  get<T>(
    resource: ResourceType<T>,
    options?: SharedInformerOptions<T> & { readonly metadataOnly?: false },
  ): ResourceInformer<T>;
  get<T>(
    resource: ResourceType<T>,
    options: SharedInformerOptions<T> = {},
  ): ResourceInformer<T> | ResourceInformer<PartialObjectMetadata> {
    if (options.namespace !== undefined && !resource.namespaced) {
      throw new TypeError(`${resource.kind} is cluster-scoped: it has no namespaces`);
    }
    const key = JSON.stringify([
      kindKey(resource),
      options.namespace ?? null,
      options.labelSelector ?? "",
      options.fieldSelector ?? "",
      options.metadataOnly === true,
    ]);
    const existing = this.#entries.get(key);
    if (existing) {
      if (existing.options.transform !== options.transform) {
        throw new InformerConflictError(resource.kind, "transform");
      }
      if ((existing.options.keepManagedFields ?? false) !== (options.keepManagedFields ?? false)) {
        throw new InformerConflictError(resource.kind, "keepManagedFields");
      }
      return existing.informer as ResourceInformer<T>;
    }
    const informer = new ResourceInformer<T>(this.#client, resource, {
      ...(this.#defaults as InformerOptions<T>),
      ...options,
    });
    this.#entries.set(key, {
      informer: informer as AnyInformer,
      options: options as SharedInformerOptions<unknown>,
    });
    if (this.#signal && !this.#signal.aborted) this.#start(informer as AnyInformer);
    return informer;
  }

  /**
   * Runs every informer, and every one made later, until `signal` aborts; resolves once all
   * have stopped. Informers never stop because of errors (see `Watcher`).
   *
   * @param signal Stops them.
   * @throws {Error} If the registry is already running.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#signal && !this.#signal.aborted) {
      throw new Error("SharedInformers.run(): already running");
    }
    this.#signal = signal;
    this.#runs = [];
    for (const { informer } of this.#entries.values()) this.#start(informer);
    if (!signal.aborted) {
      await new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => resolve(), { once: true })
      );
    }
    // Informers made while stopping are in #runs too.
    for (let i = 0; i < this.#runs.length; i++) await this.#runs[i];
  }

  /**
   * Resolves once every informer made so far is synced; rejects with the signal's reason when
   * `signal` aborts first.
   */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.waitForSync(signal)));
  }

  /**
   * Reads the full-object informers by resource token (what a step gets as `context.cache`).
   * `get` and `list` use the informers of that kind whose namespace covers the one asked for;
   * a kind with none (or only metadata-only ones), or a namespace that none covers, is a
   * `NotCachedError`. Listing every namespace returns what the informers of that kind hold.
   */
  cache(): ObjectCache {
    const entries = this.#entries;
    const covering = <T>(resource: ResourceType<T>, namespace?: string): ResourceInformer<T>[] => {
      const kind = kindKey(resource);
      const found: ResourceInformer<T>[] = [];
      let any = false;
      for (const { informer, options } of entries.values()) {
        if (kindKey(informer.resource) !== kind || options.metadataOnly) continue;
        any = true;
        if (options.namespace === undefined || options.namespace === namespace) {
          found.push(informer as ResourceInformer<T>);
        }
      }
      if (!any) throw new NotCachedError(resource.apiVersion, resource.kind);
      if (found.length === 0 && namespace !== undefined) {
        // Only other namespaces are watched: an empty answer would read as "none exist".
        throw new NotCachedError(resource.apiVersion, resource.kind, namespace);
      }
      return found;
    };
    return {
      get<T>(resource: ResourceType<T>, name: string, namespace?: string): T | undefined {
        for (const informer of covering(resource, namespace)) {
          const object = informer.get(name, namespace);
          if (object !== undefined) return object;
        }
        return undefined;
      },
      list<T>(resource: ResourceType<T>, options: CacheListOptions = {}): T[] {
        const informers = covering(resource, options.namespace);
        if (options.namespace === undefined) {
          // Listing every namespace needs a cluster-wide informer; namespaced ones add to it.
          for (const { informer, options: o } of entries.values()) {
            if (
              kindKey(informer.resource) === kindKey(resource) && !o.metadataOnly &&
              o.namespace !== undefined
            ) informers.push(informer as ResourceInformer<T>);
          }
        }
        if (informers.length === 1) return informers[0].list(options);
        const seen = new Map<string, T>();
        for (const informer of informers) {
          for (const object of informer.list(options)) {
            seen.set(objectKey(object as Parameters<typeof objectKey>[0]), object);
          }
        }
        return [...seen.values()];
      },
    };
  }

  #start(informer: AnyInformer): void {
    // run() only rejects when the informer is already running (started by hand): that run
    // keeps it up to date, so this one has nothing to do.
    this.#runs.push(informer.run(this.#signal!).catch(() => {}));
  }
}
