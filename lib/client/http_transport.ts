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

/** The most of an error response's body that is read. */
const MAX_ERROR_BODY = 64 * 1024;

/** How long an error body may take when requests have no timeout (`timeoutMs: 0`). */
const ERROR_BODY_TIMEOUT_MS = 60_000;

/**
 * What a streamed body's cancellation depends on (the combined abort signal fetch listens
 * to), kept alive exactly as long as the body. `AbortSignal.any` holds its result only
 * weakly, so without this a garbage collection detaches the caller's signal from the stream.
 */
const streamLifelines = new WeakMap<object, unknown>();

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
    const headers = new Headers({
      "accept": request.options.accept ?? "application/json",
      "user-agent": this.#userAgent,
    });
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
    // The timeout has its own controller, combined with the caller's signal by
    // AbortSignal.any, which adds no listener to a long-lived caller signal.
    const controller = new AbortController();
    const signal = userSignal ? AbortSignal.any([userSignal, controller.signal]) : controller.signal;
    let timedOut = false;
    const arm = (ms: number): ReturnType<typeof setTimeout> | undefined =>
      ms > 0
        ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, ms)
        : undefined;
    let timer = arm(this.#timeoutMs);
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
      clearTimeout(timer);
      throw failure(err, "response");
    }
    try {
      if (response.status >= 300 && response.status < 400 || response.type === "opaqueredirect") {
        await response.body?.cancel().catch(() => {});
        throw new RedirectError(
          `${options.method} ${options.path}`,
          response.status,
          response.headers.get("location") ?? undefined,
        );
      }
      if (!response.ok) {
        // Also for a streamed request: an error body that stalls must not hang it.
        if (timer === undefined) timer = arm(ERROR_BODY_TIMEOUT_MS);
        const text = await readErrorText(response);
        return {
          ok: false,
          status: response.status,
          headers: response.headers,
          // Whatever echoes the credentials sent (a proxy, a debug endpoint) loses them here.
          text: redactValues(text, secretsOf(creds)),
        };
      }
      if (options.expectStream) {
        // Streams live on: only the time to the headers is limited. The caller's signal
        // still cancels the stream, for as long as the stream lives.
        clearTimeout(timer);
        timer = undefined;
        const body = response.body ?? new Response(new Uint8Array()).body!;
        streamLifelines.set(body, signal);
        return {
          ok: true,
          status: response.status,
          value: options.expectJson ? jsonLinesStream(body) : body,
        };
      }
      return { ok: true, status: response.status, value: await this.#read(response, options) };
    } catch (err) {
      if (err instanceof RedirectError || err instanceof SyntaxError) throw err;
      throw failure(err, "complete response body");
    } finally {
      clearTimeout(timer);
    }
  }

  async #read(response: Response, options: RequestOptions): Promise<ResponseBody> {
    if (!options.expectJson) return new Uint8Array(await response.arrayBuffer());
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
  return space > 0 ? [auth, auth.slice(space + 1)] : [auth];
}

/** Reads at most {@linkcode MAX_ERROR_BODY} bytes of an error response; a failure gives "". */
async function readErrorText(response: Response): Promise<string> {
  const body = response.body;
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The status is what matters; a broken error body only loses the message.
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, MAX_ERROR_BODY));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.length - at);
    all.set(part, at);
    at += part.length;
    if (at >= all.length) break;
  }
  return new TextDecoder().decode(all);
}
