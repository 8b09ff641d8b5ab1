/**
 * The HTTP client: a {@linkcode RestClient} over `fetch` and `Deno.createHttpClient`, built
 * as layers that each do one thing — retry, then credentials, then the rate limit, then the
 * transport (`http_transport.ts`).
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { VERSION } from "../version.ts";
import { KubernetesApiError } from "./api_error.ts";
import type { ClusterConnection } from "./connection.ts";
import type { JSONValue, RequestOptions, ResponseBody, RestClient } from "./contract.ts";
import { hideKey, type RequestCredentials } from "./credentials.ts";
import { ConnectionError, CredentialError, TlsError } from "./errors.ts";
import { HttpTransport, type PreparedRequest, type Reply } from "./http_transport.ts";
import { checkRequestHeaders } from "./request_headers.ts";
import { RateLimiter, type RateLimiterOptions } from "./rate_limiter.ts";
import {
  isRetryableMethod,
  parseRetryAfter,
  retryDelayMs,
  type RetryOptions,
  type RetryPolicy,
  retryPolicy,
} from "./retry.ts";
import { sleep } from "./sleep.ts";
import { checkStrictTrust } from "./strict_trust.ts";
import { isTimerMs, MAX_TIMER_MS } from "./_timers.ts";

const log = getLogger(["staircase", "client"]);

/**
 * Options of {@linkcode HttpRestClient}.
 *
 * @example
 * ```ts
 * import { HttpRestClient } from "@staircase/staircase/client";
 *
 * // No connection is opened before the first request.
 * using client = new HttpRestClient({ server: "https://10.0.0.1:6443", caCerts: [] }, {
 *   rateLimit: { qps: 20, burst: 40 },
 *   retry: { maxAttempts: 3 },
 *   requestTimeoutMs: 10_000,
 *   strictTrust: true, // 10.0.0.1 is a private address: only the cluster's CA can vouch for it
 * });
 * console.log(client.connection.server); // https://10.0.0.1:6443
 * ```
 */
export interface HttpRestClientOptions {
  /**
   * Retry settings, or `false` for none.
   *
   * @default {{ maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 10000 }}
   */
  retry?: RetryOptions | false;
  /**
   * Client-side rate limit.
   *
   * @default {false}
   */
  rateLimit?: RateLimiterOptions | false;
  /**
   * The `User-Agent` header.
   *
   * @default {"staircase/<version>"}
   */
  userAgent?: string;
  /**
   * How long to wait for a response, in milliseconds: for the whole body, or for the headers
   * of a streamed response, and for credentials to load; 0 (or `Infinity`) waits forever.
   * Anything else outside `[0, 2^31 - 1]` is a RangeError at construction.
   *
   * @default {60000}
   */
  requestTimeoutMs?: number;
  /**
   * Refuse a configuration whose own certificate authority would not be the only one that
   * can vouch for the server: Deno adds a configured CA to its root store instead of using it
   * alone (client-go uses it alone), so a certificate a public CA issued for the server's
   * name would also be accepted. With `strictTrust`, the server must be HTTPS and, when a CA
   * is configured, a host no public CA may certify (a private or loopback IP address,
   * `localhost`, a single-label or internal name such as `*.svc` or `*.internal`); anything
   * else is a `ClientConfigError` at construction.
   *
   * @default {false}
   */
  strictTrust?: boolean;
}

/**
 * The options of one request. The same as {@linkcode RequestOptions}, which now carries
 * `idempotent` itself; kept as a name for code written against earlier versions.
 *
 * @example
 * ```ts
 * import type { HttpRequestOptions, RestClient } from "@staircase/staircase/client";
 *
 * async function put(client: RestClient, body: { metadata: { resourceVersion: string } }): Promise<void> {
 *   // A PUT with a resourceVersion cannot apply twice, so it may be retried.
 *   const request: HttpRequestOptions = {
 *     method: "PUT",
 *     path: "/api/v1/namespaces/a/configmaps/b",
 *     bodyJson: body,
 *     idempotent: true,
 *   };
 *   await client.performRequest({ ...request, expectJson: true });
 * }
 * ```
 */
export type HttpRequestOptions = RequestOptions;

/** The request body and its content type, built once for all attempts. */
function prepare(server: string, options: RequestOptions): PreparedRequest {
  const query = options.querystring?.toString();
  const url = `${server}${options.path}${query ? `?${query}` : ""}`;
  // Checked here, before credentials, the rate limit or the wire.
  const extraHeaders = options.headers === undefined
    ? undefined
    : checkRequestHeaders(options.headers, `${options.method} ${options.path}`);
  if (options.bodyJson !== undefined) {
    return {
      options,
      url,
      body: JSON.stringify(options.bodyJson),
      contentType: options.contentType ?? "application/json",
      extraHeaders,
    };
  }
  const body = (options.bodyRaw as Uint8Array<ArrayBuffer> | undefined) ?? options.bodyStream;
  return { options, url, body, contentType: body ? options.contentType : undefined, extraHeaders };
}

/** Waits for `promise`, but no longer than the caller's signal and `timeoutMs` allow. */
async function bounded<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  onTimeout: () => Error,
): Promise<T> {
  if (signal?.aborted) throw signal.reason;
  if (!signal && !(timeoutMs > 0)) return await promise;
  let cleanup = (): void => {};
  const stop = new Promise<never>((_, reject) => {
    const timer = timeoutMs > 0 ? setTimeout(() => reject(onTimeout()), timeoutMs) : undefined;
    const onAbort = (): void => reject(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
  });
  try {
    return await Promise.race([promise, stop]);
  } finally {
    cleanup();
  }
}

/** The request timeout in ms, checked (0 and Infinity both mean none). */
function requestTimeout(ms: number): number {
  if (ms === Infinity) return 0;
  if (!isTimerMs(ms)) {
    throw new RangeError(
      `requestTimeoutMs must be a number of ms in [0, ${MAX_TIMER_MS}] (0 or Infinity: no timeout), got ${ms}`,
    );
  }
  return ms;
}

/** Hands the final status to the caller's callback; a callback that throws changes nothing. */
function reportStatus(options: RequestOptions, status: number): void {
  try {
    options.onResponseStatus?.(status);
  } catch (error) {
    log.warn("{method} {path}: the onResponseStatus callback threw; ignored", {
      method: options.method,
      path: options.path,
      error,
    });
  }
}

/**
 * A {@linkcode RestClient} over HTTP(S) for one {@linkcode ClusterConnection}.
 *
 * - TLS: the connection's CA and client certificate go to `Deno.createHttpClient`. Deno adds
 *   the CA to its root store (it has no way to make it the only root): see `strictTrust`.
 * - Redirects are never followed: a 3xx answer is a `RedirectError` naming the location.
 * - Retries: requests that are safe to repeat (GET, HEAD, OPTIONS, and requests marked
 *   `idempotent`) are retried on 503, 504 and failures on the wire, including a body that
 *   breaks or stalls while it is read; every request is retried on 429, which the server
 *   sends before doing anything. Waits follow a positive `Retry-After`, else capped
 *   exponential backoff with jitter.
 * - A `401` makes the credentials renew (token file re-read, exec plugin re-run) and the
 *   request is sent once more.
 * - Limits of Deno: `insecure-skip-tls-verify` needs the process flag
 *   `--unsafely-ignore-certificate-errors=<host>`; `tls-server-name` cannot be applied, so the
 *   server certificate must name the host of the server URL.
 *
 * @example
 * ```ts
 * import { HttpRestClient, StaticCredentials } from "@staircase/staircase/client";
 *
 * async function listNamespaces(token: string): Promise<void> {
 *   const client = new HttpRestClient({
 *     server: "https://127.0.0.1:6443",
 *     caCerts: [await Deno.readTextFile("ca.crt")],
 *     credentials: StaticCredentials.bearer(token),
 *   });
 *   const ns = await client.performRequest({ method: "GET", path: "/api/v1/namespaces", expectJson: true });
 *   console.log(ns);
 * }
 * ```
 */
export class HttpRestClient implements RestClient {
  /** The namespace of the configuration (kubeconfig context or service account). */
  defaultNamespace?: string;
  /** The connection this client talks to (a client key in it is not enumerable). */
  readonly connection: ClusterConnection;
  readonly #retry?: RetryPolicy;
  readonly #limiter?: RateLimiter;
  readonly #timeoutMs: number;
  readonly #transport: HttpTransport;

  /**
   * Creates the client. It opens no connection until the first request.
   *
   * @param connection The server and the credentials.
   * @param options Retries, rate limit, timeout and trust settings.
   * @throws {RangeError} If `requestTimeoutMs` or a `retry` or `rateLimit` field is out of range.
   * @throws {ClientConfigError} With `strictTrust`, if the connection fails its checks.
   */
  constructor(connection: ClusterConnection, options: HttpRestClientOptions = {}) {
    this.connection = connection.clientCertificate
      ? { ...connection, clientCertificate: hideKey(connection.clientCertificate) }
      : connection;
    this.defaultNamespace = connection.namespace;
    this.#retry = options.retry === false ? undefined : retryPolicy(options.retry);
    this.#limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
    this.#timeoutMs = requestTimeout(options.requestTimeoutMs ?? 60_000);
    if (options.strictTrust) checkStrictTrust(this.connection);
    this.#transport = new HttpTransport(this.connection, {
      userAgent: options.userAgent ?? `staircase/${VERSION}`,
      timeoutMs: this.#timeoutMs,
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.#transport.close();
  }

  /** Closes the pooled connections (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

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
  async performRequest(options: RequestOptions): Promise<ResponseBody> {
    const { method, path } = options;
    if (options.expectTunnel) {
      throw new TypeError(
        `${method} ${path}: HttpRestClient does not open tunnels (expectTunnel: exec, attach, port-forward)`,
      );
    }
    const request = prepare(this.connection.server, options);
    const reply = await this.#retrying(request);
    if (options.onResponseStatus) reportStatus(options, reply.status);
    if (reply.ok) return reply.value;
    throw KubernetesApiError.fromResponseBody(
      reply.status,
      reply.text,
      { method, path },
      parseRetryAfter(reply.headers.get("retry-after")),
    );
  }

  /**
   * Layer 1, retries: repeats what is safe to repeat, within one `maxAttempts` budget for
   * failures on the wire and retryable statuses together.
   */
  async #retrying(request: PreparedRequest): Promise<Reply> {
    const { options } = request;
    const policy = this.#retry;
    const maxAttempts = policy?.maxAttempts ?? 1;
    // A stream body is consumed by the first attempt, so it can never be sent again.
    const repeatable = isRetryableMethod(options.method, options.idempotent) &&
      !options.bodyStream;
    const renewal = { done: false };
    for (let attempt = 1;; attempt++) {
      let reply: Reply;
      try {
        reply = await this.#authenticated(request, renewal);
      } catch (failure) {
        if (
          !policy || !repeatable || attempt >= maxAttempts ||
          !(failure instanceof ConnectionError) || failure instanceof TlsError
        ) throw failure;
        await this.#backoff(request, policy, attempt, undefined, failure.message);
        continue;
      }
      if (reply.ok || !policy || attempt >= maxAttempts) return reply;
      if (!policy.statusCodes.includes(reply.status)) return reply;
      // The server sends 429 before doing anything, so any method may be repeated.
      if (!(reply.status === 429 ? !options.bodyStream : repeatable)) return reply;
      const retryAfter = parseRetryAfter(reply.headers.get("retry-after"));
      await this.#backoff(request, policy, attempt, retryAfter, `HTTP ${reply.status}`);
    }
  }

  async #backoff(
    request: PreparedRequest,
    policy: RetryPolicy,
    attempt: number,
    retryAfter: number | undefined,
    why: string,
  ): Promise<void> {
    const delay = retryDelayMs(policy, attempt, retryAfter);
    log.debug("{method} {path}: {why}; retrying in {delay} ms", {
      method: request.options.method,
      path: request.options.path,
      why,
      delay: Math.round(delay),
    });
    await sleep(delay, request.options.abortSignal);
  }

  /**
   * Layer 2, credentials: fetched for each attempt (bounded by the caller's signal and the
   * request timeout), renewed once per request after a `401` (the server did nothing).
   */
  async #authenticated(request: PreparedRequest, renewal: { done: boolean }): Promise<Reply> {
    const reply = await this.#limited(request, await this.#credentials(request));
    const source = this.connection.credentials;
    if (
      reply.ok || reply.status !== 401 || renewal.done || request.options.bodyStream || !source
    ) return reply;
    renewal.done = true;
    if (!(await source.invalidate())) return reply;
    return await this.#limited(request, await this.#credentials(request));
  }

  async #credentials(request: PreparedRequest): Promise<RequestCredentials> {
    const source = this.connection.credentials;
    if (!source) return {};
    const signal = request.options.abortSignal;
    return await bounded(
      source.get(signal),
      signal,
      this.#timeoutMs,
      () =>
        new CredentialError(
          `${request.options.method} ${request.options.path}: the credentials were not ready ` +
            `within the request timeout of ${this.#timeoutMs} ms`,
        ),
    );
  }

  /** Layer 3, the rate limit: one token per attempt. */
  async #limited(request: PreparedRequest, creds: RequestCredentials): Promise<Reply> {
    await this.#limiter?.acquire(request.options.abortSignal);
    return await this.#transport.send(request, creds);
  }
}
