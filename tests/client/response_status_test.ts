/**
 * `RequestOptions.onResponseStatus` on `HttpRestClient`: called once with the status the request
 * ended with (after retries and a credential renewal), for successes and failures alike, never
 * when no response arrived; a callback that throws changes nothing but a logged warning.
 *
 * @module
 */
import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { KubernetesApiError } from "../../lib/client/api_error.ts";
import { ConnectionError } from "../../lib/client/errors.ts";
import type { CredentialSource } from "../../lib/client/credentials.ts";
import { fails, json, startServer, statusResponse } from "./test_server.ts";

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };

/** Collects the statuses a request reports. */
function statusRecorder(): { statuses: number[]; onResponseStatus: (status: number) => void } {
  const statuses: number[] = [];
  return { statuses, onResponseStatus: (status) => statuses.push(status) };
}

Deno.test("onResponseStatus: a success reports its own status (200, 201)", async () => {
  await using server = startServer((req) =>
    req.method === "POST" ? json({ kind: "ConfigMap" }, 201) : json({ kind: "ConfigMap" })
  );
  using client = new HttpRestClient({ server: server.url });
  const get = statusRecorder();
  await client.performRequest({ method: "GET", path: "/x", expectJson: true, ...get });
  assert.deepEqual(get.statuses, [200]);
  const post = statusRecorder();
  await client.performRequest({ method: "POST", path: "/x", bodyJson: {}, ...post });
  assert.deepEqual(post.statuses, [201]);
});

Deno.test("onResponseStatus: a stream reports its status before it is handed back", async () => {
  await using server = startServer(() =>
    new Response('{"type":"ADDED"}\n', { headers: { "content-type": "application/json" } })
  );
  using client = new HttpRestClient({ server: server.url });
  const watch = statusRecorder();
  const lines = await client.performRequest({
    method: "GET",
    path: "/x",
    expectJson: true,
    expectStream: true,
    ...watch,
  });
  assert.deepEqual(watch.statuses, [200]);
  assert.deepEqual(await Array.fromAsync(lines), [{ type: "ADDED" }]);
});

Deno.test("onResponseStatus: once, with the final status, after retries", async () => {
  await using server = startServer((_req, i) =>
    i < 2 ? new Response("busy", { status: 503 }) : json({ ok: true })
  );
  using client = new HttpRestClient({ server: server.url }, fast);
  const recorder = statusRecorder();
  await client.performRequest({ method: "GET", path: "/x", expectJson: true, ...recorder });
  assert.equal(server.requests.length, 3);
  assert.deepEqual(recorder.statuses, [200]);
});

Deno.test("onResponseStatus: once, after a 401 renewed the credentials", async () => {
  let token = "old";
  const credentials: CredentialSource = {
    get: () => Promise.resolve({ authorization: `Bearer ${token}` }),
    invalidate: () => {
      token = "new";
      return Promise.resolve(true);
    },
  };
  await using server = startServer((req) =>
    req.headers.get("authorization") === "Bearer new"
      ? json({ ok: true })
      : statusResponse(401, "Unauthorized")
  );
  using client = new HttpRestClient({ server: server.url, credentials });
  const recorder = statusRecorder();
  await client.performRequest({ method: "GET", path: "/x", ...recorder });
  assert.equal(server.requests.length, 2);
  assert.deepEqual(recorder.statuses, [200]);
});

Deno.test("onResponseStatus: a failure status is reported, then the typed error", async () => {
  await using server = startServer(() => statusResponse(404, "NotFound"));
  using client = new HttpRestClient({ server: server.url });
  const recorder = statusRecorder();
  await assert.rejects(
    client.performRequest({ method: "GET", path: "/x", ...recorder }),
    (error: unknown) => error instanceof KubernetesApiError && error.code === 404,
  );
  assert.deepEqual(recorder.statuses, [404]);
});

Deno.test("onResponseStatus: not called when no response arrived", async () => {
  // A port nothing listens on: the connection is refused.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  using client = new HttpRestClient({ server: `http://127.0.0.1:${port}` }, { retry: false });
  const recorder = statusRecorder();
  await assert.rejects(
    client.performRequest({ method: "GET", path: "/x", ...recorder }),
    fails(ConnectionError),
  );
  assert.deepEqual(recorder.statuses, []);
});

Deno.test("onResponseStatus: a callback that throws leaves the request's outcome alone", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { buffer: (record) => records.push(record) },
    loggers: [
      { category: ["staircase"], sinks: ["buffer"], lowestLevel: "warning" },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
    reset: true,
  });
  try {
    await using server = startServer(() => json({ kind: "ConfigMap" }, 201));
    using client = new HttpRestClient({ server: server.url });
    const created = await client.performRequest({
      method: "POST",
      path: "/api/v1/namespaces/a/configmaps",
      bodyJson: {},
      expectJson: true,
      onResponseStatus: () => {
        throw new Error("observer bug");
      },
    });
    // The object was created: the caller must see it, not the callback's error.
    assert.deepEqual(created, { kind: "ConfigMap" });
    assert.equal(records.length, 1);
    assert.match(JSON.stringify(records[0].message), /onResponseStatus/);
    assert.match(JSON.stringify(records[0].message), /\/api\/v1\/namespaces\/a\/configmaps/);
  } finally {
    await reset();
  }
});
