/**
 * The generic client for one resource type; generated API classes are thin typed wrappers
 * around it.
 *
 * @module
 */

import type { JSONValue, RequestOptions, RestClient, WatchEvent } from "./contract.ts";
import type { PatchBody } from "./patch_body.ts";
import {
  type DeleteOptions,
  type GetOptions,
  type ListOptions,
  type ObjectList,
  patchContentType,
  type PatchOptions,
  type PatchType,
  type RawPatchOptions,
  type ResourceDescriptor,
  type WatchOptions,
  type WriteOptions,
} from "./resource_options.ts";
import type { ResourceType } from "./resource_type.ts";
import type { Scale } from "./scale.ts";
import type { Status } from "./status.ts";
import { type WatchEnd, watchEvents } from "./watch.ts";
import { checkSegment, deleteBody, listQuery, writeQuery } from "./_resource_query.ts";

const enc = encodeURIComponent;

/**
 * How {@linkcode ResourceClient.listAll} and {@linkcode ResourceClient.listPages} end: the
 * list's resourceVersion, from which a watch continues (a reflector's list-then-watch).
 *
 * @example
 * ```ts
 * import type { ListEnd, ResourceClient } from "@staircase/staircase/client";
 * import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
 *
 * // Count every ConfigMap and return where a watch of the same collection continues.
 * async function countThenResume(configMaps: ResourceClient<ConfigMap>): Promise<ListEnd> {
 *   const all = configMaps.listAll();
 *   let count = 0;
 *   for (let step = await all.next(); ; step = await all.next()) {
 *     if (step.done) {
 *       console.log(`${count} ConfigMaps at resourceVersion ${step.value.resourceVersion}`);
 *       return step.value;
 *     }
 *     count++;
 *   }
 * }
 * ```
 */
export interface ListEnd {
  /** The resourceVersion of the list (of its first page: every page shares one snapshot). */
  resourceVersion?: string;
}

/**
 * Get, list, watch, create, replace, patch and delete objects of one resource type, plus
 * their `status` and `scale` subresources. Every path segment is URL-encoded. Objects are
 * passed through as the server sends them, unknown fields included, so a GET followed by a
 * PUT keeps every field.
 *
 * @example
 * ```ts
 * import { ResourceClient, type RestClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * async function example(client: RestClient): Promise<void> {
 *   const configMaps = new ResourceClient(client, ConfigMaps).namespace("default");
 *   await configMaps.create({ metadata: { name: "demo" }, data: { a: "1" } });
 *   await configMaps.patch("demo", { data: { b: "2" } }, { type: "merge" });
 *   for await (const cm of configMaps.listAll({ limit: 100 })) console.log(cm.metadata?.name);
 * }
 * ```
 */
export class ResourceClient<T, TList extends ObjectList<T> = ObjectList<T>> {
  /** The transport. */
  readonly client: RestClient;
  /** The resource type. */
  readonly resource: ResourceDescriptor;
  /** The namespace of this view; `undefined` means all namespaces (or cluster-scoped). */
  readonly namespaceName?: string;

  /**
   * Creates a client for `resource` (a resource token, whose object type it takes on),
   * optionally scoped to `namespace`.
   */
  constructor(
    client: RestClient,
    resource: ResourceType<T, boolean, TList> | ResourceDescriptor,
    namespace?: string,
  ) {
    if (namespace !== undefined && !resource.namespaced) {
      throw new TypeError(`${resource.kind} is cluster-scoped: it has no namespaces`);
    }
    this.client = client;
    this.resource = resource;
    this.namespaceName = namespace;
  }

  /** A view of the same resource in one namespace (throws for cluster-scoped resources). */
  namespace(ns: string): ResourceClient<T, TList> {
    checkSegment(ns, "a namespace");
    return new ResourceClient<T, TList>(this.client, this.resource, ns);
  }

  /** The path of the collection, of one object, or of one object's subresource. */
  path(name?: string, subresource?: "status" | "scale", namespace?: string): string {
    const r = this.resource;
    let p = r.group === "" ? `/api/${enc(r.version)}` : `/apis/${enc(r.group)}/${enc(r.version)}`;
    const ns = namespace ?? this.namespaceName;
    if (r.namespaced && ns !== undefined) {
      p += `/namespaces/${enc(checkSegment(ns, "a namespace"))}`;
    } else if (r.namespaced && name !== undefined) {
      throw new TypeError(
        `${r.kind} is namespaced: choose a namespace with .namespace(ns) before addressing "${name}"`,
      );
    }
    p += `/${enc(r.plural)}`;
    if (name !== undefined) p += `/${enc(checkSegment(name, "an object name"))}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  /** The namespace of a body being created, when this view has none. */
  #bodyNamespace(body: unknown): string | undefined {
    if (!this.resource.namespaced || this.namespaceName !== undefined) return undefined;
    const ns = (body as { metadata?: { namespace?: unknown } } | null)?.metadata?.namespace;
    return typeof ns === "string" && ns !== "" ? ns : undefined;
  }

  /**
   * The path of one object: a missing name is refused here, before anything is sent, because
   * without it the path would address the whole collection.
   */
  #objectPath(name: string, sub?: "status" | "scale", namespace?: string): string {
    checkSegment(name, "an object name");
    return this.path(name, sub, namespace);
  }

  async #json<R>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    query: URLSearchParams,
    extra: {
      body?: JSONValue;
      contentType?: string;
      abortSignal?: AbortSignal;
      idempotent?: boolean;
    } = {},
  ): Promise<R> {
    const options: RequestOptions & { expectJson: true } = {
      method,
      path,
      querystring: query,
      bodyJson: extra.body,
      contentType: extra.contentType,
      abortSignal: extra.abortSignal,
      expectJson: true,
    };
    if (extra.idempotent !== undefined) options.idempotent = extra.idempotent;
    return await this.client.performRequest(options) as R;
  }

  /** Reads one object. */
  async get(name: string, opts: GetOptions = {}): Promise<T> {
    return await this.#get<T>(name, undefined, opts);
  }

  async #get<R>(name: string, sub: "status" | "scale" | undefined, opts: GetOptions): Promise<R> {
    const q = new URLSearchParams();
    if (opts.resourceVersion !== undefined) q.set("resourceVersion", opts.resourceVersion);
    return await this.#json<R>("GET", this.#objectPath(name, sub), q, {
      abortSignal: opts.abortSignal,
    });
  }

  /** Lists one page of objects. */
  async list(opts: ListOptions = {}): Promise<TList> {
    return await this.#json<TList>("GET", this.path(), listQuery(opts), {
      abortSignal: opts.abortSignal,
    });
  }

  /**
   * Lists every page, following `continue` tokens across pages of `limit` (default 500), and
   * returns the list's resourceVersion. An expired token throws a `KubernetesApiError` for
   * which `isGone` is true.
   *
   * @example List, then watch from where the list left off
   * ```ts
   * import type { ResourceClient, WatchEnd, WatchEvent } from "@staircase/staircase/client";
   * import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
   *
   * async function listThenWatch(
   *   configMaps: ResourceClient<ConfigMap>,
   * ): Promise<AsyncGenerator<WatchEvent<ConfigMap>, WatchEnd, undefined>> {
   *   const pages = configMaps.listPages({ limit: 100 });
   *   let step = await pages.next();
   *   for (; !step.done; step = await pages.next()) {
   *     for (const cm of step.value.items) console.log(cm.metadata?.name);
   *   }
   *   return configMaps.watch({ resourceVersion: step.value.resourceVersion });
   * }
   * ```
   */
  async *listPages(opts: ListOptions = {}): AsyncGenerator<TList, ListEnd, undefined> {
    let next: string | undefined = opts.continue;
    let resourceVersion: string | undefined;
    do {
      const page: TList = await this.list({ ...opts, limit: opts.limit ?? 500, continue: next });
      resourceVersion ??= page.metadata?.resourceVersion || undefined;
      yield page;
      next = page.metadata?.continue || undefined;
    } while (next);
    return { resourceVersion };
  }

  /**
   * Lists every object, page by page (see {@linkcode listPages}); returns the list's
   * resourceVersion, which `for await` ignores and a reflector reads from the last
   * `next()`.
   */
  async *listAll(opts: ListOptions = {}): AsyncGenerator<T, ListEnd, undefined> {
    const pages = this.listPages(opts);
    while (true) {
      const step = await pages.next();
      if (step.done) return step.value;
      yield* step.value.items ?? [];
    }
  }

  /**
   * Watches the collection. `ERROR` events become thrown `KubernetesApiError`s (410 gives
   * `isGone`); the generator returns (with the last resourceVersion) when the server ends the
   * stream, e.g. after `timeoutSeconds`. Resuming is the caller's job: pass
   * `opts.state.resourceVersion` to the next watch.
   */
  watch(opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, WatchEnd, undefined> {
    const q = listQuery(opts);
    if (opts.allowWatchBookmarks) q.set("allowWatchBookmarks", "true");
    if (opts.sendInitialEvents !== undefined) {
      q.set("sendInitialEvents", String(opts.sendInitialEvents));
    }
    return watchEvents<T>(this.client, this.path(), {
      querystring: q,
      abortSignal: opts.abortSignal,
      idleTimeoutMs: opts.idleTimeoutMs,
      maxEventLength: opts.maxEventLength,
      state: opts.state,
    });
  }

  /** Creates an object (in this view's namespace, or the body's `metadata.namespace`). */
  async create(body: T, opts: WriteOptions = {}): Promise<T> {
    const path = this.path(undefined, undefined, this.#bodyNamespace(body));
    return await this.#json<T>("POST", path, writeQuery(opts), {
      body: body as JSONValue,
      abortSignal: opts.abortSignal,
    });
  }

  /** Replaces an object (a PUT; fails with a conflict if its resourceVersion is stale). */
  async replace(name: string, body: T, opts: WriteOptions = {}): Promise<T> {
    return await this.#put<T>(name, undefined, body, opts);
  }

  async #put<R>(
    name: string,
    sub: "status" | "scale" | undefined,
    body: R,
    opts: WriteOptions,
  ): Promise<R> {
    const path = this.#objectPath(name, sub, this.#bodyNamespace(body));
    // A PUT that carries a resourceVersion cannot apply twice (the second gets a conflict),
    // so a failure on the wire or a 503/504 may be retried.
    const rv = (body as { metadata?: { resourceVersion?: unknown } } | null)?.metadata
      ?.resourceVersion;
    return await this.#json<R>("PUT", path, writeQuery(opts), {
      body: body as JSONValue,
      abortSignal: opts.abortSignal,
      idempotent: typeof rv === "string" && rv !== "" ? true : undefined,
    });
  }

  /**
   * Patches an object. The body's type follows `opts.type` (see `PatchBody`): a partial
   * object for `"merge"` (where `null` deletes a field) and `"apply"`, a partial object with
   * strategic merge directives for `"strategic"`, a list of operations for `"json"`.
   *
   * @example
   * ```ts
   * import { ResourceClient, type RestClient } from "@staircase/staircase/client";
   * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
   *
   * async function example(client: RestClient): Promise<void> {
   *   const configMaps = new ResourceClient(client, ConfigMaps).namespace("default");
   *   await configMaps.patch("demo", { data: { old: null, b: "2" } }, { type: "merge" });
   *   await configMaps.patch("demo", [{ op: "remove", path: "/data/b" }], { type: "json" });
   *   await configMaps.patch("demo", { apiVersion: "v1", kind: "ConfigMap", data: { c: "3" } }, {
   *     type: "apply",
   *     fieldManager: "my-operator",
   *   });
   * }
   * ```
   */
  async patch<K extends PatchType>(
    name: string,
    patch: PatchBody<T, K>,
    opts: PatchOptions<K>,
  ): Promise<T> {
    return await this.#patch<T>(name, undefined, patch, opts);
  }

  /**
   * Patches an object (or, with `opts.subresource`, its status) with a body that is only
   * known to be JSON: the escape hatch for dynamic code, e.g. patches built from
   * configuration or directive keys outside `StrategicMergeDirectives`. Prefer `patch`,
   * which checks the body against `T`.
   *
   * @example
   * ```ts
   * import { ResourceClient, type JSONValue, type RestClient } from "@staircase/staircase/client";
   * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
   *
   * async function applyPatchFile(client: RestClient, file: string): Promise<void> {
   *   const configMaps = new ResourceClient(client, ConfigMaps, "default");
   *   const body: JSONValue = JSON.parse(await Deno.readTextFile(file));
   *   await configMaps.patchRaw("demo", body, { type: "merge" });
   * }
   * ```
   */
  async patchRaw(name: string, body: JSONValue, opts: RawPatchOptions): Promise<T> {
    const { subresource, ...patchOpts } = opts;
    return await this.#patch<T>(name, subresource, body, patchOpts);
  }

  async #patch<R>(
    name: string,
    sub: "status" | "scale" | undefined,
    patch: unknown,
    opts: PatchOptions,
  ): Promise<R> {
    const contentType = patchContentType(opts?.type);
    if (opts.type === "apply" && !opts.fieldManager) {
      throw new TypeError("an apply patch needs opts.fieldManager");
    }
    if (opts.force && opts.type !== "apply") {
      throw new TypeError(`force only applies to apply patches, not "${opts.type}"`);
    }
    if (opts.type === "json" && !Array.isArray(patch)) {
      throw new TypeError("a JSON Patch must be an array of operations");
    }
    const q = writeQuery(opts);
    if (opts.force) q.set("force", "true");
    return await this.#json<R>("PATCH", this.#objectPath(name, sub), q, {
      body: patch as JSONValue,
      contentType,
      abortSignal: opts.abortSignal,
    });
  }

  /** Deletes an object; resolves to its last state (or a `Status`, depending on the server). */
  async delete(name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    const q = new URLSearchParams();
    if (opts.dryRun) q.set("dryRun", "All");
    return await this.#json<T | Status>("DELETE", this.#objectPath(name), q, {
      body: deleteBody(opts),
      abortSignal: opts.abortSignal,
    });
  }

  /** Deletes every object matching the selectors (in this view's namespace). */
  async deleteCollection(opts: ListOptions & DeleteOptions = {}): Promise<TList | Status> {
    const q = listQuery(opts);
    if (opts.dryRun) q.set("dryRun", "All");
    return await this.#json<TList | Status>("DELETE", this.path(), q, {
      body: deleteBody(opts),
      abortSignal: opts.abortSignal,
    });
  }

  /** Reads an object through its `status` subresource. */
  async getStatus(name: string, opts: GetOptions = {}): Promise<T> {
    return await this.#get<T>(name, "status", opts);
  }

  /** Replaces an object's status (a PUT to `status`). */
  async replaceStatus(name: string, body: T, opts: WriteOptions = {}): Promise<T> {
    return await this.#put<T>(name, "status", body, opts);
  }

  /** Patches an object's status; the body is typed by `opts.type` as for `patch`. */
  async patchStatus<K extends PatchType>(
    name: string,
    patch: PatchBody<T, K>,
    opts: PatchOptions<K>,
  ): Promise<T> {
    return await this.#patch<T>(name, "status", patch, opts);
  }

  /** Reads an object's `scale` subresource. */
  async getScale(name: string, opts: GetOptions = {}): Promise<Scale> {
    return await this.#get<Scale>(name, "scale", opts);
  }

  /** Replaces an object's scale. */
  async replaceScale(name: string, body: Scale, opts: WriteOptions = {}): Promise<Scale> {
    return await this.#put<Scale>(name, "scale", body, opts);
  }

  /** Patches an object's scale; the body is typed by `opts.type` as for `patch`. */
  async patchScale<K extends PatchType>(
    name: string,
    patch: PatchBody<Scale, K>,
    opts: PatchOptions<K>,
  ): Promise<Scale> {
    return await this.#patch<Scale>(name, "scale", patch, opts);
  }
}
