/**
 * The bottom layer of `HttpRestClient`: one HTTP exchange over `fetch` — TLS clients, the
 * request timeout, redirects refused, and the body read (or handed over as a stream).
 *
 * Everything that goes wrong on the wire comes out as a `ConnectionError` (a `TlsError` for
 * certificate trouble), so the retry layer above can tell what is safe to repeat.
 *
 * @module
 */

import type { ClusterConnection } from "./connection.ts";
import type { RequestOptions, ResponseBody } from "./contract.ts";
import type { ClientCertificate, RequestCredentials } from "./credentials.ts";
import {
  ClientConfigError,
  ConnectionError,
  CredentialError,
  RedirectError,
  TlsError,
} from "./errors.ts";
import { jsonLinesStream } from "./json_lines.ts";
import { explainPermissionError, isPermissionError } from "./permissions.ts";
import { redactValues } from "./redact.ts";

/** One request, prepared once for all its attempts. */
export interface PreparedRequest {
  /** The caller's options. */
  options: RequestOptions;
  /** The full URL. */
  url: string;
  /** The body, serialized once. */
  body?: BodyInit;
  /** Its content type. */
  contentType?: string;
  /** The caller's extra headers, already checked (`checkRequestHeaders`). */
  extraHeaders?: [string, string][];
}

/** What one exchange gave: a read (or streamed) body, or a failure status and its text. */
export type Reply =
  | { ok: true; status: number; value: ResponseBody }
  | { ok: false; status: number; headers: Headers; text: string };

/** Settings of {@linkcode HttpTransport}. */
export interface HttpTransportOptions {
  /** The `User-Agent` header. */
  userAgent: string;
  /** The request timeout in milliseconds; 0 waits forever. */
  timeoutMs: number;
}

/** Messages fetch gives for TLS failures. */
const TLS_PATTERN = /certificate|tls|handshake|UnknownIssuer|NotValidForName|BadSignature/i;

/** Statuses that ask the client to go elsewhere (304 Not Modified is not one). */
const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);

/** The most of an error response's body that is read. */
const MAX_ERROR_BODY = 64 * 1024;

/** How long an error body may take when requests have no timeout (`timeoutMs: 0`). */
const ERROR_BODY_TIMEOUT_MS = 60_000;

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(": ");
}

/** Sends requests for one {@linkcode ClusterConnection}; pools one `Deno.HttpClient` per certificate. */
export class HttpTransport {
  readonly #connection: ClusterConnection;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #clients = new Map<string, Deno.HttpClient>();

  constructor(connection: ClusterConnection, options: HttpTransportOptions) {
    this.#connection = connection;
    this.#userAgent = options.userAgent;
    this.#timeoutMs = options.timeoutMs;
  }

  close(): void {
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
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
      try {
        client = Deno.createHttpClient({
          caCerts: this.#connection.caCerts ?? [],
          ...(cert ? { cert: cert.cert, key: cert.key } : {}),
          ...(this.#connection.proxyUrl ? { proxy: { url: this.#connection.proxyUrl } } : {}),
        });
      } catch (err) {
        // Deno's message may quote the PEM it could not read: name the problem only.
        throw new ClientConfigError(
          "cannot set up TLS: the certificate authority, client certificate or client key is " +
            `not valid PEM, or the proxy URL is invalid (${(err as Error).name})`,
          { source: this.#connection.description },
        );
      }
      this.#clients.set(key, client);
    }
    return client;
  }

  #headers(request: PreparedRequest, creds: RequestCredentials): Headers {
    // The caller's headers first: the ones staircase manages are set over them (and were
    // already refused by checkRequestHeaders).
    const headers = new Headers(request.extraHeaders);
    headers.set("accept", request.options.accept ?? "application/json");
    headers.set("user-agent", this.#userAgent);
    if (request.contentType) headers.set("content-type", request.contentType);
    if (creds.authorization !== undefined) {
      try {
        headers.set("authorization", creds.authorization);
      } catch {
        // Deno's TypeError quotes the whole value: name the problem, not the token.
        throw new CredentialError(
          "the credentials are not a valid Authorization header: the token contains a line " +
            "break, a NUL or another character a header cannot carry",
        );
      }
    }
    return headers;
  }

  /** One exchange. Failures on the wire are thrown as {@linkcode ConnectionError}s. */
  async send(request: PreparedRequest, creds: RequestCredentials): Promise<Reply> {
    const { options } = request;
    const headers = this.#headers(request, creds);
    const client = this.#httpClient(creds.clientCertificate ?? this.#connection.clientCertificate);
    const userSignal = options.abortSignal;
    if (userSignal?.aborted) throw userSignal.reason;
    // fetch's signal covers the wait for the headers. Once fetch has resolved, Deno's own
    // link from that signal to the body does not survive a garbage collection, so bodies are
    // read (and streams cancelled) through our own readers below instead.
    const controller = new AbortController();
    const signal = userSignal
      ? AbortSignal.any([userSignal, controller.signal])
      : controller.signal;
    let timedOut = false;
    let stopBody: ((reason: unknown) => void) | undefined;
    const arm = (ms: number): ReturnType<typeof setTimeout> | undefined =>
      ms > 0
        ? setTimeout(() => {
          timedOut = true;
          const reason = new DOMException("request timed out", "TimeoutError");
          controller.abort(reason);
          stopBody?.(reason);
        }, ms)
        : undefined;
    let timer = arm(this.#timeoutMs);
    const onUserAbort = (): void => stopBody?.(userSignal!.reason);
    userSignal?.addEventListener("abort", onUserAbort, { once: true });
    const failure = (err: unknown, during: string): unknown => {
      if (userSignal?.aborted) return userSignal.reason;
      if (timedOut) {
        return new ConnectionError(
          this.#connection.server,
          during === "response"
            ? `no response within ${this.#timeoutMs} ms`
            : `the response body did not arrive within ${this.#timeoutMs} ms`,
        );
      }
      return this.#explainFetchError(err, during);
    };
    try {
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: options.method,
          headers,
          body: request.body,
          signal,
          client,
          redirect: "manual",
        });
      } catch (err) {
        throw failure(err, "response");
      }
      if (REDIRECT_STATUSES.has(response.status) || response.type === "opaqueredirect") {
        await response.body?.cancel().catch(() => {});
        throw new RedirectError(
          `${options.method} ${options.path}`,
          response.status,
          response.headers.get("location") ?? undefined,
        );
      }
      const body = response.body;
      if (!response.ok) {
        // Also for a streamed request: an error body that stalls must not hang it.
        if (timer === undefined) timer = arm(ERROR_BODY_TIMEOUT_MS);
        let bytes: Uint8Array = new Uint8Array();
        if (body) {
          try {
            bytes = await readBody(body, MAX_ERROR_BODY, (stop) => (stopBody = stop));
          } catch {
            // The status is what matters; a broken error body only loses the message.
          }
        }
        return {
          ok: false,
          status: response.status,
          headers: response.headers,
          // Whatever echoes the credentials sent (a proxy, a debug endpoint) loses them here.
          text: redactValues(new TextDecoder().decode(bytes), secretsOf(creds)),
        };
      }
      if (options.expectStream) {
        // Streams live on: only the time to the headers is limited.
        const stream = body ? cancelledBy(body, userSignal) : new Response("").body!;
        return {
          ok: true,
          status: response.status,
          value: options.expectJson ? jsonLinesStream(stream) : stream,
        };
      }
      let bytes: Uint8Array;
      try {
        bytes = body
          ? await readBody(body, Infinity, (stop) => (stopBody = stop))
          : new Uint8Array();
      } catch (err) {
        throw failure(err, "complete response body");
      }
      return { ok: true, status: response.status, value: this.#decode(bytes, response, options) };
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener("abort", onUserAbort);
    }
  }

  #decode(bytes: Uint8Array, response: Response, options: RequestOptions): ResponseBody {
    if (!options.expectJson) return bytes;
    const text = new TextDecoder().decode(bytes);
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

  #explainFetchError(err: unknown, during: string): unknown {
    const server = this.#connection.server;
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
      if (this.#connection.insecureSkipTlsVerify) {
        hint = "the configuration sets insecure-skip-tls-verify, which Deno cannot apply to one " +
          `client: start Deno with --unsafely-ignore-certificate-errors=${host}`;
      } else if (this.#connection.tlsServerName && this.#connection.tlsServerName !== host) {
        hint = `the configuration sets tls-server-name "${this.#connection.tlsServerName}", ` +
          "which Deno's fetch cannot apply: the server certificate must name " +
          `"${host}", or connect through that name`;
      }
      return new TlsError(server, `${text.replace(/^fetch failed: /, "")} (${hint})`, {
        cause: err,
      });
    }
    // Reading a body can fail in more ways than connecting (truncation, bad chunking, a reset
    // mid-body); all of them are failures on the wire.
    if (
      err instanceof TypeError || err instanceof Deno.errors.ConnectionRefused ||
      err instanceof Deno.errors.ConnectionReset || err instanceof Deno.errors.UnexpectedEof ||
      (err instanceof Error && (err.name === "AbortError" || err.name === "Http"))
    ) {
      const detail = text.replace(/^fetch failed: /, "");
      return new ConnectionError(
        server,
        during === "response" ? detail : `the ${during.replace("complete ", "")} broke: ${detail}`,
        { cause: err },
      );
    }
    return err;
  }
}

/** The values to remove from texts the server sends back. */
function secretsOf(creds: RequestCredentials): string[] {
  const auth = creds.authorization;
  if (auth === undefined) return [];
  const space = auth.indexOf(" ");
  return space > 0 ? [auth.slice(space + 1), auth] : [auth];
}

/**
 * Reads a body to its end, or its first `max` bytes. `onStop` receives the function that
 * cancels the read (for the timeout and the caller's signal).
 */
async function readBody(
  body: ReadableStream<Uint8Array>,
  max: number,
  onStop: (stop: (reason: unknown) => void) => void,
): Promise<Uint8Array> {
  const reader = body.getReader();
  let stopped: unknown;
  onStop((reason) => {
    stopped = reason ?? new Error("stopped");
    reader.cancel(reason).catch(() => {});
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      // A cancelled reader ends quietly: turn that into the failure it is.
      if (stopped !== undefined) throw stopped;
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    onStop(() => {});
    if (size >= max) reader.cancel().catch(() => {});
    else reader.releaseLock();
  }
  const out = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
    if (at >= out.length) break;
  }
  return out;
}

/** Removes abort listeners of streams that were dropped without being read to the end. */
const forgetListener = new FinalizationRegistry<() => void>((remove) => remove());

/**
 * The body as a stream that the caller's signal cancels, for as long as the stream lives and
 * no longer: the listener holds the stream only weakly and is removed when the stream ends,
 * is cancelled, or is collected.
 */
function cancelledBy(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  if (!signal) return body;
  const reader = body.getReader();
  let target: WeakRef<ReadableStreamDefaultController<Uint8Array>> | undefined;
  const onAbort = (): void => {
    reader.cancel(signal.reason).catch(() => {});
    try {
      target?.deref()?.error(signal.reason);
    } catch { /* already closed */ }
  };
  const token = {};
  const finish = (): void => {
    signal.removeEventListener("abort", onAbort);
    forgetListener.unregister(token);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller): void {
      target = new WeakRef(controller);
    },
    async pull(controller): Promise<void> {
      try {
        const { done, value } = await reader.read();
        if (signal.aborted) return; // errored by onAbort
        if (done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (err) {
        finish();
        throw signal.aborted ? signal.reason : err;
      }
    },
    cancel(reason): Promise<void> {
      finish();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  signal.addEventListener("abort", onAbort, { once: true });
  forgetListener.register(stream, () => signal.removeEventListener("abort", onAbort), token);
  return stream;
}
