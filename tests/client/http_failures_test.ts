import assert from "node:assert/strict";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { ConnectionError } from "../../lib/client/errors.ts";
import { json, startServer, tcpServer } from "./test_server.ts";

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } };

Deno.test("http: a blackhole (accepts, never answers, not even TLS) times out; no hang", async () => {
  const hold: Promise<void>[] = [];
  const server = tcpServer((conn) => {
    // Read and ignore everything until the client gives up.
    const p = (async () => {
      const buf = new Uint8Array(4096);
      while ((await conn.read(buf)) !== null) { /* discard */ }
    })();
    hold.push(p);
    return p;
  });
  try {
    for (const scheme of ["https", "http"]) {
      using client = new HttpRestClient({ server: `${scheme}://127.0.0.1:${server.port}` }, {
        ...fast,
        requestTimeoutMs: 150,
      });
      const start = performance.now();
      const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
      const ms = performance.now() - start;
      assert.ok(err instanceof ConnectionError, `${scheme}: ${err}`);
      assert.match(err.message, /no response within 150 ms/);
      // 3 attempts of 150 ms plus tiny backoffs: far below any hang.
      assert.ok(ms < 5_000, `${scheme}: took ${ms} ms`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("http: a connection reset is retried for GET, never for POST", async () => {
  const response = new TextEncoder().encode(
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 8\r\n" +
      'connection: close\r\n\r\n{"ok":1}',
  );
  // Every even connection is dropped as soon as the request arrives; odd ones are answered.
  const server = tcpServer(async (conn, i) => {
    await conn.read(new Uint8Array(4096));
    if (i % 2 === 1) await conn.write(response);
    conn.close();
  });
  try {
    using client = new HttpRestClient({ server: `http://127.0.0.1:${server.port}` }, fast);
    assert.deepEqual(
      await client.performRequest({ method: "GET", path: "/x", expectJson: true }),
      { ok: 1 },
    );
    assert.equal(server.connections(), 2, "one reset, one retry");
    const err = await client.performRequest({ method: "POST", path: "/x", bodyJson: {} })
      .catch((e) => e);
    assert.ok(err instanceof ConnectionError, String(err));
    assert.equal(server.connections(), 3, "the POST was sent once");
  } finally {
    await server.close();
  }
});

Deno.test("http: streamed responses leave no listeners on a long-lived abort signal", async () => {
  await using server = startServer(() => json({ a: 1 }));
  using client = new HttpRestClient({ server: server.url });
  const controller = new AbortController();
  const signal = controller.signal;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    listeners++;
    add(...args);
  }) as typeof add;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    listeners--;
    remove(...args);
  }) as typeof remove;
  for (let i = 0; i < 20; i++) {
    const stream = await client.performRequest({
      method: "GET",
      path: "/x",
      expectStream: true,
      abortSignal: signal,
    });
    for await (const _ of stream) { /* drain */ }
    await client.performRequest({ method: "GET", path: "/x", abortSignal: signal });
  }
  assert.equal(listeners, 0);
  // The signal still cancels a stream that is being read.
  const stream = await client.performRequest({
    method: "GET",
    path: "/x",
    expectStream: true,
    abortSignal: signal,
  });
  controller.abort(new Error("stop"));
  await assert.rejects(
    (async () => {
      for await (const _ of stream) { /* drain */ }
    })(),
    /stop/,
  );
});

Deno.test("http: wire failures and retryable statuses share one maxAttempts budget", async () => {
  const unavailable = new TextEncoder().encode(
    "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbusy",
  );
  // The first connection is answered 503; every later one is dropped.
  const server = tcpServer(async (conn, i) => {
    await conn.read(new Uint8Array(4096));
    if (i === 0) await conn.write(unavailable);
    conn.close();
  });
  try {
    using client = new HttpRestClient({ server: `http://127.0.0.1:${server.port}` }, fast);
    const err = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
    assert.ok(err instanceof ConnectionError, String(err));
    assert.equal(server.connections(), 3, "3 attempts in total, not 3 per kind");
  } finally {
    await server.close();
  }
});
