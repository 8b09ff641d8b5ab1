/**
 * The request contract every part of staircase talks to the API server through.
 *
 * It is deliberately small and structurally compatible with the `RestClient` of
 * `@cloudydeno/kubernetes-client`: a client object from that package satisfies
 * {@linkcode RestClient} as it is, and staircase's own {@linkcode RestClient}
 * implementations can be handed to code written against that package.
 *
 * @module
 */

/**
 * HTTP methods the Kubernetes API uses.
 *
 * @example
 * ```ts
 * import type { HttpMethod } from "@staircase/staircase/client";
 *
 * const method: HttpMethod = "PATCH";
 * console.log(method); // PATCH
 * ```
 */
export type HttpMethod =
  | "GET"
  | "POST"
  | "PUT"
  | "PATCH"
  | "DELETE"
  | "HEAD"
  | "OPTIONS";

/**
 * A JSON primitive. `undefined` is allowed so optional fields type-check.
 *
 * @example
 * ```ts
 * import type { JSONPrimitive } from "@staircase/staircase/client";
 *
 * const values: JSONPrimitive[] = ["a", 1, true, null];
 * console.log(values.length); // 4
 * ```
 */
export type JSONPrimitive = string | number | boolean | null | undefined;
/**
 * Any JSON value.
 *
 * @example
 * ```ts
 * import type { JSONValue } from "@staircase/staircase/client";
 *
 * const value: JSONValue = { items: [1, "two", { three: null }] };
 * console.log(JSON.stringify(value)); // {"items":[1,"two",{"three":null}]}
 * ```
 */
export type JSONValue = JSONPrimitive | JSONObject | JSONArray;
/**
 * A JSON object.
 *
 * @example
 * ```ts
 * import type { JSONObject } from "@staircase/staircase/client";
 *
 * const labels: JSONObject = { app: "web", tier: "frontend" };
 * console.log(Object.keys(labels)); // [ "app", "tier" ]
 * ```
 */
export type JSONObject = { [key: string]: JSONValue };
/**
 * A JSON array.
 *
 * @example
 * ```ts
 * import type { JSONArray } from "@staircase/staircase/client";
 *
 * const patch: JSONArray = [{ op: "remove", path: "/metadata/labels/tier" }];
 * console.log(patch.length); // 1
 * ```
 */
export type JSONArray = JSONValue[];

/**
 * One request to the API server.
 *
 * Exactly one of `bodyJson`, `bodyRaw` and `bodyStream` may be set. The response
 * mode is chosen by `expectJson` and `expectStream`:
 *
 * | expectJson | expectStream | result |
 * |---|---|---|
 * | true | – | the parsed JSON body |
 * | – | true | the body as a byte stream |
 * | true | true | a stream of parsed JSON lines (watch) |
 * | – | – | the body as bytes |
 *
 * @example A watch request
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * async function printWatch(client: RestClient): Promise<void> {
 *   const lines = await client.performRequest({
 *     method: "GET",
 *     path: "/api/v1/namespaces/default/configmaps",
 *     querystring: new URLSearchParams({ watch: "true", allowWatchBookmarks: "true" }),
 *     expectJson: true,
 *     expectStream: true,
 *   });
 *   for await (const event of lines) console.log(event);
 * }
 * ```
 */
export interface RequestOptions {
  /** The HTTP method. */
  method: HttpMethod;
  /** The absolute path, e.g. `/api/v1/namespaces/default/configmaps`. Segments must already be encoded. */
  path: string;
  /** Query parameters. */
  querystring?: URLSearchParams;
  /** Aborts the request (and a stream being read). */
  abortSignal?: AbortSignal;
  /**
   * The request's `Content-Type`.
   *
   * @default {"application/json" when `bodyJson` is set}
   */
  contentType?: string;
  /** A raw request body. */
  bodyRaw?: Uint8Array;
  /** A JSON request body. */
  bodyJson?: JSONValue;
  /** A streamed request body. */
  bodyStream?: ReadableStream<Uint8Array>;
  /**
   * The `Accept` header.
   *
   * @default {"application/json"}
   */
  accept?: string;
  /**
   * Extra request headers, e.g. the W3C `traceparent` that `tracingClient` adds. Headers the
   * client manages itself cannot be set here: `authorization`, `content-type` (use
   * `contentType`), `accept` (use `accept`), `user-agent`, `host`, `content-length` and the
   * hop-by-hop headers (`connection`, `transfer-encoding`, ...). `HttpRestClient` refuses such
   * a name, a name given twice in different case, and a value holding a CR, LF or NUL with a
   * `TypeError` naming the header (never its value) before anything is sent.
   *
   * Not part of `@cloudydeno/kubernetes-client`'s contract: a client from that package
   * type-checks as a `RestClient` but ignores this field.
   */
  headers?: Record<string, string>;
  /**
   * Subprotocols for a bidirectional tunnel (exec, attach, port-forward). Kept so that code
   * written against `@cloudydeno/kubernetes-client` type-checks; staircase's
   * `HttpRestClient` does not open tunnels and rejects such a request with a `TypeError`.
   */
  expectTunnel?: string[];
  /** Return a stream instead of a fully read body. */
  expectStream?: boolean;
  /** Parse the body (or each line of a stream) as JSON. */
  expectJson?: boolean;
  /**
   * The request is safe to send again after a failure on the wire or a 503/504: set it for a
   * mutating request that cannot apply twice (a PUT carrying `metadata.resourceVersion`, which
   * a conflict protects). `false` forbids retries even for a GET.
   *
   * @default {true for GET, HEAD and OPTIONS; false otherwise}
   */
  idempotent?: boolean;
  /**
   * Called once with the HTTP status of the response the request ended with (after any retries
   * and a credential renewal), just before `performRequest` settles, whether that status is a
   * success or not; not called when no response arrived (a failure on the wire, a timeout).
   * `tracingClient` uses it to put `http.response.status_code` on every span that got an answer.
   * `HttpRestClient` logs and ignores an exception it throws: the request's outcome stands.
   * Clients that see no HTTP status (`restClientFromHandler`) never call it.
   *
   * Not part of `@cloudydeno/kubernetes-client`'s contract: a client from that package
   * type-checks as a `RestClient` but ignores this field.
   */
  onResponseStatus?: (status: number) => void;
}

/**
 * What {@linkcode RestClient.performRequest} resolves to, in any of its four modes.
 *
 * @example
 * ```ts
 * import type { ResponseBody } from "@staircase/staircase/client";
 *
 * function size(body: ResponseBody): number | undefined {
 *   return body instanceof Uint8Array ? body.byteLength : undefined;
 * }
 * console.log(size(new Uint8Array(3))); // 3
 * ```
 */
export type ResponseBody =
  | JSONValue
  | Uint8Array
  | ReadableStream<Uint8Array>
  | ReadableStream<JSONValue>;

/**
 * Something that performs requests against one API server with its credentials.
 *
 * @example Reading a ConfigMap through any RestClient
 * ```ts
 * import { type RestClient, restClientFromHandler } from "@staircase/staircase/client";
 *
 * async function readConfigMap(client: RestClient, name: string): Promise<unknown> {
 *   return await client.performRequest({
 *     method: "GET",
 *     path: `/api/v1/namespaces/default/configmaps/${encodeURIComponent(name)}`,
 *     expectJson: true,
 *   });
 * }
 * // Any RestClient: an HttpRestClient in practice, here one that answers in memory.
 * const client = restClientFromHandler((request) => Promise.resolve({ requested: request.path }));
 * console.log(await readConfigMap(client, "a/b")); // { requested: "/api/v1/namespaces/default/configmaps/a%2Fb" }
 * ```
 */
export interface RestClient {
  /** Performs a request and returns a stream of parsed JSON lines. */
  performRequest(
    options: RequestOptions & { expectStream: true; expectJson: true },
  ): Promise<ReadableStream<JSONValue>>;
  /** Performs a request and returns the body as a byte stream. */
  performRequest(
    options: RequestOptions & { expectStream: true },
  ): Promise<ReadableStream<Uint8Array>>;
  /** Performs a request and returns the parsed JSON body. */
  performRequest(options: RequestOptions & { expectJson: true }): Promise<JSONValue>;
  /** Performs a request and returns the body as bytes. */
  performRequest(options: RequestOptions): Promise<Uint8Array>;
  /** The namespace of the current context, when known. */
  defaultNamespace?: string;
}

/**
 * The kinds of event a watch stream carries.
 *
 * @example
 * ```ts
 * import {
 *   restClientFromHandler,
 *   watchEvents,
 *   type WatchEventType,
 * } from "@staircase/staircase/client";
 *
 * // A server whose watch stream holds an ADDED event and a BOOKMARK.
 * const lines = '{"type":"ADDED","object":{"metadata":{"name":"web"}}}\n' +
 *   '{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}\n';
 * const server = restClientFromHandler(() => Promise.resolve(new Response(lines).body!));
 * const seen: WatchEventType[] = [];
 * const querystring = new URLSearchParams();
 * for await (const event of watchEvents(server, "/api/v1/configmaps", { querystring })) {
 *   seen.push(event.type);
 * }
 * console.log(seen); // [ "ADDED", "BOOKMARK" ]
 * ```
 */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/**
 * An object event on a watch stream.
 *
 * @example
 * ```ts
 * import type { WatchObjectEvent } from "@staircase/staircase/client";
 * import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
 *
 * // Applies one change to a map of ConfigMaps by name.
 * function apply(cache: Map<string, ConfigMap>, event: WatchObjectEvent<ConfigMap>): void {
 *   const name = event.object.metadata?.name ?? "";
 *   if (event.type === "DELETED") cache.delete(name);
 *   else cache.set(name, event.object);
 * }
 * const cache = new Map<string, ConfigMap>();
 * apply(cache, { type: "ADDED", object: { metadata: { name: "web" } } });
 * apply(cache, { type: "ADDED", object: { metadata: { name: "db" } } });
 * apply(cache, { type: "DELETED", object: { metadata: { name: "db" } } });
 * console.log([...cache.keys()]); // [ "web" ]
 * ```
 */
export interface WatchObjectEvent<T> {
  /** What happened to the object. */
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object after the change (or its last state, for DELETED). */
  object: T;
}

/**
 * A bookmark: only the resourceVersion the watch has reached is meaningful.
 *
 * @example
 * ```ts
 * import {
 *   restClientFromHandler,
 *   type WatchBookmarkEvent,
 *   watchEvents,
 *   type WatchState,
 * } from "@staircase/staircase/client";
 *
 * // A stream with only a bookmark: nothing changed, but the watch has caught up to 12345.
 * const bookmark: WatchBookmarkEvent = {
 *   type: "BOOKMARK",
 *   object: { metadata: { resourceVersion: "12345" } },
 * };
 * const server = restClientFromHandler(() =>
 *   Promise.resolve(new Response(JSON.stringify(bookmark) + "\n").body!)
 * );
 * const state: WatchState = {};
 * const querystring = new URLSearchParams();
 * for await (const event of watchEvents(server, "/api/v1/configmaps", { querystring, state })) {
 *   console.log(event.type); // BOOKMARK
 * }
 * console.log(state.resourceVersion); // 12345: where the next watch resumes
 * ```
 */
export interface WatchBookmarkEvent {
  /** Always `BOOKMARK`. */
  type: "BOOKMARK";
  /** The object carrying the resourceVersion. */
  object: { kind?: string; apiVersion?: string; metadata: { resourceVersion: string } };
}

/**
 * An event on a watch stream, before errors are turned into exceptions.
 *
 * @example
 * ```ts
 * import type { WatchEvent } from "@staircase/staircase/client";
 *
 * function describe(event: WatchEvent<{ metadata?: { name?: string } }>): string {
 *   return event.type === "BOOKMARK"
 *     ? `reached ${event.object.metadata.resourceVersion}`
 *     : `${event.type} ${event.object.metadata?.name}`;
 * }
 * console.log(describe({ type: "DELETED", object: { metadata: { name: "web" } } })); // DELETED web
 * ```
 */
export type WatchEvent<T> = WatchObjectEvent<T> | WatchBookmarkEvent;
