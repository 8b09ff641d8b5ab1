/**
 * Reading children: get-or-absent by name, list all or exactly one by label. Reads go to the
 * controller's cache (`context.cache`), and to the API server only for kinds it does not
 * cache.
 *
 * @module
 */

import { isNotFound } from "../client/api_error.ts";
import type { RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { type CacheListOptions, NotCachedError, type ObjectCache } from "../controller/cache.ts";

/**
 * Where child reads go: a step's `RunContext` has all of it.
 *
 * - `cache`: the controller's cache. For a kind the controller caches, the cache is the
 *   answer (an object it does not hold is absent), so reads cost no request.
 * - `client`: used for a kind the cache does not hold (it throws `NotCachedError`), or when
 *   there is no cache: a live GET or LIST.
 *
 * @example
 * ```ts
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type ChildReadContext, getChild } from "@staircase/staircase/status";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Without a cache every read is live, through the client.
 * const client = restClientFromHandler((request) => {
 *   console.log(request.method, request.path); // GET /api/v1/namespaces/prod/configmaps/web-config
 *   return Promise.resolve({ metadata: { name: "web-config" }, data: { a: "1" } });
 * });
 * const context: ChildReadContext = { client, signal: AbortSignal.timeout(5_000) };
 * console.log((await getChild(context, ConfigMaps, "web-config", "prod"))?.data); // { a: "1" }
 * ```
 */
export interface ChildReadContext {
  /** The client for live reads. */
  readonly client: RestClient;
  /** The controller's cache. */
  readonly cache?: ObjectCache | undefined;
  /** Aborts live reads. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Thrown by {@linkcode getOnlyChild} when more than one object matches: a child that should
 * be unique is not, and the controller cannot tell which one to use.
 *
 * @example
 * ```ts
 * import { TooManyChildrenError } from "@staircase/staircase/status";
 *
 * const error = new TooManyChildrenError("ConfigMap", "app.kubernetes.io/instance=web", ["a", "b"]);
 * console.log(error.names); // ["a", "b"]
 * ```
 */
export class TooManyChildrenError extends Error {
  /** The names of the matching objects. */
  readonly names: readonly string[];

  /**
   * Creates the error.
   *
   * @param kind The kind listed.
   * @param selector The label selector, as text.
   * @param names The names of the matching objects.
   */
  constructor(kind: string, selector: string, names: readonly string[]) {
    super(
      `expected at most one ${kind} matching ${selector}, found ${names.length}: ${
        names.join(", ")
      }`,
    );
    this.name = "TooManyChildrenError";
    this.names = names;
  }
}

/**
 * Which children {@linkcode listChildren} returns: a label selector, and optionally only
 * those in a namespace or owned by a UID.
 *
 * @example
 * ```ts
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type ChildListOptions, listChildren } from "@staircase/staircase/status";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // No cache: a live LIST, filtered by the server (labels) and then by owner.
 * const client = restClientFromHandler((request) => {
 *   console.log(`${request.path}?${request.querystring}`);
 *   // /api/v1/namespaces/prod/configmaps?labelSelector=app%3Dweb&limit=500
 *   const owned = { name: "web-config", ownerReferences: [{ uid: "42", controller: true }] };
 *   return Promise.resolve({ items: [{ metadata: owned }, { metadata: { name: "other" } }] });
 * });
 * const options: ChildListOptions = {
 *   namespace: "prod",
 *   labelSelector: { app: "web" },
 *   ownerUid: "42",
 * };
 * const children = await listChildren({ client }, ConfigMaps, options);
 * console.log(children.map((child) => child.metadata?.name)); // [ "web-config" ]
 * ```
 */
export type ChildListOptions = CacheListOptions;

/** The selector as the API server's query parameter. */
function selectorText(selector: CacheListOptions["labelSelector"]): string | undefined {
  if (selector === undefined || typeof selector === "string") return selector;
  return Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(",");
}

function isNotCached(error: unknown): boolean {
  return error instanceof NotCachedError;
}

/**
 * One child by name, or `undefined` when it does not exist (the seed's get-or-absent): from
 * the cache when the controller caches the kind, else by a live GET where 404 means absent.
 *
 * @typeParam T The child's type (from its token).
 * @param context The cache and client (a step's `context`).
 * @param resource The child's resource token.
 * @param name The child's name.
 * @param namespace The child's namespace (namespaced kinds).
 * @returns The child, or `undefined`.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import type { ObjectCache } from "@staircase/staircase/controller";
 * import { getChild } from "@staircase/staircase/status";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const cache = { get: () => undefined, list: () => [] } as ObjectCache;
 * console.log(await getChild({ client: {} as RestClient, cache }, ConfigMaps, "web-config", "prod")); // undefined
 * ```
 */
export async function getChild<T>(
  context: ChildReadContext,
  resource: ResourceType<T>,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  if (context.cache !== undefined) {
    try {
      return context.cache.get(resource, name, namespace);
    } catch (error) {
      if (!isNotCached(error)) throw error;
    }
  }
  const client = new ResourceClient<T>(context.client, resource);
  const view = resource.namespaced && namespace !== undefined
    ? client.namespace(namespace)
    : client;
  try {
    return await view.get(name, { abortSignal: context.signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Every child matching `options` (the seed's list-all-by-label): from the cache when the
 * controller caches the kind, else by a live LIST (all pages).
 *
 * @typeParam T The child's type.
 * @param context The cache and client.
 * @param resource The child's resource token.
 * @param options Label selector, namespace and owner UID.
 * @returns The matching children, in no particular order.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import type { ObjectCache } from "@staircase/staircase/controller";
 * import { listChildren } from "@staircase/staircase/status";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const cache = {
 *   get: () => undefined,
 *   list: () => [{ metadata: { name: "web-config" } }],
 * } as unknown as ObjectCache;
 * const found = await listChildren({ client: {} as RestClient, cache }, ConfigMaps, {
 *   namespace: "prod",
 *   labelSelector: { "app.kubernetes.io/instance": "web" },
 * });
 * console.log(found.length); // 1
 * ```
 */
export async function listChildren<T>(
  context: ChildReadContext,
  resource: ResourceType<T>,
  options: ChildListOptions = {},
): Promise<T[]> {
  if (context.cache !== undefined) {
    try {
      return context.cache.list(resource, options);
    } catch (error) {
      if (!isNotCached(error)) throw error;
    }
  }
  const client = new ResourceClient<T>(context.client, resource);
  const view = resource.namespaced && options.namespace !== undefined
    ? client.namespace(options.namespace)
    : client;
  const found: T[] = [];
  for await (
    const item of view.listAll({
      labelSelector: selectorText(options.labelSelector),
      abortSignal: context.signal,
    })
  ) {
    if (options.ownerUid === undefined || ownedBy(item, options.ownerUid)) found.push(item);
  }
  return found;
}

function ownedBy(item: unknown, uid: string): boolean {
  const refs = (item as { metadata?: { ownerReferences?: { uid?: string }[] } })?.metadata
    ?.ownerReferences;
  return refs?.some((r) => r?.uid === uid) ?? false;
}

/**
 * The one child matching `options`, or `undefined` when none does (the seed's
 * list-one-by-label).
 *
 * @typeParam T The child's type.
 * @param context The cache and client.
 * @param resource The child's resource token.
 * @param options Label selector, namespace and owner UID.
 * @returns The child, or `undefined`.
 * @throws {TooManyChildrenError} If several children match.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import type { ObjectCache } from "@staircase/staircase/controller";
 * import { getOnlyChild, TooManyChildrenError } from "@staircase/staircase/status";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const cache = {
 *   get: () => undefined,
 *   list: () => [{ metadata: { name: "a" } }, { metadata: { name: "b" } }],
 * } as unknown as ObjectCache;
 * try {
 *   await getOnlyChild({ client: {} as RestClient, cache }, ConfigMaps, { labelSelector: "app=web" });
 * } catch (error) {
 *   console.log(error instanceof TooManyChildrenError); // true
 * }
 * ```
 */
export async function getOnlyChild<T>(
  context: ChildReadContext,
  resource: ResourceType<T>,
  options: ChildListOptions = {},
): Promise<T | undefined> {
  const found = await listChildren(context, resource, options);
  if (found.length > 1) {
    const names = found.map((item) =>
      String((item as { metadata?: { name?: string } })?.metadata?.name)
    ).sort();
    throw new TooManyChildrenError(
      resource.kind,
      selectorText(options.labelSelector) ?? "(no selector)",
      names,
    );
  }
  return found[0];
}
