/**
 * {@linkcode tracingClient}: a span for every request a {@linkcode RestClient} makes.
 *
 * @module
 */

import { type Span, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { KubernetesApiError } from "../client/api_error.ts";
import type { RestClient } from "../client/contract.ts";
import { decorateRestClient } from "../client/decorate.ts";
import { tracerOf, type TracerProviderLike } from "./providers.ts";

/**
 * Options of {@linkcode tracingClient}.
 *
 * @example
 * ```ts
 * import type { TracingClientOptions } from "@staircase/staircase/telemetry";
 *
 * const options: TracingClientOptions = {};
 * console.log(Object.keys(options).length); // 0: the global tracer provider
 * ```
 */
export interface TracingClientOptions {
  /**
   * Where the spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`), a no-op until the application registers an SDK
   */
  readonly tracerProvider?: TracerProviderLike;
}

/**
 * Wraps `client` so that every request is a client span (`GET`, `PATCH`, ...), a child of
 * whatever span is active when the request starts — inside a Run, the span of the step making
 * it. Attributes follow the HTTP semantic conventions (`http.request.method`, `url.path`,
 * `http.response.status_code` and `error.type` on failures); a failed request records the
 * error on its span. A streamed request's span ends when the stream is handed back.
 *
 * Query strings are not recorded (selectors and continue tokens add cardinality and may carry
 * data), nor are bodies or headers, so no credential reaches a span.
 *
 * @param client The client to wrap.
 * @param options The tracer provider.
 * @returns A client with the same behaviour that also records spans.
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
  return decorateRestClient(client, (request, next) =>
    tracer.startActiveSpan(request.method, {
      kind: SpanKind.CLIENT,
      attributes: { "http.request.method": request.method, "url.path": request.path },
    }, async (span: Span) => {
      try {
        return await next(request);
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
