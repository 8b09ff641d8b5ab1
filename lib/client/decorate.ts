/**
 * Wrapping a {@linkcode RestClient} without restating its overloads: count or record requests,
 * open telemetry spans, remember the resourceVersion of each write, inject faults in tests.
 *
 * @module
 */

import type { JSONValue, RequestOptions, ResponseBody, RestClient } from "./contract.ts";

/**
 * Sends a request on to the wrapped client and resolves to its answer.
 *
 * @example
 * ```ts
 * import type { NextRequest } from "@staircase/staircase/client";
 *
 * const offline: NextRequest = () => Promise.reject(new Error("offline"));
 * console.log(typeof offline);
 * ```
 */
export type NextRequest = (options: RequestOptions) => Promise<ResponseBody>;

/**
 * Runs around every request of a decorated client: it may look at or change the options, call
 * `next` (zero, one or several times), and look at or replace the answer or the error.
 *
 * @example
 * ```ts
 * import type { AroundRequest } from "@staircase/staircase/client";
 *
 * const logged: AroundRequest = async (options, next) => {
 *   try {
 *     return await next(options);
 *   } finally {
 *     console.log(options.method, options.path);
 *   }
 * };
 * console.log(typeof logged);
 * ```
 */
export type AroundRequest = (options: RequestOptions, next: NextRequest) => Promise<ResponseBody>;

/**
 * A {@linkcode RestClient} that runs `around` for each request and sends it on to `inner`.
 * Callers keep the typed overloads of `performRequest` (a JSON request resolves to a
 * `JSONValue`, a watch to a stream, ...); `defaultNamespace` is the inner client's.
 *
 * @example Counting requests
 * ```ts
 * import { decorateRestClient, restClientFromHandler } from "@staircase/staircase/client";
 *
 * const inner = restClientFromHandler(() => Promise.resolve({ items: [] }));
 * let requests = 0;
 * const counted = decorateRestClient(inner, (options, next) => {
 *   requests++;
 *   return next(options);
 * });
 * const list = await counted.performRequest({ method: "GET", path: "/api/v1/pods", expectJson: true });
 * console.log(list, requests); // { items: [] } 1
 * ```
 */
export function decorateRestClient(inner: RestClient, around: AroundRequest): RestClient {
  const next: NextRequest = (options) => inner.performRequest(options);
  return new HandlerRestClient((options) => around(options, next), () => inner.defaultNamespace);
}

/**
 * A {@linkcode RestClient} whose every request is answered by `handle`: an in-memory server,
 * a recorder, a fault injector. The handler must answer in the mode the options ask for
 * (see `RequestOptions`): parsed JSON for `expectJson`, a stream for `expectStream`, ...
 *
 * @example A client that answers every request with an empty list
 * ```ts
 * import { restClientFromHandler } from "@staircase/staircase/client";
 *
 * const client = restClientFromHandler(() => Promise.resolve({ items: [] }), "default");
 * const list = await client.performRequest({ method: "GET", path: "/api/v1/pods", expectJson: true });
 * console.log(list, client.defaultNamespace);
 * ```
 */
export function restClientFromHandler(handle: NextRequest, defaultNamespace?: string): RestClient {
  return new HandlerRestClient(handle, () => defaultNamespace);
}

class HandlerRestClient implements RestClient {
  readonly #handle: NextRequest;
  readonly #namespace: () => string | undefined;

  constructor(handle: NextRequest, namespace: () => string | undefined) {
    this.#handle = handle;
    this.#namespace = namespace;
  }

  get defaultNamespace(): string | undefined {
    return this.#namespace();
  }

  performRequest(
    options: RequestOptions & { expectStream: true; expectJson: true },
  ): Promise<ReadableStream<JSONValue>>;
  performRequest(
    options: RequestOptions & { expectStream: true },
  ): Promise<ReadableStream<Uint8Array>>;
  performRequest(options: RequestOptions & { expectJson: true }): Promise<JSONValue>;
  performRequest(options: RequestOptions): Promise<Uint8Array>;
  performRequest(options: RequestOptions): Promise<ResponseBody> {
    return this.#handle(options);
  }
}
