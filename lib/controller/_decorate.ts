// A stand-in for the client branch's `decorateRestClient` until it is merged: the same shape,
// so swapping the import is the only change then.

import type { JSONValue, RequestOptions, RestClient } from "../client/contract.ts";

/** What `performRequest` resolves to, in any of its modes. */
export type AnyResponse =
  | JSONValue
  | Uint8Array
  | ReadableStream<Uint8Array>
  | ReadableStream<JSONValue>;

/** Runs around every request of a decorated client. */
export type Around = (
  options: RequestOptions,
  next: (options: RequestOptions) => Promise<AnyResponse>,
) => Promise<AnyResponse>;

/** A RestClient that runs `around` for each request and sends it on to `inner`. */
export function decorate(inner: RestClient, around: Around): RestClient {
  const next = (options: RequestOptions): Promise<AnyResponse> => inner.performRequest(options);
  return {
    get defaultNamespace() {
      return inner.defaultNamespace;
    },
    // The overloads of RestClient cannot be implemented without one cast: the answer's type
    // follows the options, which the wrapped client already guarantees.
    performRequest: ((options: RequestOptions) => around(options, next)) as RestClient[
      "performRequest"
    ],
  };
}
