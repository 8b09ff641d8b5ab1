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
 * import { decorateRestClient, type RestClient } from "@staircase/staircase/client";
 *
 * declare const inner: RestClient;
 * let requests = 0;
 * const counted: RestClient = decorateRestClient(inner, (options, next) => {
 *   requests++;
 *   return next(options);
 * });
 * console.log(typeof counted.performRequest, requests);
 * ```
 */
export function decorateRestClient(inner: RestClient, around: AroundRequest): RestClient {
  return new DecoratedRestClient(inner, around);
}

class DecoratedRestClient implements RestClient {
  readonly #inner: RestClient;
  readonly #around: AroundRequest;
  readonly #next: NextRequest;

  constructor(inner: RestClient, around: AroundRequest) {
    this.#inner = inner;
    this.#around = around;
    this.#next = (options) => inner.performRequest(options);
  }

  get defaultNamespace(): string | undefined {
    return this.#inner.defaultNamespace;
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
    return this.#around(options, this.#next);
  }
}
