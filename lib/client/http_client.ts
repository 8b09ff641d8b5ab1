/**
 * The HTTP transport: a {@linkcode RestClient} over `fetch` and `Deno.createHttpClient`.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { VERSION } from "../version.ts";
import { KubernetesApiError } from "./api_error.ts";
import type { ClusterConnection } from "./connection.ts";
import type { JSONValue, RequestOptions, RestClient } from "./contract.ts";
import type { ClientCertificate, RequestCredentials } from "./credentials.ts";
import { ConnectionError, TlsError } from "./errors.ts";
import { jsonLinesStream } from "./json_lines.ts";
import { explainPermissionError, isPermissionError } from "./permissions.ts";
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

const log = getLogger(["staircase", "client"]);

/**
 * Options of {@linkcode HttpRestClient}.
 *
 * @example
 * ```ts
 * import type { HttpRestClientOptions } from "./http_client.ts";
 * const opts: HttpRestClientOptions = { rateLimit: { qps: 20, burst: 40 }, retry: { maxAttempts: 3 } };
 * console.log(opts);
 * ```
 */
export interface HttpRestClientOptions {
  /** Retry settings, or `false` for none. */
  retry?: RetryOptions | false;
  /** Client-side rate limit; off by default. */
  rateLimit?: RateLimiterOptions | false;
  /** The `User-Agent` header. Default `staircase/<version>`. */
  userAgent?: string;
  /**
   * How long to wait for a response, in milliseconds: for the whole body, or for the headers
   * of a streamed response. Default 60,000; 0 waits forever.
   */
  requestTimeoutMs?: number;
}

/**
 * {@linkcode RequestOptions} plus staircase's own per-request settings.
 *
 * @example
 * ```ts
 * import type { HttpRequestOptions } from "./http_client.ts";
 * const request: HttpRequestOptions = { method: "PUT", path: "/api/v1/namespaces/a/configmaps/b", idempotent: true };
 * console.log(request.idempotent);
 * ```
 */
export interface HttpRequestOptions extends RequestOptions {
  /**
   * Marks the request as safe to repeat, so failures on the wire and 503/504 are retried even
   * for a mutating method (or not, for `false`). By default only GET, HEAD and OPTIONS are.
   */
  idempotent?: boolean;
}

/** Response bodies of the four modes. */
type Body = JSONValue | Uint8Array | ReadableStream<Uint8Array> | ReadableStream<JSONValue>;

/** Messages fetch gives for TLS failures. */
const TLS_PATTERN = /certificate|tls|handshake|UnknownIssuer|NotValidForName|BadSignature/i;

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(": ");
}

/** The request body and its content type, built once for all attempts. */
function requestBody(options: HttpRequestOptions): { body?: BodyInit; contentType?: string } {
  if (options.bodyJson !== undefined) {
    return {
      body: JSON.stringify(options.bodyJson),
      contentType: options.contentType ?? "application/json",
    };
  }
  const body = (options.bodyRaw as Uint8Array<ArrayBuffer> | undefined) ?? options.bodyStream;
  return { body, contentType: body ? options.contentType : undefined };
}

/**
 * A {@linkcode RestClient} over HTTP(S) for one {@linkcode ClusterConnection}.
 *
 * - TLS: the connection's CA and client certificate go to `Deno.createHttpClient`.
 * - Retries: GET/HEAD/OPTIONS (and requests marked `idempotent`) are retried on 503, 504 and
 *   connection failures; every request is retried on 429, which the server sends before doing
 *   anything. Waits follow `Retry-After`, else capped exponential backoff with jitter.
 * - A `401` makes the credentials renew (token file re-read, exec plugin re-run) and the
 *   request is sent once more.
 * - Limits of Deno: `insecure-skip-tls-verify` needs the process flag
 *   `--unsafely-ignore-certificate-errors=<host>`; `tls-server-name` cannot be applied, so the
 *   server certificate must name the host of the server URL.
 *
 * @example
 * ```ts ignore
 * import { HttpRestClient } from "./http_client.ts";
 * import { StaticCredentials } from "./credentials.ts";
 *
 * const client = new HttpRestClient({
 *   server: "https://127.0.0.1:6443",
 *   caCerts: [await Deno.readTextFile("ca.crt")],
 *   credentials: StaticCredentials.bearer("token"),
 * });
 * const ns = await client.performRequest({ method: "GET", path: "/api/v1/namespaces", expectJson: true });
 * console.log(ns);
 * ```
 */
export class HttpRestClient implements RestClient {
  /** The namespace of the configuration (kubeconfig context or service account). */
  defaultNamespace?: string;
  /** The connection this client talks to. */
  readonly connection: ClusterConnection;
  readonly #retry?: RetryPolicy;
  readonly #limiter?: RateLimiter;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #clients = new Map<string, Deno.HttpClient>();

  /** Creates the client. It opens no connection until the first request. */
  constructor(connection: ClusterConnection, options: HttpRestClientOptions = {}) {
    this.connection = connection;
    this.defaultNamespace = connection.namespace;
    this.#retry = options.retry === false ? undefined : retryPolicy(options.retry);
    this.#limiter = options.rateLimit ? new RateLimiter(options.rateLimit) : undefined;
    this.#userAgent = options.userAgent ?? `staircase/${VERSION}`;
    this.#timeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  /** Closes the pooled connections. */
  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }

  /** Closes the pooled connections (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  #httpClient(cert?: ClientCertificate): Deno.HttpClient {
    const key = cert ? cert.cert : "";
    let client = this.#clients.get(key);
    if (!client) {
      // Certificates from an exec plugin rotate: keep the newest few, drop the oldest.
      if (this.#clients.size >= 3) {
        const [oldKey, old] = this.#clients.entries().next().value!;
        this.#clients.delete(oldKey);
        old.close();
      }
      client = Deno.createHttpClient({
        caCerts: this.connection.caCerts ?? [],
        ...(cert ? { cert: cert.cert, key: cert.key } : {}),
        ...(this.connection.proxyUrl ? { proxy: { url: this.connection.proxyUrl } } : {}),
      });
      this.#clients.set(key, client);
    }
    return client;
  }

  /** Performs a request and returns a stream of parsed JSON lines. */
  performRequest(
    options: HttpRequestOptions & { expectStream: true; expectJson: true },
  ): Promise<ReadableStream<JSONValue>>;
  /** Performs a request and returns the body as a byte stream. */
  performRequest(
    options: HttpRequestOptions & { expectStream: true },
  ): Promise<ReadableStream<Uint8Array>>;
  /** Performs a request and returns the parsed JSON body. */
  performRequest(options: HttpRequestOptions & { expectJson: true }): Promise<JSONValue>;
  /** Performs a request and returns the body as bytes. */
  performRequest(options: HttpRequestOptions): Promise<Uint8Array>;
  async performRequest(options: HttpRequestOptions): Promise<Body> {
    const { method, path } = options;
    if (options.expectTunnel) {
      throw new TypeError(
        `${method} ${path}: HttpRestClient does not open tunnels (expectTunnel: exec, attach, port-forward)`,
      );
    }
    const query = options.querystring?.toString();
    const url = `${this.connection.server}${path}${query ? `?${query}` : ""}`;
    // A stream body is consumed by the first attempt, so it can never be sent again.
    const retryable = isRetryableMethod(method, options.idempotent) && !options.bodyStream;
    const body = requestBody(options);
    // One budget for every kind of retry: wire failures and retryable statuses together.
    const maxAttempts = this.#retry?.maxAttempts ?? 1;
    let renewedCredentials = false;
    for (let attempt = 1;; attempt++) {
      await this.#limiter?.acquire(options.abortSignal);
      const creds: RequestCredentials = (await this.connection.credentials?.get(
        options.abortSignal,
      )) ?? {};
      let sent: { response: Response; done: () => void };
      try {
        sent = await this.#send(url, options, body, creds);
      } catch (failure) {
        if (
          !this.#retry || !retryable || attempt >= maxAttempts ||
          !(failure instanceof ConnectionError) || failure instanceof TlsError
        ) throw failure;
        const delay = retryDelayMs(this.#retry, attempt);
        log.debug("{method} {path}: {error}; retrying in {delay} ms", {
          method,
          path,
          error: failure.message,
          delay: Math.round(delay),
        });
        await sleep(delay, options.abortSignal);
        continue;
      }
      const { response, done } = sent;
      if (response.ok) {
        try {
          return await this.#read(response, options);
        } finally {
          done();
        }
      }
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
      // A refused token may have rotated: renew it once (the server did nothing on a 401).
      if (
        response.status === 401 && !renewedCredentials && !options.bodyStream &&
        this.connection.credentials && await this.connection.credentials.invalidate()
      ) {
        renewedCredentials = true;
        await response.body?.cancel();
        done();
        attempt--;
        continue;
      }
      // The server sends 429 before doing anything, so any method may be repeated.
      const statusRetryable = response.status === 429 ? !options.bodyStream : retryable;
      if (
        this.#retry && statusRetryable && attempt < maxAttempts &&
        this.#retry.statusCodes.includes(response.status)
      ) {
        await response.body?.cancel();
        done();
        const delay = retryDelayMs(this.#retry, attempt, retryAfter);
        log.debug("{method} {path}: HTTP {status}, retrying in {delay} ms", {
          method,
          path,
          status: response.status,
          delay: Math.round(delay),
        });
        await sleep(delay, options.abortSignal);
        continue;
      }
      let text: string;
      try {
        text = await response.text();
      } catch {
        text = "";
      } finally {
        done();
      }
      throw KubernetesApiError.fromResponseBody(
        response.status,
        text,
        { method, path },
        retryAfter,
      );
    }
  }

  /** Sends one attempt; failures on the wire are thrown as {@linkcode ConnectionError}s. */
  async #send(
    url: string,
    options: HttpRequestOptions,
    body: { body?: BodyInit; contentType?: string },
    creds: RequestCredentials,
  ): Promise<{ response: Response; done: () => void }> {
    const headers = new Headers({
      "accept": options.accept ?? "application/json",
      "user-agent": this.#userAgent,
    });
    if (creds.authorization) headers.set("authorization", creds.authorization);
    if (body.contentType) headers.set("content-type", body.contentType);
    const client = this.#httpClient(creds.clientCertificate ?? this.connection.clientCertificate);
    const userSignal = options.abortSignal;
    if (userSignal?.aborted) throw userSignal.reason;
    // The timeout has its own controller, combined with the caller's signal by
    // AbortSignal.any, which adds no listener to a long-lived caller signal (a streamed
    // response ends at a time we do not observe, so such a listener would never be removed).
    const controller = new AbortController();
    const signal = userSignal
      ? AbortSignal.any([userSignal, controller.signal])
      : controller.signal;
    let timedOut = false;
    const timer = this.#timeoutMs > 0
      ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs)
      : undefined;
    const done = (): void => clearTimeout(timer);
    try {
      const response = await fetch(url, {
        method: options.method,
        headers,
        body: body.body,
        signal,
        client,
      });
      if (options.expectStream) {
        // Streams live on: only the time to the headers is limited. The caller's signal
        // still cancels the stream.
        clearTimeout(timer);
        return { response, done: () => {} };
      }
      return { response, done };
    } catch (err) {
      done();
      if (userSignal?.aborted) throw userSignal.reason;
      throw timedOut
        ? new ConnectionError(this.connection.server, `no response within ${this.#timeoutMs} ms`)
        : this.#explainFetchError(err);
    }
  }

  #explainFetchError(err: unknown): unknown {
    const server = this.connection.server;
    if (isPermissionError(err)) {
      const u = new URL(server);
      const port = u.port || (u.protocol === "https:" ? "443" : "80");
      return explainPermissionError(err, `connecting to ${server}`, "net", `${u.hostname}:${port}`);
    }
    const text = errorText(err);
    if (TLS_PATTERN.test(text)) {
      const host = new URL(server).hostname;
      let hint = "check the certificate authority (certificate-authority / ca.crt) and that " +
        "the server certificate names the server's host";
      if (this.connection.insecureSkipTlsVerify) {
        hint = "the configuration sets insecure-skip-tls-verify, which Deno cannot apply to one " +
          `client: start Deno with --unsafely-ignore-certificate-errors=${host}`;
      } else if (this.connection.tlsServerName && this.connection.tlsServerName !== host) {
        hint = `the configuration sets tls-server-name "${this.connection.tlsServerName}", ` +
          "which Deno's fetch cannot apply: the server certificate must name " +
          `"${host}", or connect through that name`;
      }
      return new TlsError(server, `${text.replace(/^fetch failed: /, "")} (${hint})`, {
        cause: err,
      });
    }
    if (err instanceof TypeError || err instanceof Deno.errors.ConnectionRefused) {
      return new ConnectionError(server, text.replace(/^fetch failed: /, ""), { cause: err });
    }
    return err;
  }

  async #read(response: Response, options: HttpRequestOptions): Promise<Body> {
    if (options.expectStream) {
      const body = response.body ?? new Response(new Uint8Array()).body!;
      return options.expectJson ? jsonLinesStream(body) : body;
    }
    if (options.expectJson) {
      const text = await response.text();
      if (text === "") return null;
      try {
        return JSON.parse(text);
      } catch {
        throw new SyntaxError(
          `${options.method} ${options.path}: the response (${
            response.headers.get("content-type") ?? "no content type"
          }, ${text.length} characters) is not JSON`,
        );
      }
    }
    return new Uint8Array(await response.arrayBuffer());
  }
}
