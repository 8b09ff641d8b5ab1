import assert from "node:assert/strict";
import { propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { KubernetesApiError } from "../../lib/client/api_error.ts";
import type { RequestOptions, RestClient } from "../../lib/client/contract.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { tracingClient } from "../../lib/telemetry/mod.ts";
import { json, startServer } from "../client/test_server.ts";
import { only, parentOf, TestSdk } from "./_sdk.ts";

function fakeClient(answer: (options: RequestOptions) => Promise<unknown>): RestClient {
  return { performRequest: answer, defaultNamespace: "team-a" } as RestClient;
}

/** Runs `test` with a fresh SDK and the W3C propagator registered globally, then removes both. */
async function withW3cPropagator(test: (sdk: TestSdk) => Promise<void>): Promise<void> {
  const sdk = new TestSdk();
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  try {
    await test(sdk);
  } finally {
    propagation.disable();
    await sdk.shutdown();
  }
}

/** A fake client that answers every request with `body` and keeps what it was asked. */
function recordingClient(body: unknown = {}): { client: RestClient; seen: RequestOptions[] } {
  const seen: RequestOptions[] = [];
  const client = fakeClient((options) => {
    seen.push(options);
    return Promise.resolve(body);
  });
  return { client, seen };
}

Deno.test("tracingClient: a client span per request, child of the active span", async () => {
  const sdk = new TestSdk();
  const { client: inner, seen } = recordingClient({ kind: "ConfigMap" });
  const client = tracingClient(inner, { tracerProvider: sdk.tracerProvider });
  assert.equal(client.defaultNamespace, "team-a");
  const tracer = sdk.tracerProvider.getTracer("test");
  const body = await tracer.startActiveSpan("outer", async (outer) => {
    try {
      return await client.performRequest({
        method: "GET",
        path: "/api/v1/namespaces/a/configmaps/b",
        querystring: new URLSearchParams({ labelSelector: "secret=value" }),
        expectJson: true,
      });
    } finally {
      outer.end();
    }
  });
  assert.deepEqual(body, { kind: "ConfigMap" });
  assert.equal(seen.length, 1);
  const spans = sdk.finished();
  const request = only(spans, "GET");
  assert.equal(request.kind, SpanKind.CLIENT);
  assert.equal(parentOf(request), only(spans, "outer").spanContext().spanId);
  assert.equal(request.attributes["http.request.method"], "GET");
  assert.equal(request.attributes["url.path"], "/api/v1/namespaces/a/configmaps/b");
  // The query string (selectors, tokens) is never recorded.
  assert.ok(!JSON.stringify(request.attributes).includes("secret=value"));
  assert.equal(request.status.code, SpanStatusCode.UNSET);
  await sdk.shutdown();
});

Deno.test("tracingClient: a failed request records the status code and the error", async () => {
  const sdk = new TestSdk();
  const failure = KubernetesApiError.fromResponseBody(
    404,
    JSON.stringify({ kind: "Status", reason: "NotFound", message: 'configmaps "b" not found' }),
    { method: "GET", path: "/api/v1/namespaces/a/configmaps/b" },
  );
  const client = tracingClient(fakeClient(() => Promise.reject(failure)), {
    tracerProvider: sdk.tracerProvider,
  });
  await assert.rejects(
    client.performRequest({ method: "GET", path: "/api/v1/namespaces/a/configmaps/b" }),
    (error) => error === failure,
  );
  const span = only(sdk.finished(), "GET");
  assert.equal(span.attributes["http.response.status_code"], 404);
  assert.equal(span.attributes["error.type"], "404");
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.events.filter((e) => e.name === "exception").length, 1);
  await sdk.shutdown();
});

Deno.test("tracingClient: a connection failure names the error class", async () => {
  const sdk = new TestSdk();
  const client = tracingClient(fakeClient(() => Promise.reject(new TypeError("reset"))), {
    tracerProvider: sdk.tracerProvider,
  });
  await assert.rejects(client.performRequest({ method: "POST", path: "/x" }), TypeError);
  const span = only(sdk.finished(), "POST");
  assert.equal(span.attributes["error.type"], "TypeError");
  assert.equal(span.attributes["http.response.status_code"], undefined);
  await sdk.shutdown();
});

Deno.test("tracingClient: without an SDK every call goes through untouched", async () => {
  // The global provider is the API's no-op one here: nothing recorded, nothing changed.
  assert.equal(trace.getActiveSpan(), undefined);
  const { client: inner, seen } = recordingClient(42);
  const client = tracingClient(inner);
  const request = { method: "GET", path: "/version", expectJson: true } as const;
  assert.equal(await client.performRequest(request), 42);
  // The very request: no status callback added for a span that records nothing.
  assert.deepEqual(seen, [request]);
});

Deno.test("tracingClient: propagates the request span as W3C traceparent to the server", () =>
  withW3cPropagator(async (sdk) => {
    await using server = startServer(() => json({ kind: "ConfigMap" }));
    using http = new HttpRestClient({ server: server.url });
    const client = tracingClient(http, { tracerProvider: sdk.tracerProvider });
    const tracer = sdk.tracerProvider.getTracer("test");
    await tracer.startActiveSpan("outer", async (outer) => {
      try {
        await client.performRequest({
          method: "GET",
          path: "/api/v1/namespaces/a/configmaps/b",
          headers: { "x-request-id": "r-1" },
          expectJson: true,
        });
      } finally {
        outer.end();
      }
    });
    const span = only(sdk.finished(), "GET");
    const { traceId, spanId } = span.spanContext();
    const received = server.requests[0].headers;
    // The request's own span (not the outer one) is the parent the server sees.
    assert.equal(received.get("traceparent"), `00-${traceId}-${spanId}-01`);
    assert.notEqual(spanId, only(sdk.finished(), "outer").spanContext().spanId);
    // The caller's headers are kept beside it.
    assert.equal(received.get("x-request-id"), "r-1");
  }));

Deno.test("tracingClient: a traceparent the caller set is kept, not replaced", () =>
  withW3cPropagator(async (sdk) => {
    const { client: inner, seen } = recordingClient();
    const client = tracingClient(inner, { tracerProvider: sdk.tracerProvider });
    const own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await client.performRequest({ method: "GET", path: "/x", headers: { TraceParent: own } });
    assert.deepEqual(seen[0].headers, { TraceParent: own });
  }));

Deno.test("tracingClient: propagate false adds no header, even with a propagator", () =>
  withW3cPropagator(async (sdk) => {
    await using server = startServer(() => json({}));
    using http = new HttpRestClient({ server: server.url });
    const client = tracingClient(http, { tracerProvider: sdk.tracerProvider, propagate: false });
    const request = { method: "GET", path: "/version", expectJson: true } as const;
    await client.performRequest(request);
    assert.equal(server.requests[0].headers.get("traceparent"), null);
    assert.equal(server.requests[0].headers.get("tracestate"), null);
    // The span is still recorded.
    only(sdk.finished(), "GET");
  }));

Deno.test("tracingClient: with no propagator registered the request is passed on as it is", async () => {
  const sdk = new TestSdk();
  const { client: inner, seen } = recordingClient();
  const client = tracingClient(inner, { tracerProvider: sdk.tracerProvider });
  const request: RequestOptions = { method: "GET", path: "/x" };
  await client.performRequest(request);
  // Nothing changed but the span's own status hook: no header added.
  const { onResponseStatus, ...rest } = seen[0];
  assert.deepEqual(rest, request);
  assert.equal(typeof onResponseStatus, "function");
  await sdk.shutdown();
});

Deno.test("tracingClient: over HttpRestClient a success records its status, the server and url.full", async () => {
  const sdk = new TestSdk();
  await using server = startServer((req) =>
    req.method === "POST" ? json({ kind: "ConfigMap" }, 201) : json({ kind: "ConfigMap" })
  );
  using http = new HttpRestClient({ server: server.url });
  const client = tracingClient(http, { tracerProvider: sdk.tracerProvider });
  const heard: number[] = [];
  await client.performRequest({
    method: "GET",
    path: "/api/v1/namespaces/a/configmaps",
    querystring: new URLSearchParams({ labelSelector: "secret=value" }),
    // The caller's own callback still hears the status.
    onResponseStatus: (status) => heard.push(status),
  });
  await client.performRequest({ method: "POST", path: "/api/v1/namespaces/a/configmaps" });
  assert.deepEqual(heard, [200]);
  const [get, post] = [only(sdk.finished(), "GET"), only(sdk.finished(), "POST")];
  assert.equal(get.attributes["http.response.status_code"], 200);
  assert.equal(post.attributes["http.response.status_code"], 201);
  const port = Number(new URL(server.url).port);
  assert.equal(get.attributes["server.address"], "127.0.0.1");
  assert.equal(get.attributes["server.port"], port);
  assert.equal(get.attributes["url.full"], `${server.url}/api/v1/namespaces/a/configmaps`);
  assert.ok(!JSON.stringify(get.attributes).includes("secret=value"));
  assert.equal(get.status.code, SpanStatusCode.UNSET);
  await sdk.shutdown();
});

Deno.test("tracingClient: the server option names the server of any client", async () => {
  const sdk = new TestSdk();
  const { client: inner } = recordingClient();
  const cases: [string, string, number, string][] = [
    [
      "https://user:pass@k8s.example.com",
      "k8s.example.com",
      443,
      "https://k8s.example.com/version",
    ],
    ["http://10.0.0.1:8080/", "10.0.0.1", 8080, "http://10.0.0.1:8080/version"],
    [
      "https://[::1]:6443/k8s/clusters/c-1/",
      "::1",
      6443,
      "https://[::1]:6443/k8s/clusters/c-1/version",
    ],
  ];
  for (const [serverUrl, address, port, full] of cases) {
    const client = tracingClient(inner, { tracerProvider: sdk.tracerProvider, server: serverUrl });
    await client.performRequest({ method: "GET", path: "/version" });
    const span = sdk.finished().at(-1)!;
    assert.equal(span.attributes["server.address"], address, serverUrl);
    assert.equal(span.attributes["server.port"], port, serverUrl);
    assert.equal(span.attributes["url.full"], full, serverUrl);
    // Credentials in the URL never reach a span.
    assert.ok(!JSON.stringify(span.attributes).includes("pass"), serverUrl);
  }
  assert.throws(
    () => tracingClient(inner, { server: "k8s.example.com:6443" }),
    (error: unknown) =>
      error instanceof TypeError &&
      /server must be an absolute http\(s\) URL.*k8s\.example\.com/.test(error.message),
  );
  await sdk.shutdown();
});

Deno.test("tracingClient: spans of a client whose server is unknown carry no server attributes", async () => {
  const sdk = new TestSdk();
  const { client: inner } = recordingClient();
  await tracingClient(inner, { tracerProvider: sdk.tracerProvider }).performRequest({
    method: "GET",
    path: "/version",
  });
  const span = only(sdk.finished(), "GET");
  assert.equal(span.attributes["server.address"], undefined);
  assert.equal(span.attributes["url.full"], undefined);
  // A client that reports no status (restClientFromHandler-like): none is invented.
  assert.equal(span.attributes["http.response.status_code"], undefined);
  await sdk.shutdown();
});
