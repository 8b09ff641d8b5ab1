import assert from "node:assert/strict";
import { KubernetesApiError, type RestClient } from "../../lib/client/mod.ts";
import {
  EventRecorder,
  type EventRecorderOptions,
  objectReference,
  withRegarding,
} from "../../lib/status/mod.ts";

interface Sent {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** An in-memory Events endpoint: creates and merge-patches `series`; records every request. */
function fakeEvents(
  options: { failCreate?: boolean; missingOnPatch?: boolean; throwSync?: boolean } = {},
) {
  const sent: Sent[] = [];
  const stored = new Map<string, Record<string, unknown>>();
  const client = {
    performRequest: (req: { method: string; path: string; bodyJson?: Record<string, unknown> }) => {
      if (options.throwSync) throw new Error("transport broken");
      sent.push({ method: req.method, path: req.path, body: structuredClone(req.bodyJson ?? {}) });
      if (req.method === "POST") {
        if (options.failCreate) {
          return Promise.reject(new KubernetesApiError({ code: 422, reason: "Invalid" }));
        }
        const body = req.bodyJson!;
        const name = (body.metadata as { name: string }).name;
        stored.set(name, structuredClone(body));
        return Promise.resolve(body);
      }
      if (req.method === "PATCH") {
        const name = req.path.slice(req.path.lastIndexOf("/") + 1);
        if (options.missingOnPatch || !stored.has(name)) {
          return Promise.reject(new KubernetesApiError({ code: 404, reason: "NotFound" }));
        }
        Object.assign(stored.get(name)!, structuredClone(req.bodyJson));
        return Promise.resolve(stored.get(name));
      }
      return Promise.reject(new Error(`unexpected ${req.method}`));
    },
  } as unknown as RestClient;
  return { client, sent, stored };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const regarding = {
  apiVersion: "example.com/v1",
  kind: "App",
  name: "web",
  namespace: "prod",
  uid: "u1",
};
/** A recorder for `example.com/op` that logs nothing. */
function quietRecorder(
  client: RestClient,
  options: Partial<EventRecorderOptions> = {},
): EventRecorder {
  return new EventRecorder(client, {
    reportingController: "example.com/op",
    logger: silent,
    ...options,
  });
}

const synced = { type: "Normal", reason: "Synced", action: "Reconcile", note: "in sync" } as const;

Deno.test("1,000 identical events become one Event with one series update", async () => {
  const { client, sent, stored } = fakeEvents();
  const recorder = new EventRecorder(client, {
    reportingController: "example.com/app-operator",
    reportingInstance: "op-0",
    logger: silent,
  });
  const events = recorder.forObject(regarding);
  for (let i = 0; i < 1000; i++) events.record(synced);
  await recorder.flush();
  assert.deepEqual(sent.map((s) => s.method), ["POST", "PATCH"]);
  assert.equal(sent[0].path, "/apis/events.k8s.io/v1/namespaces/prod/events");
  const [event] = stored.values();
  assert.equal((event.series as { count: number }).count, 1000);
  assert.match((event.series as { lastObservedTime: string }).lastObservedTime, /\.\d{6}Z$/);
  assert.match(event.eventTime as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(event.reportingController, "example.com/app-operator");
  assert.equal(event.reportingInstance, "op-0");
  assert.deepEqual(event.regarding, regarding);
  assert.deepEqual(recorder.stats, {
    recorded: 1000,
    created: 1,
    updated: 1,
    failed: 0,
    dropped: 0,
  });
  await recorder.close();
});

Deno.test("a hot series is written at most once per interval: repeats wait for the timer", async () => {
  const { client, sent } = fakeEvents();
  const recorder = quietRecorder(client, { seriesUpdateIntervalMs: 60_000 });
  recorder.record({ ...synced, regarding });
  await recorder.flush(); // the create
  for (let i = 0; i < 50; i++) recorder.record({ ...synced, regarding });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(sent.length, 1); // no patch before the interval (or a flush)
  await recorder.close(); // close flushes the pending update
  assert.equal(sent.length, 2);
  assert.equal((sent[1].body.series as { count: number }).count, 51);
});

Deno.test("different reasons, notes or objects are different Events; cluster-scoped go to default", async () => {
  const { client, sent } = fakeEvents();
  const recorder = quietRecorder(client);
  recorder.record({ ...synced, regarding });
  recorder.record({ ...synced, note: "other", regarding });
  recorder.record({ ...synced, reason: "Other", regarding });
  recorder.record({ ...synced, regarding: { apiVersion: "v1", kind: "Node", name: "node-1" } });
  await recorder.close();
  assert.equal(sent.filter((s) => s.method === "POST").length, 4);
  assert.equal(sent[3].path, "/apis/events.k8s.io/v1/namespaces/default/events");
});

Deno.test("the dedup cache is bounded by cacheSize", async () => {
  const { client } = fakeEvents();
  const recorder = quietRecorder(client, { cacheSize: 3 });
  for (let i = 0; i < 20; i++) recorder.record({ ...synced, note: `n${i}`, regarding });
  assert.ok(recorder.cachedSeries <= 3);
  await recorder.close();
  assert.equal(recorder.stats.created, 20);
});

Deno.test("a repeat after the series window starts a new Event", async () => {
  const { client, sent } = fakeEvents();
  let now = Date.parse("2026-01-01T00:00:00Z");
  const recorder = quietRecorder(client, { seriesWindowMs: 1000, now: () => now });
  recorder.record({ ...synced, regarding });
  await recorder.flush();
  now += 500;
  recorder.record({ ...synced, regarding }); // within the window: series
  await recorder.flush();
  now += 5000;
  recorder.record({ ...synced, regarding }); // past it: a new Event
  await recorder.close();
  assert.deepEqual(sent.map((s) => s.method), ["POST", "PATCH", "POST"]);
});

Deno.test("record never throws: bad input, a failing server, a throwing transport", async () => {
  const warnings: string[] = [];
  const logger = { ...silent, warn: (m: string) => void warnings.push(m) };
  const failing = fakeEvents({ failCreate: true });
  const recorder = new EventRecorder(failing.client, {
    reportingController: "example.com/op",
    logger,
  });
  recorder.record({ ...synced }); // no regarding
  recorder.record({ ...synced, type: "Error" as "Normal", regarding });
  recorder.record({ ...synced, reason: "", regarding });
  recorder.record({ ...synced, action: "x".repeat(129), regarding });
  recorder.record(null as unknown as typeof synced);
  assert.equal(recorder.stats.dropped, 5);
  recorder.record({ ...synced, regarding });
  await recorder.flush();
  assert.equal(recorder.stats.failed, 1);
  // Within the failure backoff the same Event is dropped without a request.
  for (let i = 0; i < 10; i++) recorder.record({ ...synced, regarding });
  await recorder.flush();
  assert.equal(failing.sent.length, 1);
  assert.equal(recorder.stats.dropped, 5 + 1 + 10);
  assert.ok(warnings.some((w) => /no regarding object/.test(w)));
  assert.ok(warnings.some((w) => /could not create/.test(w)));
  await recorder.close();

  const broken = new EventRecorder(fakeEvents({ throwSync: true }).client, {
    reportingController: "example.com/op",
    logger: {
      ...silent,
      warn: () => {
        throw new Error("logger broken");
      },
    },
  });
  broken.record({ ...synced, regarding });
  await broken.close();
  assert.equal(broken.stats.failed, 1);
  broken.record({ ...synced, regarding }); // closed: dropped, still no throw
  assert.equal(broken.stats.dropped, 2);
});

Deno.test("an expired Event (404 on the series update) is created anew", async () => {
  const fake = fakeEvents();
  const recorder = quietRecorder(fake.client);
  recorder.record({ ...synced, regarding });
  await recorder.flush();
  fake.stored.clear(); // the server's TTL removed it
  recorder.record({ ...synced, regarding });
  await recorder.close();
  assert.deepEqual(fake.sent.map((s) => s.method), ["POST", "PATCH", "POST"]);
});

Deno.test("a full queue drops new Events and counts them", async () => {
  const { client, sent } = fakeEvents();
  const recorder = quietRecorder(client, { maxQueuedWrites: 2 });
  // The first write is taken off the queue at once; two more fit; the rest are dropped.
  for (let i = 0; i < 10; i++) recorder.record({ ...synced, note: `n${i}`, regarding });
  await recorder.close();
  assert.equal(sent.length, 3);
  assert.equal(recorder.stats.dropped, 7);
});

Deno.test("flush() resolves while a producer keeps recording the same Event", async () => {
  const fake = fakeEvents();
  const recorder = quietRecorder(fake.client);
  recorder.record({ ...synced, regarding });
  await recorder.flush();
  // Every request the recorder sends triggers one more repeat, as a hot loop would.
  let extra = 0;
  const performRequest = fake.client.performRequest.bind(fake.client);
  (fake.client as { performRequest: unknown }).performRequest = (req: never) => {
    if (extra++ < 100) recorder.record({ ...synced, regarding });
    return performRequest(req);
  };
  recorder.record({ ...synced, regarding });
  await recorder.flush();
  assert.ok(fake.sent.length <= 3, `${fake.sent.length} requests`);
  await recorder.close();
});

Deno.test("close() gives up on a server that never answers after closeTimeoutMs", async () => {
  const sent: string[] = [];
  const hanging = {
    performRequest: (req: { method: string; abortSignal?: AbortSignal }) => {
      sent.push(req.method);
      return new Promise((_, reject) => {
        req.abortSignal?.addEventListener("abort", () => reject(req.abortSignal?.reason));
      });
    },
  } as unknown as RestClient;
  const recorder = quietRecorder(hanging, { closeTimeoutMs: 50 });
  recorder.record({ ...synced, regarding });
  recorder.record({ ...synced, note: "second", regarding });
  await recorder.close();
  assert.deepEqual(sent, ["POST"]); // the second write never started
  assert.equal(recorder.stats.failed, 1);
  assert.equal(recorder.stats.dropped, 1 + 1); // the aborted create's occurrence and the queued one
});

Deno.test("constructor options are checked", () => {
  const { client } = fakeEvents();
  assert.throws(
    () => new EventRecorder(client, { reportingController: "not a name" }),
    (e) => e instanceof TypeError && /qualified name/.test(e.message),
  );
  assert.throws(
    () => new EventRecorder(client, { reportingController: "op", reportingInstance: "" }),
    (e) => e instanceof TypeError && /reportingInstance/.test(e.message),
  );
  assert.throws(
    () => new EventRecorder(client, { reportingController: "op", cacheSize: 0 }),
    (e) => e instanceof RangeError && /cacheSize/.test(e.message),
  );
  assert.throws(
    () => new EventRecorder(client, { reportingController: "op", seriesUpdateIntervalMs: -1 }),
    RangeError,
  );
  // Longer than a timer can wait (about 24.8 days): the timer would fire at once.
  for (const option of ["seriesUpdateIntervalMs", "closeTimeoutMs", "failureBackoffMs"]) {
    assert.throws(
      () => new EventRecorder(client, { reportingController: "op", [option]: 2 ** 31 }),
      (e) => e instanceof RangeError && e.message.includes(`${option} must be at most 2147483647`),
      option,
    );
  }
  const recorder = new EventRecorder(client, { reportingController: "example.com/op" });
  assert.ok(recorder.reportingInstance.length > 0);
});

Deno.test("objectReference keeps identity fields only", () => {
  assert.deepEqual(
    objectReference({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a", namespace: "b", uid: "c", resourceVersion: "9" } as { name: string },
    }),
    { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "b", uid: "c" },
  );
});

Deno.test("withRegarding fills in the subject, keeps an explicit one, swallows a throwing sink", () => {
  const seen: unknown[] = [];
  const events = withRegarding({ record: (e) => void seen.push(e.regarding?.name) }, regarding);
  events.record(synced);
  events.record({ ...synced, regarding: { ...regarding, name: "other" } });
  assert.deepEqual(seen, ["web", "other"]);
  const broken = withRegarding({
    record: () => {
      throw new Error("broken sink");
    },
  }, regarding);
  broken.record(synced); // does not throw
});
