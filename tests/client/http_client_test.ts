import assert from "node:assert/strict";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { StaticCredentials } from "../../lib/client/credentials.ts";
import type { CredentialSource, RequestCredentials } from "../../lib/client/credentials.ts";
import {
  isConflict,
  isNotFound,
  isTooManyRequests,
  KubernetesApiError,
} from "../../lib/client/api_error.ts";
import { ConnectionError, TlsError } from "../../lib/client/errors.ts";
import { VERSION } from "../../lib/version.ts";
import { fails, fixture, json, startServer, statusResponse } from "./test_server.ts";

/** Never answers, until the client goes away (so the server can shut down). */
function hangUntilAborted(req: Request): Promise<Response> {
  return new Promise((resolve) => {
    req.signal.addEventListener("abort", () => resolve(new Response("late")));
  });
}

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };

Deno.test("http: TLS with CA, bearer token, User-Agent, encoded path, query, JSON body", async () => {
  await using server = startServer((req) => json({ echo: new URL(req.url).pathname }), {
    tls: true,
  });
  using client = new HttpRestClient({
    server: server.url,
    caCerts: [fixture("ca.crt")],
    credentials: StaticCredentials.bearer("tok-123"),
  });
  const result = await client.performRequest({
    method: "POST",
    path: `/api/v1/namespaces/a/configmaps/${encodeURIComponent("we ird/name")}`,
    querystring: new URLSearchParams({ fieldManager: "me" }),
    bodyJson: { a: 1 },
    expectJson: true,
  });
  assert.deepEqual(result, { echo: "/api/v1/namespaces/a/configmaps/we%20ird%2Fname" });
  const req = server.requests[0];
  assert.equal(req.headers.get("authorization"), "Bearer tok-123");
  assert.equal(req.headers.get("user-agent"), `staircase/${VERSION}`);
  assert.equal(req.headers.get("content-type"), "application/json");
  assert.equal(req.headers.get("accept"), "application/json");
  assert.equal(new URL(req.url).search, "?fieldManager=me");
});

Deno.test("http: response modes: bytes, byte stream, JSON lines", async () => {
  await using server = startServer(() => new Response('{"a":1}\n{"a":2}\n'));
  using client = new HttpRestClient({ server: server.url });
  const bytes = await client.performRequest({ method: "GET", path: "/x" });
  assert.equal(new TextDecoder().decode(bytes), '{"a":1}\n{"a":2}\n');
  const stream = await client.performRequest({ method: "GET", path: "/x", expectStream: true });
  assert.equal(await new Response(stream).text(), '{"a":1}\n{"a":2}\n');
  const lines = await client.performRequest({
    method: "GET",
    path: "/x",
    expectStream: true,
    expectJson: true,
  });
  assert.deepEqual(await Array.fromAsync(lines), [{ a: 1 }, { a: 2 }]);
});

Deno.test("http: 429 and 503 are retried for GET", async () => {
  await using server = startServer((_req, i) => {
    if (i === 0) return statusResponse(429, "TooManyRequests");
    if (i === 1) return new Response("busy", { status: 503 });
    return json({ ok: true });
  });
  using client = new HttpRestClient({ server: server.url }, fast);
  const result = await client.performRequest({ method: "GET", path: "/x", expectJson: true });
  assert.deepEqual(result, { ok: true });
  assert.equal(server.requests.length, 3);
});

Deno.test("http: Retry-After is honoured", async () => {
  const times: number[] = [];
  await using server = startServer((_req, i) => {
    times.push(performance.now());
    return i === 0
      ? new Response("slow down", { status: 429, headers: { "retry-after": "1" } })
      : json({ ok: true });
  });
  using client = new HttpRestClient({ server: server.url }, fast);
  await client.performRequest({ method: "GET", path: "/x", expectJson: true });
  assert.ok(times[1] - times[0] >= 950, `waited ${times[1] - times[0]} ms`);
});

Deno.test("http: POST is not retried on 503; idempotent opt-in is", async () => {
  await using server = startServer(() => new Response("unavailable", { status: 503 }));
  using client = new HttpRestClient({ server: server.url }, fast);
  await assert.rejects(
    client.performRequest({ method: "POST", path: "/x", bodyJson: {}, expectJson: true }),
    (err: KubernetesApiError) => err.code === 503 && err.reason === "ServiceUnavailable",
  );
  assert.equal(server.requests.length, 1);
  await assert.rejects(
    client.performRequest({ method: "PUT", path: "/x", bodyJson: {}, idempotent: true }),
    (err: unknown) => err instanceof KubernetesApiError && err.code === 503,
  );
  assert.equal(server.requests.length, 1 + 5);
});

Deno.test("http: retries give up after maxAttempts with the last error", async () => {
  await using server = startServer(() => statusResponse(429, "TooManyRequests", "slow"));
  using client = new HttpRestClient({ server: server.url }, {
    retry: { maxAttempts: 3, baseDelayMs: 1 },
  });
  await assert.rejects(
    client.performRequest({ method: "GET", path: "/x" }),
    (err: unknown) => isTooManyRequests(err),
  );
  assert.equal(server.requests.length, 3);
});

Deno.test("http: Status errors are typed with reason, details and causes", async () => {
  await using server = startServer((_req, i) =>
    i === 0 ? statusResponse(404, "NotFound", 'configmaps "x" not found') : json({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code: 409,
      reason: "Conflict",
      message: "Apply failed with 1 conflict",
      details: {
        name: "x",
        kind: "configmaps",
        causes: [{ reason: "FieldManagerConflict", field: ".data.a" }],
      },
    }, 409)
  );
  using client = new HttpRestClient({ server: server.url });
  const e1 = await client.performRequest({ method: "GET", path: "/api/v1/x" }).catch((e) => e);
  assert.ok(e1 instanceof KubernetesApiError);
  assert.equal(isNotFound(e1), true);
  assert.equal(e1.message, 'GET /api/v1/x: 404 NotFound: configmaps "x" not found');
  const e2 = await client.performRequest({ method: "PATCH", path: "/y", bodyJson: {} }).catch((e) =>
    e
  );
  assert.equal(isConflict(e2), true);
  assert.equal(e2.causes[0].field, ".data.a");
  assert.equal(e2.details.name, "x");
  assert.equal(e2.status.message, "Apply failed with 1 conflict");
});

class RotatingToken implements CredentialSource {
  #n = 0;
  get(): Promise<RequestCredentials> {
    return Promise.resolve({ authorization: `Bearer secret-${this.#n}` });
  }
  invalidate(): Promise<boolean> {
    this.#n++;
    return Promise.resolve(true);
  }
}

Deno.test("http: a 401 renews the credentials once and retries (even a POST)", async () => {
  await using server = startServer((req) =>
    req.headers.get("authorization") === "Bearer secret-1"
      ? json({ ok: true })
      : statusResponse(401, "Unauthorized")
  );
  using client = new HttpRestClient({ server: server.url, credentials: new RotatingToken() });
  const r = await client.performRequest({
    method: "POST",
    path: "/x",
    bodyJson: {},
    expectJson: true,
  });
  assert.deepEqual(r, { ok: true });
  assert.equal(server.requests.length, 2);
  // Renewal happens only once per request: a second refusal is returned as it is.
  await using refusing = startServer(() => statusResponse(401, "Unauthorized"));
  using client2 = new HttpRestClient({ server: refusing.url, credentials: new RotatingToken() });
  const err = await client2.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.equal(err.code, 401);
  assert.equal(refusing.requests.length, 2);
});

Deno.test("http: unreachable server is one clear ConnectionError, retried for GET, no hang", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  using client = new HttpRestClient({ server: `https://127.0.0.1:${port}` }, fast);
  const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.match(err.message, new RegExp(`cannot reach the API server at https://127.0.0.1:${port}`));
});

Deno.test("http: a server that never answers times out with a ConnectionError", async () => {
  await using server = startServer((req) => hangUntilAborted(req));
  using client = new HttpRestClient({ server: server.url }, {
    requestTimeoutMs: 200,
    retry: false,
  });
  const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.match(err.message, /no response within 200 ms/);
});

Deno.test("http: bad certificate is one clear TlsError, not retried", async () => {
  await using server = startServer(() => json({}), { tls: true });
  using client = new HttpRestClient(
    { server: server.url, caCerts: [fixture("other_ca.crt")] },
    fast,
  );
  const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.ok(err instanceof TlsError, String(err));
  assert.match(err.message, /UnknownIssuer/);
  assert.match(err.message, /certificate authority/);
  assert.equal(server.requests.length, 0);
  using insecure = new HttpRestClient({
    server: server.url,
    caCerts: [fixture("other_ca.crt")],
    insecureSkipTlsVerify: true,
  }, fast);
  const err2 = await insecure.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.match(err2.message, /--unsafely-ignore-certificate-errors=127.0.0.1/);
});

Deno.test("http: tokens and keys never appear in errors or inspected objects", async () => {
  const secret = "sUp3r-s3cret-t0ken";
  const key = fixture("client.key");
  await using server = startServer(() => statusResponse(403, "Forbidden", "nope"), { tls: true });
  using client = new HttpRestClient({
    server: server.url,
    caCerts: [fixture("ca.crt")],
    credentials: StaticCredentials.bearer(secret),
  });
  const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.equal(err.code, 403);
  const keyBody = key.split("\n")[1];
  for (const text of [err.message, String(err.stack), Deno.inspect(err, { depth: 10 })]) {
    assert.doesNotMatch(text, new RegExp(secret));
  }
  assert.doesNotMatch(Deno.inspect(client, { depth: 10 }), new RegExp(secret));
  // A TLS failure with a client certificate does not quote the key either.
  using bad = new HttpRestClient({
    server: server.url,
    caCerts: [fixture("other_ca.crt")],
    clientCertificate: { cert: fixture("client.crt"), key },
    credentials: StaticCredentials.bearer(secret),
  }, { retry: false });
  const tlsErr = await bad.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  for (const text of [tlsErr.message, Deno.inspect(tlsErr, { depth: 10 })]) {
    assert.doesNotMatch(text, new RegExp(secret));
    assert.equal(text.includes(keyBody), false);
  }
});

Deno.test("http: the rate limiter spaces requests", async () => {
  await using server = startServer(() => json({}));
  using client = new HttpRestClient({ server: server.url }, { rateLimit: { qps: 20, burst: 1 } });
  const start = performance.now();
  for (let i = 0; i < 5; i++) await client.performRequest({ method: "GET", path: "/x" });
  assert.ok(performance.now() - start >= 180, "4 waits of ~50 ms");
});

Deno.test("http: aborting a request rejects with the abort reason", async () => {
  await using server = startServer((req) => hangUntilAborted(req));
  using client = new HttpRestClient({ server: server.url });
  const ac = new AbortController();
  const pending = client.performRequest({ method: "GET", path: "/x", abortSignal: ac.signal });
  setTimeout(() => ac.abort(new Error("cancelled by test")), 50);
  await assert.rejects(pending, fails(Error, /cancelled by test/));
});

Deno.test("http: proxy-url sends requests through the proxy", async () => {
  // A plain-HTTP proxy sees absolute-form request targets.
  await using proxy = startServer((req) => json({ via: "proxy", target: req.url }));
  using client = new HttpRestClient({
    server: "http://kube.staircase.test:6443",
    proxyUrl: proxy.url,
  });
  const r = await client.performRequest({ method: "GET", path: "/version", expectJson: true });
  assert.deepEqual(r, { via: "proxy", target: "http://kube.staircase.test:6443/version" });
});

Deno.test("http: a request timeout out of range is a RangeError at construction", () => {
  const server = "https://127.0.0.1:6443";
  for (const requestTimeoutMs of [-1, NaN, 2 ** 31, 1e12]) {
    assert.throws(
      () => new HttpRestClient({ server }, { requestTimeoutMs }),
      fails(RangeError, /requestTimeoutMs must be a number of ms in \[0, 2147483647\]/),
      String(requestTimeoutMs),
    );
  }
  assert.throws(
    () => new HttpRestClient({ server }, { retry: { maxAttempts: NaN } }),
    fails(RangeError, /retry\.maxAttempts/),
  );
  // 0 and Infinity both mean no timeout; the largest timer delay is allowed.
  for (const requestTimeoutMs of [0, Infinity, 2 ** 31 - 1]) {
    new HttpRestClient({ server }, { requestTimeoutMs }).close();
  }
});

Deno.test("http: requestTimeoutMs Infinity waits like 0 does", async () => {
  await using server = startServer(async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return json({ late: true });
  });
  using client = new HttpRestClient({ server: server.url }, { requestTimeoutMs: Infinity });
  assert.deepEqual(
    await client.performRequest({ method: "GET", path: "/x", expectJson: true }),
    { late: true },
  );
});
