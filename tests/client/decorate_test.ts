/** Issue 9 seams: wrapping a RestClient, and idempotent requests marked in the contract. */
import assert from "node:assert/strict";
import { ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import {
  decorateRestClient,
  HttpRestClient,
  type JSONValue,
  KubernetesApiError,
  type RequestOptions,
  ResourceClient,
  type RestClient,
  restClientFromHandler,
} from "../../lib/client/mod.ts";
import { fails, json, startServer } from "./test_server.ts";

const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } };

/** Compiles only when `A` and `B` are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
const same = <T extends true>(): T => true as T;

Deno.test("decorateRestClient: a counting decorator in a few lines, overload typing kept", async () => {
  await using server = startServer(() => json({ items: [] }));
  using inner = new HttpRestClient({ server: server.url, namespace: "team" });

  let requests = 0;
  const counted = decorateRestClient(inner, (options, next) => {
    requests++;
    return next(options);
  });

  const list = await counted.performRequest({ method: "GET", path: "/x", expectJson: true });
  same<Same<typeof list, JSONValue>>();
  const bytes = await counted.performRequest({ method: "GET", path: "/x" });
  same<Same<typeof bytes, Uint8Array>>();
  assert.deepEqual(list, { items: [] });
  assert.equal(requests, 2);
  assert.equal(server.requests.length, 2);
  assert.equal(counted.defaultNamespace, "team");
  // Resource clients take the decorated client as any other.
  await new ResourceClient(counted, ConfigMaps, "team").list();
  assert.equal(requests, 3);
});

Deno.test("decorateRestClient: faults injected around a request; options can be rewritten", async () => {
  await using server = startServer((req) => json({ path: new URL(req.url).pathname }));
  using inner = new HttpRestClient({ server: server.url });
  let failNext = true;
  const flaky = decorateRestClient(inner, (options, next) => {
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error("injected"));
    }
    return next({ ...options, path: `/rewritten${options.path}` });
  });
  await assert.rejects(
    flaky.performRequest({ method: "GET", path: "/a", expectJson: true }),
    fails(Error, /injected/),
  );
  assert.deepEqual(await flaky.performRequest({ method: "GET", path: "/a", expectJson: true }), {
    path: "/rewritten/a",
  });
});

Deno.test("ResourceClient: a PUT carrying a resourceVersion is marked idempotent; others are not", async () => {
  const sent: RequestOptions[] = [];
  const client: RestClient = restClientFromHandler((options) => {
    sent.push(options);
    return Promise.resolve({});
  });
  const cms = new ResourceClient(client, ConfigMaps, "team");
  await cms.replace("a", { metadata: { name: "a", resourceVersion: "7" } });
  await cms.replaceStatus("a", { metadata: { name: "a", resourceVersion: "7" } });
  await cms.replaceScale("a", { metadata: { name: "a", resourceVersion: "7" } });
  await cms.replace("a", { metadata: { name: "a" } });
  await cms.replace("a", { metadata: { name: "a", resourceVersion: "" } });
  await cms.create({ metadata: { name: "b", resourceVersion: "7" } });
  await cms.patch("a", { metadata: { resourceVersion: "7" } }, { type: "merge" });
  assert.deepEqual(sent.map((o) => [o.method, o.idempotent]), [
    ["PUT", true],
    ["PUT", true],
    ["PUT", true],
    ["PUT", undefined],
    ["PUT", undefined],
    ["POST", undefined],
    ["PATCH", undefined],
  ]);
});

Deno.test("http: a PUT with a resourceVersion is retried on 503; one without is not", async () => {
  await using server = startServer((_req, i) =>
    i % 2 === 0 ? new Response("busy", { status: 503 }) : json({ ok: true })
  );
  using client = new HttpRestClient({ server: server.url }, fast);
  const cms = new ResourceClient(client, ConfigMaps, "team");
  await cms.replace("a", { metadata: { name: "a", resourceVersion: "7" } });
  assert.equal(server.requests.length, 2);
  await assert.rejects(
    cms.replace("a", { metadata: { name: "a" } }),
    fails(KubernetesApiError, /503 ServiceUnavailable/),
  );
  assert.equal(server.requests.length, 3);
});

Deno.test("http: 429 is retried for every method, POST and PATCH included", async () => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
    await using server = startServer((_req, i) =>
      i === 0
        ? json({ kind: "Status", code: 429, reason: "TooManyRequests" }, 429)
        : json({ ok: method })
    );
    using client = new HttpRestClient({ server: server.url }, fast);
    const result = await client.performRequest({
      method,
      path: "/x",
      bodyJson: method === "GET" || method === "DELETE" ? undefined : { a: 1 },
      expectJson: true,
    });
    assert.deepEqual(result, { ok: method });
    assert.equal(server.requests.length, 2, method);
  }
});
