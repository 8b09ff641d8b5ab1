/** Issue 8: the transport's defects found by probing with misbehaving loopback servers. */
import assert from "node:assert/strict";
import {
  ClientConfigError,
  ConnectionError,
  CredentialError,
  type CredentialSource,
  HttpRestClient,
  KubernetesApiError,
  RedirectError,
  StaticCredentials,
} from "../../lib/client/mod.ts";
import { fails, fixture, json, startServer, tcpServer } from "./test_server.ts";

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } };

const enc = new TextEncoder();

function within<T>(ms: number, p: Promise<T>): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<"hung">((r) => (timer = setTimeout(() => r("hung"), ms))),
  ]).finally(() => clearTimeout(timer));
}

Deno.test("item 5: a token the server or a proxy echoes never reaches the error", async () => {
  const token = "plain-t0ken-value"; // no known token shape: only the held value can catch it
  for (const code of [401, 403, 404, 500, 502]) {
    for (const asStatus of [true, false]) {
      await using server = startServer((req) => {
        const echoed = `you sent: ${req.headers.get("authorization")}; token ${token}`;
        return asStatus
          ? json({
            kind: "Status",
            code,
            message: echoed,
            details: { causes: [{ message: echoed }] },
          }, code)
          : new Response(echoed, { status: code });
      });
      using client = new HttpRestClient({
        server: server.url,
        credentials: StaticCredentials.bearer(token),
      }, { retry: false });
      const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
      assert.ok(err instanceof KubernetesApiError, String(err));
      assert.equal(err.code, code);
      for (
        const text of [err.message, String(err), JSON.stringify(err), String(err.stack)]
      ) {
        assert.equal(text.includes(token), false, `${code} ${asStatus}: ${text}`);
      }
      assert.match(err.message, /you sent: Bearer \[redacted\]/);
    }
  }
});

Deno.test("item 8: redirects are never followed; the error names the location", async () => {
  await using plain = startServer(() => json({ kind: "Secret", data: { k: "djE=" } }));
  await using server = startServer(
    (req) =>
      new URL(req.url).pathname === "/api/v1/namespaces/a/configmaps/c"
        ? new Response(null, {
          status: 302,
          headers: { location: "/api/v1/namespaces/a/secrets/s" },
        })
        : new Response(null, { status: 307, headers: { location: `${plain.url}/steal` } }),
    {
      tls: true,
    },
  );
  using client = new HttpRestClient({ server: server.url, caCerts: [fixture("ca.crt")] }, fast);
  await assert.rejects(
    client.performRequest({
      method: "GET",
      path: "/api/v1/namespaces/a/configmaps/c",
      expectJson: true,
    }),
    fails(RedirectError, /HTTP 302 to \/api\/v1\/namespaces\/a\/secrets\/s.*never followed/),
  );
  const err = await client.performRequest({
    method: "POST",
    path: "/apis/x",
    bodyJson: { secret: "body" },
    expectJson: true,
  }).catch((e) => e);
  assert.ok(err instanceof RedirectError, String(err));
  assert.equal(err.status, 307);
  assert.equal(err.location, `${plain.url}/steal`);
  // Neither redirect was followed: the plain-HTTP server never saw a request.
  assert.equal(plain.requests.length, 0);
  assert.equal(server.requests.length, 2);
});

Deno.test("item 9: a token with CR, LF or NUL is a CredentialError that does not quote it", async () => {
  await using server = startServer(() => json({}));
  for (const bad of ["abc\r\nX-Injected: 1", "abc\nxyz", "abc\0xyz"]) {
    using client = new HttpRestClient({
      server: server.url,
      credentials: StaticCredentials.bearer(`s3cr3t-${bad}`),
    }, fast);
    const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
    assert.ok(err instanceof CredentialError, String(err));
    assert.match(err.message, /not a valid Authorization header/);
    assert.equal(err.message.includes("s3cr3t"), false, err.message);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("item 11: a streamed request answered with an error whose body stalls does not hang", async () => {
  await using server = startServer((req) =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(enc.encode('{"kind":"Status","mess'));
        },
        pull: () => new Promise((r) => req.signal.addEventListener("abort", () => r())),
      }),
      { status: 500 },
    )
  );
  using client = new HttpRestClient({ server: server.url }, {
    retry: false,
    requestTimeoutMs: 200,
  });
  const outcome = await within(
    10_000,
    client.performRequest({ method: "GET", path: "/w", expectStream: true }).catch((e) => e),
  );
  assert.ok(outcome instanceof KubernetesApiError, String(outcome));
  assert.equal(outcome.code, 500);
});

Deno.test("item 12: a truncated body is a ConnectionError, and a GET is retried", async () => {
  const server = tcpServer(async (conn, i) => {
    await conn.read(new Uint8Array(4096));
    if (i === 0) {
      // Promises 100 bytes, sends 9, hangs up.
      await conn.write(enc.encode(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n" +
          '{"items":',
      ));
    } else {
      await conn.write(enc.encode(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\n" +
          'connection: close\r\n\r\n{"ok":1}',
      ));
    }
    conn.close();
  });
  try {
    using client = new HttpRestClient({ server: server.url }, fast);
    assert.deepEqual(
      await client.performRequest({ method: "GET", path: "/x", expectJson: true }),
      { ok: 1 },
    );
    assert.equal(server.connections(), 2);
    using once = new HttpRestClient({ server: server.url }, { retry: false });
    const before = server.connections();
    // Connection 2+ answer fully; make a fresh server state by sending a POST (never retried).
    const posted = await once.performRequest({ method: "POST", path: "/x", expectJson: true });
    assert.deepEqual(posted, { ok: 1 });
    assert.equal(server.connections(), before + 1);
  } finally {
    await server.close();
  }
  const truncated = tcpServer(async (conn) => {
    await conn.read(new Uint8Array(4096));
    await conn.write(enc.encode(
      'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"items":',
    ));
    conn.close();
  });
  try {
    using client = new HttpRestClient({ server: truncated.url }, { retry: false });
    await assert.rejects(
      client.performRequest({ method: "POST", path: "/x", expectJson: true }),
      fails(ConnectionError, /broke/),
    );
    assert.equal(truncated.connections(), 1);
  } finally {
    await truncated.close();
  }
});

Deno.test("item 12: a body that stalls mid-way times out as a ConnectionError and is retried", async () => {
  await using server = startServer((req, i) =>
    i === 0
      ? new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(enc.encode('{"items":'));
          },
          pull: () => new Promise((r) => req.signal.addEventListener("abort", () => r())),
        }),
      )
      : json({ ok: 2 })
  );
  using client = new HttpRestClient({ server: server.url }, { ...fast, requestTimeoutMs: 200 });
  assert.deepEqual(
    await client.performRequest({ method: "GET", path: "/x", expectJson: true }),
    { ok: 2 },
  );
  assert.equal(server.requests.length, 2);
});

Deno.test("item 13: the client key never shows in Deno.inspect(client) or JSON of the connection", () => {
  const key = fixture("client.key");
  const keyLine = key.split("\n")[1];
  using client = new HttpRestClient({
    server: "https://127.0.0.1:1",
    caCerts: [fixture("ca.crt")],
    clientCertificate: { cert: fixture("client.crt"), key },
  });
  for (
    const text of [
      Deno.inspect(client, { depth: 10 }),
      JSON.stringify(client.connection),
      Deno.inspect(client.connection, { depth: 10 }),
    ]
  ) {
    assert.equal(text.includes(keyLine), false, text);
  }
  // The key is still there for the TLS client.
  assert.equal(client.connection.clientCertificate?.key, key);
});

Deno.test("item 15: Retry-After of 0, a past date or garbage falls back to backoff", async () => {
  for (const value of ["0", "Thu, 01 Jan 1970 00:00:00 GMT", "-3", "soon", "1e400"]) {
    const times: number[] = [];
    await using server = startServer((_req, i) => {
      times.push(performance.now());
      return i === 0
        ? new Response("wait", { status: 503, headers: { "retry-after": value } })
        : json({});
    });
    using client = new HttpRestClient({ server: server.url }, {
      retry: { baseDelayMs: 200, maxDelayMs: 200 },
    });
    await client.performRequest({ method: "GET", path: "/x" });
    // Equal jitter: the first backoff is at least half of 200 ms. A load can only add time.
    assert.ok(times[1] - times[0] >= 95, `${value}: retried after ${times[1] - times[0]} ms`);
  }
});

Deno.test("item 15: retryAfterSeconds is clamped to a day", async () => {
  await using server = startServer(() =>
    json({ kind: "Status", code: 429, details: { retryAfterSeconds: 1e12 } }, 429, {
      "retry-after": "99999999999",
    })
  );
  using client = new HttpRestClient({ server: server.url }, { retry: false });
  const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.ok(err instanceof KubernetesApiError, String(err));
  assert.equal(err.retryAfterSeconds, 86_400);
  const fromStatus = new KubernetesApiError({ code: 429, details: { retryAfterSeconds: 1e12 } });
  assert.equal(fromStatus.retryAfterSeconds, 86_400);
  assert.equal(
    new KubernetesApiError({ code: 429, details: { retryAfterSeconds: -1 } }).retryAfterSeconds,
    undefined,
  );
});

Deno.test("item 3: waiting for credentials obeys the request timeout and the caller's signal", async () => {
  const never: CredentialSource = {
    get: () => new Promise(() => {}),
    invalidate: () => Promise.resolve(false),
  };
  await using server = startServer(() => json({}));
  using client = new HttpRestClient({ server: server.url, credentials: never }, {
    retry: false,
    requestTimeoutMs: 100,
  });
  await assert.rejects(
    client.performRequest({ method: "GET", path: "/x" }),
    fails(CredentialError, /not ready within the request timeout of 100 ms/),
  );
  using patient = new HttpRestClient({ server: server.url, credentials: never }, {
    retry: false,
    requestTimeoutMs: 0,
  });
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("caller gave up")), 50);
  await assert.rejects(
    patient.performRequest({ method: "GET", path: "/x", abortSignal: ac.signal }),
    fails(Error, /caller gave up/),
  );
  assert.equal(server.requests.length, 0);
});

Deno.test("item 17: a corrupt client key is a named ClientConfigError that quotes nothing", async () => {
  const corrupt =
    "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n";
  using client = new HttpRestClient({
    server: "https://127.0.0.1:1",
    caCerts: [fixture("ca.crt")],
    clientCertificate: { cert: fixture("client.crt"), key: corrupt },
  }, { retry: false });
  const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.ok(err instanceof ClientConfigError, String(err));
  assert.match(err.message, /not valid PEM/);
  assert.equal(err.message.includes("bm90IGEga2V5"), false);
});

Deno.test("item 18: strictTrust refuses a server a public CA could also vouch for", () => {
  const ca = [fixture("ca.crt")];
  for (
    const server of ["https://example.com", "https://34.1.2.3:443", "https://k.eks.amazonaws.com"]
  ) {
    assert.throws(
      () => new HttpRestClient({ server, caCerts: ca }, { strictTrust: true }),
      fails(ClientConfigError, /could also be certified by a public certificate authority/),
      server,
    );
  }
  assert.throws(
    () => new HttpRestClient({ server: "http://10.0.0.1" }, { strictTrust: true }),
    fails(ClientConfigError, /not HTTPS/),
  );
  for (
    const server of [
      "https://10.0.0.1:6443",
      "https://127.0.0.1:6443",
      "https://192.168.1.5",
      "https://[::1]:6443",
      "https://[fd00::1]",
      "https://kubernetes.default.svc",
      "https://api.cluster.internal",
      "https://localhost:6443",
    ]
  ) {
    using client = new HttpRestClient({ server, caCerts: ca }, { strictTrust: true });
    assert.equal(client.connection.server, server);
  }
  // Without a CA of its own the public roots are the intended trust.
  using publicServer = new HttpRestClient({ server: "https://example.com" }, { strictTrust: true });
  assert.ok(publicServer);
  // Off by default.
  using lax = new HttpRestClient({ server: "https://example.com", caCerts: ca });
  assert.ok(lax);
});
