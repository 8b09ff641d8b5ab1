import assert from "node:assert/strict";
import { ResourceClient } from "../../lib/client/resource_client.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { isGone, KubernetesApiError } from "../../lib/client/api_error.ts";
import { LineTooLongError, WatchIdleError } from "../../lib/client/errors.ts";
import type { PatchType, WatchState } from "../../lib/client/resource_options.ts";
import { fails, json, startServer } from "./test_server.ts";
import { countTimersArmed } from "../_fixtures.ts";

interface Obj {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

// Plain descriptors, as dynamic code hands them to ResourceClient (its ResourceDescriptor form);
// the generated tokens go through the same paths in the integration tests.
const CM = { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true };
const DEPLOY = {
  group: "apps",
  version: "v1",
  plural: "deployments",
  kind: "Deployment",
  namespaced: true,
};
const CRD = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
};

Deno.test("ResourceClient: paths for core/groups, namespaced/cluster-scoped, encoded", () => {
  const client = new HttpRestClient({ server: "http://unused" });
  const cms = new ResourceClient<Obj>(client, CM);
  assert.equal(cms.path(), "/api/v1/configmaps");
  assert.equal(
    cms.namespace("a b").path("x/y", "status"),
    "/api/v1/namespaces/a%20b/configmaps/x%2Fy/status",
  );
  assert.equal(
    new ResourceClient(client, DEPLOY, "ns").path("d", "scale"),
    "/apis/apps/v1/namespaces/ns/deployments/d/scale",
  );
  assert.equal(
    new ResourceClient(client, CRD).path("x.example.com"),
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x.example.com",
  );
  assert.throws(
    () => new ResourceClient(client, CRD).namespace("ns"),
    fails(TypeError, /cluster-scoped/),
  );
  assert.throws(() => cms.path("x"), fails(TypeError, /namespaced: choose a namespace/));
  assert.throws(() => cms.namespace("n").path(""), fails(TypeError, /non-empty/));
});

Deno.test("ResourceClient: verbs send the right method, path, query, content type and body", async () => {
  const bodies: unknown[] = [];
  await using server = startServer(async (req) => {
    const text = await req.text();
    bodies.push(text ? JSON.parse(text) : undefined);
    return json({ metadata: { name: "x" } });
  });
  const client = new HttpRestClient({ server: server.url });
  const cms = new ResourceClient<Obj>(client, CM).namespace("ns");
  await cms.get("x", { resourceVersion: "0" });
  await cms.list({
    labelSelector: "a=b",
    limit: 5,
    continue: "tok",
    resourceVersionMatch: "NotOlderThan",
    resourceVersion: "10",
  });
  await cms.create({ metadata: { name: "x" } }, {
    dryRun: true,
    fieldManager: "me",
    fieldValidation: "Strict",
  });
  await new ResourceClient<Obj>(client, CM).create({ metadata: { name: "y", namespace: "other" } });
  await cms.replace("x", { metadata: { name: "x", resourceVersion: "5" } });
  await cms.patch("x", { data: { a: null } }, { type: "merge" });
  await cms.patch("x", [{ op: "remove", path: "/data/a" }], { type: "json" });
  await cms.patch("x", { data: { a: "1" } }, { type: "strategic" });
  await cms.patch("x", { data: { a: "1" } }, { type: "apply", fieldManager: "op", force: true });
  await cms.delete("x", {
    propagationPolicy: "Foreground",
    preconditions: { uid: "u1" },
    dryRun: true,
  });
  await cms.deleteCollection({ labelSelector: "a=b" });
  await cms.patchStatus("x", { data: {} }, { type: "merge" });
  await new ResourceClient(client, DEPLOY, "ns").patchScale("d", { spec: { replicas: 2 } }, {
    type: "merge",
  });
  const seen = server.requests.map((r) => {
    const u = new URL(r.url);
    return `${r.method} ${u.pathname}${u.search} ${r.headers.get("content-type") ?? "-"}`;
  });
  assert.deepEqual(seen, [
    "GET /api/v1/namespaces/ns/configmaps/x?resourceVersion=0 -",
    "GET /api/v1/namespaces/ns/configmaps?labelSelector=a%3Db&limit=5&continue=tok&resourceVersion=10&resourceVersionMatch=NotOlderThan -",
    "POST /api/v1/namespaces/ns/configmaps?dryRun=All&fieldManager=me&fieldValidation=Strict application/json",
    "POST /api/v1/namespaces/other/configmaps application/json",
    "PUT /api/v1/namespaces/ns/configmaps/x application/json",
    "PATCH /api/v1/namespaces/ns/configmaps/x application/merge-patch+json",
    "PATCH /api/v1/namespaces/ns/configmaps/x application/json-patch+json",
    "PATCH /api/v1/namespaces/ns/configmaps/x application/strategic-merge-patch+json",
    "PATCH /api/v1/namespaces/ns/configmaps/x?fieldManager=op&force=true application/apply-patch+yaml",
    "DELETE /api/v1/namespaces/ns/configmaps/x?dryRun=All application/json",
    "DELETE /api/v1/namespaces/ns/configmaps?labelSelector=a%3Db -",
    "PATCH /api/v1/namespaces/ns/configmaps/x/status application/merge-patch+json",
    "PATCH /apis/apps/v1/namespaces/ns/deployments/d/scale application/merge-patch+json",
  ]);
  assert.deepEqual(bodies[5], { data: { a: null } }, "null survives for merge-patch deletes");
  assert.deepEqual(bodies[9], {
    apiVersion: "v1",
    kind: "DeleteOptions",
    propagationPolicy: "Foreground",
    preconditions: { uid: "u1" },
  });
});

Deno.test("ResourceClient: patch option mistakes are rejected before any request", async () => {
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: "http://unused" }), CM, "ns");
  await assert.rejects(
    cms.patch("x", {}, { type: "apply" }),
    fails(TypeError, /needs opts.fieldManager/),
  );
  await assert.rejects(
    cms.patch("x", {}, { type: "merge", force: true }),
    fails(TypeError, /force only applies/),
  );
  // Untyped (JavaScript or JSONValue) callers get run-time checks too.
  await assert.rejects(
    cms.patchRaw("x", {}, { type: "json" }),
    fails(TypeError, /must be an array/),
  );
  await assert.rejects(
    cms.patchRaw("x", {}, { type: "bogus" as PatchType }),
    fails(TypeError, /unknown patch type/),
  );
  await assert.rejects(cms.get(""), fails(TypeError, /non-empty/));
});

Deno.test("ResourceClient: listAll follows continue tokens", async () => {
  await using server = startServer((req) => {
    const c = new URL(req.url).searchParams.get("continue");
    const page = c ? Number(c) : 0;
    return json({
      items: [{ metadata: { name: `o${page * 2}` } }, { metadata: { name: `o${page * 2 + 1}` } }],
      metadata: { continue: page < 2 ? String(page + 1) : "" },
    });
  });
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: server.url }), CM);
  const names = (await Array.fromAsync(cms.listAll({ limit: 2 }))).map((o) => o.metadata?.name);
  assert.deepEqual(names, ["o0", "o1", "o2", "o3", "o4", "o5"]);
  assert.equal(server.requests.length, 3);
  assert.equal(new URL(server.requests[0].url).searchParams.get("limit"), "2");
});

function lines(...events: unknown[]): string {
  return events.map((e) => JSON.stringify(e) + "\n").join("");
}

Deno.test("watch: events, bookmarks and the last resourceVersion; server end returns it", async () => {
  await using server = startServer(() =>
    new Response(lines(
      { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "11" } } },
      { type: "MODIFIED", object: { metadata: { name: "a", resourceVersion: "12" } } },
      { type: "BOOKMARK", object: { kind: "ConfigMap", metadata: { resourceVersion: "15" } } },
    ))
  );
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: server.url }), CM, "ns");
  const state: WatchState = {};
  const gen = cms.watch({
    allowWatchBookmarks: true,
    resourceVersion: "10",
    timeoutSeconds: 30,
    state,
  });
  const types: string[] = [];
  let r = await gen.next();
  while (!r.done) {
    types.push(r.value.type);
    r = await gen.next();
  }
  assert.deepEqual(types, ["ADDED", "MODIFIED", "BOOKMARK"]);
  assert.deepEqual(r.value, { resourceVersion: "15" });
  assert.equal(state.resourceVersion, "15");
  const q = new URL(server.requests[0].url).searchParams;
  assert.equal(q.get("watch"), "true");
  assert.equal(q.get("allowWatchBookmarks"), "true");
  assert.equal(q.get("resourceVersion"), "10");
  assert.equal(q.get("timeoutSeconds"), "30");
});

Deno.test("watch: an ERROR event with 410 is thrown as KubernetesApiError with isGone", async () => {
  await using server = startServer(() =>
    new Response(lines(
      { type: "ADDED", object: { metadata: { name: "a", resourceVersion: "11" } } },
      {
        type: "ERROR",
        object: {
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          code: 410,
          reason: "Expired",
          message: "too old resource version: 1 (20)",
        },
      },
      { type: "ADDED", object: { metadata: { name: "never", resourceVersion: "21" } } },
    ))
  );
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: server.url }), CM, "ns");
  const seen: string[] = [];
  const err = await (async () => {
    for await (const e of cms.watch({ resourceVersion: "1" })) seen.push(e.type);
  })().catch((e) => e);
  assert.deepEqual(seen, ["ADDED"]);
  assert.ok(err instanceof KubernetesApiError);
  assert.equal(isGone(err), true);
  assert.match(err.message, /too old resource version/);
});

Deno.test("watch: a silent stream fails with WatchIdleError; a slow consumer does not", async () => {
  const enc = new TextEncoder();
  await using server = startServer(() =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(
            enc.encode(lines({ type: "ADDED", object: { metadata: { resourceVersion: "1" } } })),
          );
          // then silence, until the client goes away
        },
      }),
    )
  );
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: server.url }), CM, "ns");
  const start = performance.now();
  const seen: string[] = [];
  const err = await (async () => {
    for await (const e of cms.watch({ idleTimeoutMs: 150 })) {
      seen.push(e.type);
      await new Promise((r) => setTimeout(r, 300)); // consumer busier than the timeout
    }
  })().catch((e) => e);
  assert.ok(err instanceof WatchIdleError, String(err));
  assert.deepEqual(seen, ["ADDED"]);
  const elapsed = performance.now() - start;
  assert.ok(elapsed >= 450, `declared dead only after 150 ms of silence in read: ${elapsed}`);
});

Deno.test("watch: an idle timeout beyond a timer's reach (60 days) arms a timer now and then", async () => {
  const enc = new TextEncoder();
  await using server = startServer(() =>
    new Response(
      new ReadableStream({
        async start(c) {
          c.enqueue(
            enc.encode(lines({ type: "ADDED", object: { metadata: { resourceVersion: "1" } } })),
          );
          await new Promise((r) => setTimeout(r, 200));
          c.close();
        },
      }),
    )
  );
  using http = new HttpRestClient({ server: server.url });
  const cms = new ResourceClient<Obj>(http, CM, "ns");
  using timers = countTimersArmed();
  const seen: string[] = [];
  for await (const e of cms.watch({ idleTimeoutMs: 60 * 24 * 3_600_000 })) seen.push(e.type);
  assert.deepEqual(seen, ["ADDED"]);
  // A delay past 2^31 - 1 ms fires at once: the idle check would re-arm in a loop.
  assert.ok(timers.count <= 10, `${timers.count} timers armed in 200 ms`);
});

Deno.test("watch: abort ends the stream with the abort reason", async () => {
  await using server = startServer(() => new Response(new ReadableStream({ start() {} })));
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: server.url }), CM, "ns");
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error("shutting down")), 50);
  await assert.rejects(
    (async () => {
      for await (const _ of cms.watch({ abortSignal: ac.signal })) { /* none */ }
    })(),
    /shutting down/,
  );
});

Deno.test("watch: breaking out of the loop closes the connection", async () => {
  let cancelled = false;
  const enc = new TextEncoder();
  await using server = startServer(() =>
    new Response(
      new ReadableStream({
        pull(c) {
          c.enqueue(
            enc.encode(lines({ type: "ADDED", object: { metadata: { resourceVersion: "1" } } })),
          );
          return new Promise((r) => setTimeout(r, 10));
        },
        cancel() {
          cancelled = true;
        },
      }),
    )
  );
  const cms = new ResourceClient<Obj>(new HttpRestClient({ server: server.url }), CM, "ns");
  for await (const _ of cms.watch()) break;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(cancelled, true);
});

Deno.test("item 4: bytes that never complete an event do not keep the idle watchdog happy", async () => {
  await using server = startServer((req) =>
    new Response(
      new ReadableStream({
        async pull(c) {
          // A space every 20 ms, never a newline: a trickle with no event in it.
          await new Promise((r) => setTimeout(r, 20));
          if (!req.signal.aborted) c.enqueue(new Uint8Array([0x20]));
        },
      }),
    )
  );
  using client = new HttpRestClient({ server: server.url });
  const cms = new ResourceClient<Obj>(client, CM, "ns");
  const err = await (async () => {
    for await (const _ of cms.watch({ idleTimeoutMs: 300 })) { /* no event ever comes */ }
  })().catch((e) => e);
  assert.ok(err instanceof WatchIdleError, String(err));
  assert.match(err.message, /no event for more than 300 ms/);
});

Deno.test("item 4: an oversized watch event fails with LineTooLongError", async () => {
  await using server = startServer(() =>
    new Response(
      new ReadableStream({
        pull(c) {
          c.enqueue(new TextEncoder().encode("v".repeat(4096)));
        },
      }),
    )
  );
  using client = new HttpRestClient({ server: server.url });
  const cms = new ResourceClient<Obj>(client, CM, "ns");
  await assert.rejects(
    (async () => {
      for await (const _ of cms.watch({ maxEventLength: 100_000 })) { /* none */ }
    })(),
    fails(LineTooLongError, /100000 characters/),
  );
});

Deno.test("listAll and listPages hand back the list's resourceVersion; for await still works", async () => {
  await using server = startServer((req) => {
    const token = new URL(req.url).searchParams.get("continue");
    return json(
      token === null
        ? { metadata: { resourceVersion: "41", continue: "p2" }, items: [{ n: 1 }, { n: 2 }] }
        : { metadata: { resourceVersion: "41" }, items: [{ n: 3 }] },
    );
  });
  using client = new HttpRestClient({ server: server.url });
  const cms = new ResourceClient<Obj & { n?: number }>(client, CM, "ns");
  const all = cms.listAll({ limit: 2 });
  const seen: number[] = [];
  let step = await all.next();
  for (; !step.done; step = await all.next()) seen.push(step.value.n!);
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(step.value, { resourceVersion: "41" });
  const pages = cms.listPages({ limit: 2 });
  const sizes: number[] = [];
  let page = await pages.next();
  for (; !page.done; page = await pages.next()) sizes.push(page.value.items.length);
  assert.deepEqual(sizes, [2, 1]);
  assert.equal(page.value.resourceVersion, "41");
  // The plain loop is unchanged.
  assert.deepEqual((await Array.fromAsync(cms.listAll({ limit: 2 }))).map((o) => o.n), [1, 2, 3]);
});
