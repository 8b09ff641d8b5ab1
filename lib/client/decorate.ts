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
 * import {
 *   decorateRestClient,
 *   type NextRequest,
 *   restClientFromHandler,
 * } from "@staircase/staircase/client";
 *
 * // A server that is down: every request fails.
 * const offline: NextRequest = (options) => Promise.reject(new Error(`offline: ${options.path}`));
 * // A decorator gets the next step as a NextRequest and may call it, or not.
 * const client = decorateRestClient(
 *   restClientFromHandler(offline),
 *   (options, next) => next(options),
 * );
 * await client.performRequest({ method: "GET", path: "/version" }).catch((error) =>
 *   console.log(error.message)
 * );
 * // offline: /version
 * ```
 */
export type NextRequest = (options: RequestOptions) => Promise<ResponseBody>;

/**
 * Runs around every request of a decorated client: it may look at or change the options, call
 * `next` (zero, one or several times), and look at or replace the answer or the error.
 *
 * @example
 * ```ts
 * import {
 *   type AroundRequest,
 *   decorateRestClient,
 *   restClientFromHandler,
 * } from "@staircase/staircase/client";
 *
 * // Logs each request with its outcome, after it finished.
 * const logged: AroundRequest = async (options, next) => {
 *   let outcome = "failed";
 *   try {
 *     const answer = await next(options);
 *     outcome = "ok";
 *     return answer;
 *   } finally {
 *     console.log(options.method, options.path, outcome);
 *   }
 * };
 * const client = decorateRestClient(restClientFromHandler(() => Promise.resolve({})), logged);
 * await client.performRequest({ method: "GET", path: "/api/v1/namespaces", expectJson: true });
 * // GET /api/v1/namespaces ok
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
 * console.log(list, client.defaultNamespace); // { items: [] } default
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
