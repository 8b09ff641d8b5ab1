/**
 * {@linkcode tracingClient}: a span for every request a {@linkcode RestClient} makes.
 *
 * @module
 */

import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { KubernetesApiError } from "../client/api_error.ts";
import type { RequestOptions, RestClient } from "../client/contract.ts";
import { decorateRestClient } from "../client/decorate.ts";
import { HttpRestClient } from "../client/http_client.ts";
import { tracerOf, type TracerProviderLike } from "./providers.ts";

/**
 * Options of {@linkcode tracingClient}.
 *
 * @example
 * ```ts
 * import { propagation } from "@opentelemetry/api";
 * import { W3CTraceContextPropagator } from "@opentelemetry/core";
 * import { TracerProvider } from "@opentelemetry/sdk-trace";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { tracingClient } from "@staircase/staircase/telemetry";
 *
 * propagation.setGlobalPropagator(new W3CTraceContextPropagator()); // as an SDK's setup does
 * const sent: string[] = []; // the header names each request reached the server with
 * const inner = restClientFromHandler((request) => {
 *   sent.push(Object.keys(request.headers ?? {}).join());
 *   return Promise.resolve({});
 * });
 * const tracerProvider = new TracerProvider();
 * for (const propagate of [true, false]) {
 *   await tracingClient(inner, { tracerProvider, propagate }).performRequest({
 *     method: "GET",
 *     path: "/",
 *   });
 * }
 * console.log(sent); // [ "traceparent", "" ]
 * ```
 */
export interface TracingClientOptions {
  /**
   * Where the spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`), a no-op until the application registers an SDK
   */
  readonly tracerProvider?: TracerProviderLike;
  /**
   * Put the request's own span into its headers through the global propagator
   * (`propagation.inject` of `@opentelemetry/api`), e.g. the W3C `traceparent` and
   * `tracestate` once the application registers `W3CTraceContextPropagator` (the SDK's usual
   * setup does). Until a propagator is registered the API's one does nothing, so leaving this
   * on costs nothing and adds no header. Headers the caller set keep their value: a propagated
   * header of the same name (in any case) is not added.
   *
   * @default {true}
   */
  readonly propagate?: boolean;
  /**
   * The API server's base URL, for the spans' `server.address`, `server.port` and `url.full`
   * (the server's URL and the request's path; never the query string, never credentials).
   *
   * @default {the client's `connection.server` when it is an `HttpRestClient`; otherwise none, and the spans carry only `url.path`}
   */
  readonly server?: string;
}

/** The span attributes that name the server, and the base that `url.full` starts with. */
interface ServerAttributes {
  readonly address: string;
  readonly port: number;
  /** Scheme, host, port and path prefix, without credentials or a trailing slash. */
  readonly base: string;
}

function serverAttributes(server: string): ServerAttributes {
  const url = URL.parse(server);
  if (url === null || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new TypeError(
      `tracingClient: server must be an absolute http(s) URL, got ${JSON.stringify(server)}`,
    );
  }
  const port = url.port !== "" ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
  // IPv6 hosts are bracketed in URLs; server.address is the bare address.
  const address = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { address, port, base: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}` };
}

/** The attributes a request's span starts with (HTTP semantic conventions, client side). */
function requestAttributes(
  request: RequestOptions,
  server: ServerAttributes | undefined,
): Attributes {
  const attributes: Attributes = {
    "http.request.method": request.method,
    "url.path": request.path,
  };
  if (server !== undefined) {
    attributes["server.address"] = server.address;
    attributes["server.port"] = server.port;
    attributes["url.full"] = server.base + request.path;
  }
  return attributes;
}

/** `request` reporting its response status to `span` (and to the caller's callback, if any). */
function withStatusAttribute(request: RequestOptions, span: Span): RequestOptions {
  const callerCallback = request.onResponseStatus;
  return {
    ...request,
    onResponseStatus(status: number): void {
      span.setAttribute("http.response.status_code", status);
      callerCallback?.(status);
    },
  };
}

/** `request` with the span's context in its headers, merged under the caller's own. */
function withTraceContext(request: RequestOptions, span: Span): RequestOptions {
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  const injected = Object.entries(carrier);
  if (injected.length === 0) return request;
  const own = request.headers ?? {};
  const taken = new Set(Object.keys(own).map((name) => name.toLowerCase()));
  const headers: Record<string, string> = { ...own };
  for (const [name, value] of injected) {
    if (!taken.has(name.toLowerCase())) headers[name] = value;
  }
  return { ...request, headers };
}

/**
 * Wraps `client` so that every request is a client span (`GET`, `PATCH`, ...), a child of
 * whatever span is active when the request starts — inside a Run, the span of the step making
 * it. Attributes follow the HTTP semantic conventions: `http.request.method`, `url.path`,
 * `http.response.status_code` once a response arrived (through the request's
 * `onResponseStatus`, which `HttpRestClient` calls; the status of a `KubernetesApiError`
 * otherwise), `server.address`, `server.port` and `url.full` when the server is known (see
 * {@linkcode TracingClientOptions.server}), and `error.type` on failures; a failed request
 * records the error on its span. A streamed request's span ends when the stream is handed back.
 *
 * Query strings are not recorded (selectors and continue tokens add cardinality and may carry
 * data), nor are bodies or headers, so no credential reaches a span.
 *
 * With `propagate` (the default) the span's context also travels in the request's headers
 * through the registered propagator (W3C `traceparent`), so a server or proxy that traces can
 * join the trace; with no propagator registered nothing is added.
 *
 * @param client The client to wrap.
 * @param options The tracer provider and whether to propagate the trace context.
 * @returns A client with the same behaviour that also records spans.
 * @throws {TypeError} If `options.server` is not an absolute http(s) URL.
 *
 * @example
 * ```ts
 * import { tracingClient } from "@staircase/staircase/telemetry";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 *
 * // Any RestClient; here one that answers every request in memory.
 * const inner = restClientFromHandler(() => Promise.resolve({ kind: "Status", status: "Success" }));
 * const client = tracingClient(inner);
 * const answer = await client.performRequest({ method: "GET", path: "/version", expectJson: true });
 * console.log(answer); // { kind: "Status", status: "Success" }
 * ```
 */
export function tracingClient(client: RestClient, options: TracingClientOptions = {}): RestClient {
  const tracer: Tracer = tracerOf(options.tracerProvider);
  const propagate = options.propagate ?? true;
  const serverUrl = options.server ??
    (client instanceof HttpRestClient ? client.connection.server : undefined);
  const server = serverUrl === undefined ? undefined : serverAttributes(serverUrl);
  return decorateRestClient(client, (request, next) =>
    tracer.startActiveSpan(request.method, {
      kind: SpanKind.CLIENT,
      attributes: requestAttributes(request, server),
    }, async (span: Span) => {
      const sent = propagate ? withTraceContext(request, span) : request;
      // A span that records nothing (no SDK) needs no status: the request goes as it is.
      const traced = span.isRecording() ? withStatusAttribute(sent, span) : sent;
      try {
        return await next(traced);
      } catch (error) {
        if (error instanceof KubernetesApiError) {
          span.setAttribute("http.response.status_code", error.code);
          span.setAttribute("error.type", String(error.code));
        } else {
          span.setAttribute("error.type", error instanceof Error ? error.name : "unknown");
        }
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    }));
}
