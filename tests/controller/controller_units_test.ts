/**
 * The controller's parts without a server: the write recorder, read-your-own-writes, the
 * predicates, and the controller's mapping of every RunAction, over in-memory informers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { resourceType } from "../../lib/client/mod.ts";
import {
  awaitOwnWrites,
  bestEffort,
  Controller,
  type ControllerRun,
  type ControllerRunResult,
  liveKey,
  type OneChangeRule,
  OneChangeRuleError,
  Operator,
  overlayCache,
  relevantChange,
  WriteRecorder,
} from "../../lib/controller/mod.ts";
import {
  blocked,
  InvalidPlanError,
  modified,
  noModification,
  plan,
  type Reconciler,
  type RunObserver,
  type RunResult,
} from "../../lib/steps/mod.ts";
import { METRICS, RuntimeMetrics } from "../../lib/telemetry/mod.ts";
import { TestSdk } from "../telemetry/_sdk.ts";
import { FakeInformer, FakeRegistry, fakeServer } from "./_fake_informer.ts";
import { type ConfigMap, ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import type { OwnerReference } from "../../lib/apis/meta/v1/mod.ts";

interface Thing {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    managedFields?: unknown[];
    deletionTimestamp?: string;
  };
  spec?: { n?: number };
  status?: { ok?: boolean };
  data?: Record<string, string>;
}

/** The reason a test aborts with. */
class StopError extends Error {
  constructor() {
    super("stop");
    this.name = "StopError";
  }
}

const Things = resourceType<Thing>()({
  group: "example.com",
  version: "v1",
  kind: "Thing",
  plural: "things",
  namespaced: true,
});

const thing = (name: string, rv: string, extra: Partial<Thing> = {}): Thing => ({
  apiVersion: "example.com/v1",
  kind: "Thing",
  metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: rv, generation: 1 },
  ...extra,
});

Deno.test("the write recorder records successful writes with their purpose", async () => {
  const server = fakeServer();
  const recorder = new WriteRecorder(server.client);
  const post = {
    method: "POST",
    path: "/api/v1/namespaces/ns/configmaps",
    expectJson: true,
  } as const;
  await recorder.client.performRequest({
    ...post,
    bodyJson: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" } },
  });
  await bestEffort(recorder.client).performRequest({
    ...post,
    method: "PATCH",
    path: `${post.path}/a`,
    bodyJson: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } },
  });
  await recorder.statusClient.performRequest({
    ...post,
    method: "PATCH",
    path: "/apis/example.com/v1/namespaces/ns/things/t/status",
    bodyJson: { kind: "Thing", metadata: { name: "t" } },
  });
  await recorder.client.performRequest({
    ...post,
    querystring: new URLSearchParams({ dryRun: "All" }),
    bodyJson: {},
  });
  server.objects.set("/api/v1/namespaces/ns/configmaps/a", {});
  await recorder.client.performRequest({
    method: "GET",
    path: "/api/v1/namespaces/ns/configmaps/a",
    expectJson: true,
  });
  await assert.rejects(
    recorder.client.performRequest({ method: "GET", path: "/nope", expectJson: true }),
    { name: "KubernetesApiError" },
  );
  assert.deepEqual(
    recorder.writes.map((w) => [w.method, w.purpose, w.kind, w.name, w.resourceVersion]),
    [
      ["POST", "change", "ConfigMap", "a", "101"],
      ["PATCH", "best-effort", "ConfigMap", "a", "102"],
      ["PATCH", "status", "Thing", "t", "103"],
    ],
  );
  assert.equal(recorder.changes, 1);
  assert.equal(bestEffort(server.client), server.client, "other clients are returned as they are");
});

Deno.test("awaitOwnWrites waits for the cache, and reads what it has not seen live", async () => {
  const informer = new FakeInformer(ConfigMaps);
  const server = fakeServer();
  const writes = [{
    method: "POST",
    path: "/api/v1/namespaces/ns/configmaps",
    purpose: "change" as const,
    apiVersion: "v1",
    kind: "ConfigMap",
    namespace: "ns",
    name: "a",
    resourceVersion: "50",
  }];
  const lookup = (_: string, kind: string) =>
    kind === "ConfigMap" ? informer as FakeInformer<unknown> : undefined;
  // Caught up in time: no live read.
  const waiting = awaitOwnWrites(writes, lookup, server.client, { timeoutMs: 5_000 });
  setTimeout(() => informer.advance("50"), 20);
  const fresh = await waiting;
  assert.deepEqual(fresh.stale, []);
  assert.equal(server.requests.length, 0);
  // Behind past the timeout: the object is read live and laid over the cache.
  const later = [{ ...writes[0], resourceVersion: "60" }];
  server.objects.set("/api/v1/namespaces/ns/configmaps/a", {
    metadata: { name: "a", namespace: "ns" },
    data: { v: "live" },
  });
  const stale = await awaitOwnWrites(later, lookup, server.client, { timeoutMs: 30 });
  assert.equal(stale.stale.length, 1);
  assert.deepEqual(server.requests.map((r) => [r.method, r.path]), [[
    "GET",
    "/api/v1/namespaces/ns/configmaps/a",
  ]]);
  const cache = overlayCache({ get: () => undefined, list: () => [] }, stale.live);
  assert.equal(cache.get(ConfigMaps, "a", "ns")?.data?.v, "live");
  assert.equal(cache.list(ConfigMaps, { namespace: "ns" }).length, 1);
  assert.equal(cache.list(ConfigMaps, { namespace: "other" }).length, 0);
  assert.ok(Object.isFrozen(cache.get(ConfigMaps, "a", "ns")));
  // Gone live: the overlay hides the cached object.
  server.objects.clear();
  const gone = await awaitOwnWrites(later, lookup, server.client, { timeoutMs: 10 });
  assert.equal(gone.live.get(liveKey("v1", "ConfigMap", "ns", "a")), null);
  const cached = {
    get: () => ({ metadata: { name: "a", namespace: "ns" } }) as never,
    list: () => [{ metadata: { name: "a", namespace: "ns" } }] as never[],
  };
  assert.equal(overlayCache(cached, gone.live).get(ConfigMaps, "a", "ns"), undefined);
  assert.deepEqual(overlayCache(cached, gone.live).list(ConfigMaps), []);
  // A write outside a namespace-scoped informer's scope is not waited for (it never shows).
  const scoped = new FakeInformer(ConfigMaps, "ns");
  const elsewhere = [{ ...writes[0], namespace: "other", resourceVersion: "70" }];
  const skipped = await awaitOwnWrites(
    elsewhere,
    () => scoped as FakeInformer<unknown>,
    server.client,
    {
      timeoutMs: 5_000,
    },
  );
  assert.deepEqual(skipped.stale, []);
  assert.ok(skipped.waitedMs < 1_000, `waited ${skipped.waitedMs} ms`);
  // Shutdown while waiting rejects with the signal's reason.
  const stop = new AbortController();
  const aborted = awaitOwnWrites([{ ...writes[0], resourceVersion: "99" }], lookup, server.client, {
    timeoutMs: 5_000,
    signal: stop.signal,
  });
  stop.abort(new StopError());
  await assert.rejects(aborted, StopError);
});

Deno.test("relevantChange skips status, managedFields and resourceVersion-only updates", () => {
  const relevant = relevantChange<Thing>();
  const before = thing("a", "1", { spec: { n: 1 }, status: { ok: false } });
  const statusOnly = { ...thing("a", "2", { spec: { n: 1 }, status: { ok: true } }) };
  assert.equal(relevant({ type: "modified", object: statusOnly, previous: before }), false);
  const specChange = thing("a", "3", { spec: { n: 2 } });
  specChange.metadata.generation = 2;
  assert.equal(relevant({ type: "modified", object: specChange, previous: before }), true);
  assert.equal(relevant({ type: "added", object: before }), true);
  assert.equal(relevant({ type: "deleted", object: before }), true);
  const labelled = thing("a", "4", { spec: { n: 1 } });
  labelled.metadata.labels = { x: "1" };
  assert.equal(relevant({ type: "modified", object: labelled, previous: before }), false);
  assert.equal(
    relevantChange<Thing>({ labels: true })({
      type: "modified",
      object: labelled,
      previous: before,
    }),
    true,
  );
  const deleting = thing("a", "5");
  deleting.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
  assert.equal(relevant({ type: "modified", object: deleting, previous: before }), true);
  // Kinds without a generation: anything but status / managedFields / resourceVersion.
  const cm = (rv: string, data: Record<string, string>, managedFields?: unknown[]): Thing => ({
    metadata: { name: "c", resourceVersion: rv, managedFields },
    data,
  });
  assert.equal(
    relevant({ type: "modified", object: cm("2", { a: "1" }, [1]), previous: cm("1", { a: "1" }) }),
    false,
  );
  assert.equal(
    relevant({ type: "modified", object: cm("2", { a: "2" }), previous: cm("1", { a: "1" }) }),
    true,
  );
});

/** A controller over a fake registry; `steps` decides each Run's outcome by call count. */
function harness(
  reconciler: Reconciler<Thing>,
  options: {
    resyncAfterMs?: number;
    oneChangeRule?: OneChangeRule;
    observer?: RunObserver<Thing>;
    metrics?: RuntimeMetrics;
  } = {},
) {
  const registry = new FakeRegistry();
  const server = fakeServer();
  const runs: ControllerRun[] = [];
  const controller = new Controller<Thing>({
    resource: Things,
    reconciler,
    client: server.client,
    backoff: { initialMs: 10, maxMs: 40, jitter: 0 },
    statusWriter: () => ({ write: () => Promise.resolve() }),
    onRun: (run) => runs.push(run),
    ...options,
  }).owns(ConfigMaps);
  const operator = new Operator({ informers: registry }).add(controller);
  const stop = new AbortController();
  const done = operator.run(stop.signal);
  return {
    registry,
    server,
    runs,
    controller,
    things: registry.get(Things),
    maps: registry.get(ConfigMaps),
    stop: async () => {
      stop.abort();
      await done;
    },
  };
}

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

Deno.test("every RunAction is followed: requeue, requeue-after, await-change (resync), retry with a backoff that resets", async () => {
  let calls = 0;
  const starts: number[] = [];
  const h = harness({
    plan: () =>
      plan<Thing>().step({
        name: "script",
        run: () => {
          starts.push(performance.now());
          switch (++calls) {
            case 1:
              return Promise.resolve(modified({ message: "first" }));
            case 2:
              return Promise.resolve(blocked({ message: "later", requeueAfterMs: 30 }));
            case 3:
            case 4:
            case 5:
              return Promise.reject(new Error(`failure ${calls}`));
            case 6:
              return Promise.resolve(noModification(undefined));
            case 7:
              return Promise.reject(new Error("failure after success"));
            default:
              return Promise.resolve(noModification(undefined));
          }
        },
      }),
  }, { resyncAfterMs: 60 });
  try {
    h.things.apply("added", thing("a", "2"));
    await until(() => h.runs.length >= 9, "nine Runs");
    assert.deepEqual(h.runs.slice(0, 9).map((r) => r.action.type), [
      "requeue-after", // modified without a write: the key's backoff, not an immediate requeue
      "requeue-after",
      "retry-with-backoff",
      "retry-with-backoff",
      "retry-with-backoff",
      "await-change",
      "retry-with-backoff",
      "await-change",
      "await-change",
    ]);
    const gap = (i: number) => starts[i] - starts[i - 1];
    assert.ok(gap(2) >= 25, `requeue-after 30 ms waited ${gap(2)}`);
    // Backoff 10, 20, 40 ms after failures 1..3, then reset by the success: 10 ms again.
    assert.ok(gap(3) >= 8 && gap(4) >= 18 && gap(5) >= 38, `${gap(3)} ${gap(4)} ${gap(5)}`);
    assert.ok(gap(7) >= 8 && gap(7) < gap(5), `backoff reset: ${gap(7)}`);
    assert.ok(gap(8) >= 55, `resync after 60 ms: ${gap(8)}`);
  } finally {
    await h.stop();
  }
});

Deno.test("a Run starts only once the cache has seen the previous Run's write", async () => {
  let created = 0;
  const starts: string[] = [];
  const h = harness({
    plan: () =>
      plan<Thing>().step({
        name: "create-child",
        run: async (context) => {
          const child = context.cache.get(ConfigMaps, "child", "ns");
          starts.push(child ? "sees child" : "no child");
          if (child) return noModification(undefined);
          created++;
          await context.client.performRequest({
            method: "POST",
            path: "/api/v1/namespaces/ns/configmaps",
            bodyJson: {
              apiVersion: "v1",
              kind: "ConfigMap",
              metadata: { name: "child", namespace: "ns" },
            },
            expectJson: true,
          });
          return modified({ message: "created" });
        },
      }),
  });
  try {
    h.things.apply("added", thing("a", "2"));
    await until(() => created >= 1, "the child is created");
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(starts, ["no child"], "the next Run waits for the cache");
    // The watch delivers the write (resourceVersion 101 from the fake server).
    h.maps.apply("added", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "child", namespace: "ns", resourceVersion: "101" },
    });
    await until(() => starts.length === 2, "the next Run");
    assert.deepEqual(starts, ["no child", "sees child"]);
    assert.equal(created, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(h.runs.length, 2, "the echo of the Run's own write queued no extra Run");
    // Someone deletes the child (its last state still carries our resourceVersion): not an
    // echo, so the owner runs and creates it again.
    h.maps.apply("deleted", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "child",
        namespace: "ns",
        resourceVersion: "101",
        ownerReferences: [{
          apiVersion: "example.com/v1",
          kind: "Thing",
          name: "a",
          uid: "uid-a",
          controller: true,
        }],
      },
    });
    await until(() => created === 2, "the child is created again");
  } finally {
    await h.stop();
  }
});

Deno.test("owned children map to their owner by the controller reference", async () => {
  const seen: string[] = [];
  const h = harness({
    plan: (t) => {
      seen.push(t.metadata.name);
      return plan<Thing>();
    },
  });
  try {
    h.things.apply("added", thing("owner", "2"));
    h.things.apply("added", thing("other", "3"));
    await until(() => seen.length === 2, "initial Runs");
    const child = (refs: OwnerReference[]): ConfigMap => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "ns", resourceVersion: "9", ownerReferences: refs },
    });
    h.maps.apply(
      "added",
      child([{
        apiVersion: "example.com/v1",
        kind: "Thing",
        name: "owner",
        uid: "u",
        controller: true,
      }]),
    );
    await until(() => seen.length === 3, "the owner runs");
    assert.equal(seen[2], "owner");
    // Not the controller reference, another kind, another group: ignored.
    h.maps.apply(
      "modified",
      child([{ apiVersion: "example.com/v1", kind: "Thing", name: "other", uid: "u" }]),
    );
    h.maps.apply(
      "modified",
      child([{
        apiVersion: "other.io/v1",
        kind: "Thing",
        name: "other",
        uid: "u",
        controller: true,
      }]),
    );
    await new Promise((r) => setTimeout(r, 50));
    // The first modification dropped the previous owner: it hears about it once more.
    assert.deepEqual(seen.slice(3), ["owner"]);
    // A Thing deleted between the event and its Run: nothing runs, nothing breaks.
    h.things.apply("deleted", thing("other", "12"));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(h.controller.queueLength, 0);
  } finally {
    await h.stop();
  }
});

Deno.test("a key mapper or predicate that throws loses that event only", async () => {
  const registry = new FakeRegistry();
  const seen: string[] = [];
  const controller = new Controller<Thing>({
    resource: Things,
    reconciler: {
      plan: (t) => {
        seen.push(t.metadata.name);
        return plan<Thing>();
      },
    },
    client: fakeServer().client,
    predicate: (event) => {
      if (event.object.metadata.name === "bad") throw new Error("predicate bug");
      return true;
    },
  }).watches(ConfigMaps, (cm) => {
    if (cm.metadata?.name === "bad") throw new Error("mapper bug");
    return [`ns/${cm.data?.owner}`];
  });
  const stop = new AbortController();
  const done = new Operator({ informers: registry }).add(controller).run(stop.signal);
  try {
    const things = registry.get(Things);
    const maps = registry.get(ConfigMaps);
    things.apply("added", thing("bad", "2"));
    things.apply("added", thing("good", "3"));
    await until(() => controller.active, "started");
    maps.apply("added", { metadata: { name: "bad", namespace: "ns", resourceVersion: "4" } });
    maps.apply("added", {
      metadata: { name: "m", namespace: "ns", resourceVersion: "5" },
      data: { owner: "good" },
    });
    await until(() => seen.filter((n) => n === "good").length >= 2, "the mapped Run");
    // start() queues every cached Thing, "bad" included: only its events were lost.
    assert.ok(seen.includes("bad"));
  } finally {
    stop.abort();
    await done;
  }
});

Deno.test("an object the step model refuses (no uid) is not retried in a loop; others run", async () => {
  let runs = 0;
  const h = harness({
    plan: () => {
      runs++;
      return plan<Thing>();
    },
  });
  try {
    const broken = thing("broken", "2");
    delete (broken.metadata as { uid?: string }).uid;
    h.things.apply("added", broken);
    h.things.apply("added", thing("fine", "3"));
    await until(() => h.runs.length === 1, "the fine one runs");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(runs, 1);
    assert.equal(h.runs[0].key, "ns/fine");
    assert.equal(h.controller.queueLength, 0, "the broken key is not retried");
  } finally {
    await h.stop();
  }
});

Deno.test("bad controller settings are named errors", () => {
  const client = fakeServer().client;
  const reconciler = { plan: () => plan<Thing>() };
  assert.throws(
    () => new Controller({ resource: {} as never, reconciler, client }),
    { name: "TypeError", message: /resource must be a resource token/ },
  );
  assert.throws(
    () => new Controller({ resource: Things, reconciler: {} as never, client }),
    { name: "TypeError", message: /reconciler must have a plan/ },
  );
  assert.throws(
    () => new Controller({ resource: Things, reconciler, client: {} as never }),
    { name: "TypeError", message: /client must be a RestClient/ },
  );
  assert.throws(
    () => new Controller({ resource: Things, reconciler, client, oneChangeRule: "loose" as never }),
    { name: "TypeError", message: /oneChangeRule must be report, strict or off/ },
  );
  const controller = new Controller({ resource: Things, reconciler, client });
  assert.throws(() => controller.cache, {
    name: "TypeError",
    message: /once the controller is bound/,
  });
  assert.throws(() => controller.start(), { name: "TypeError", message: /before bind/ });
  controller.bind(new FakeRegistry());
  assert.throws(() => controller.owns(ConfigMaps), {
    name: "TypeError",
    message: /before the operator starts/,
  });
});

Deno.test("a step that returns modified without a write neither freezes the process nor other keys", async () => {
  const started = performance.now();
  const hotRuns: number[] = [];
  let otherRuns = 0;
  const h = harness({
    plan: () =>
      plan<Thing>().step({
        name: "busy",
        run: (context) => {
          if (context.resource.metadata.name !== "hot") {
            otherRuns++;
            return Promise.resolve(noModification(undefined));
          }
          hotRuns.push(performance.now());
          // "Modified" with nothing written, settling at once. Stops after 3 s, so that a
          // controller that spins on it fails this test rather than hang it.
          return Promise.resolve(
            performance.now() - started < 3_000
              ? modified({ message: "changed something outside Kubernetes" })
              : noModification(undefined),
          );
        },
      }),
  });
  try {
    const fired = new Promise<number>((resolve) =>
      setTimeout(() => resolve(performance.now() - started), 50)
    );
    h.things.apply("added", thing("hot", "2"));
    h.things.apply("added", thing("other", "2"));
    const waited = await fired;
    // Generous bound: the point is that the timer fires at all while the key is hot.
    assert.ok(waited < 2_000, `a 50 ms timer fired after ${waited} ms`);
    // Another key's changes still get their Runs.
    await until(() => otherRuns >= 1, "the other key's first Run");
    h.things.apply("modified", thing("other", "3"));
    await until(() => otherRuns >= 2, "the other key's second Run");
    // The hot key is run again after its backoff (10 ms doubling to 40 ms here), not at once.
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 1_000));
    const perSecond = hotRuns.filter((at) => at >= from && at < from + 1_000).length;
    assert.ok(perSecond >= 1, "the hot key still runs");
    assert.ok(perSecond < 200, `the hot key ran ${perSecond} times in a second`);
    const last = h.runs.filter((run) => run.key === "ns/hot").at(-1)!;
    assert.equal(last.result.action.type, "requeue");
    assert.equal(last.action.type, "requeue-after", "the controller backed off instead");
  } finally {
    await h.stop();
  }
});

/** A step that creates two ConfigMaps (two counted changes) on its first Run. */
function twoWrites(): Reconciler<Thing> {
  let calls = 0;
  return {
    plan: () =>
      plan<Thing>().step({
        name: "two-writes",
        run: async (context) => {
          if (++calls > 1) return noModification(undefined);
          for (const name of ["one", "two"]) {
            await context.client.performRequest({
              method: "POST",
              path: "/api/v1/namespaces/ns/configmaps",
              bodyJson: { apiVersion: "v1", kind: "ConfigMap", metadata: { name } },
              expectJson: true,
            });
          }
          return modified({ message: "created two" });
        },
      }),
  };
}

async function oneChangeRun(rule: OneChangeRule) {
  const observed: RunResult[] = [];
  const sdk = new TestSdk();
  const h = harness(twoWrites(), {
    oneChangeRule: rule,
    observer: { onRunFinished: (result) => void observed.push(result) },
    metrics: new RuntimeMetrics({ controller: "things", meterProvider: sdk.meterProvider }),
  });
  try {
    h.things.apply("added", thing("a", "2"));
    await until(() => h.runs.length >= 1 && observed.length >= 1, "the first Run");
    const breaches = (await sdk.points(METRICS.oneChangeBreaches))
      .reduce((total, point) => total + point.value, 0);
    return { run: h.runs[0], observed: observed[0], breaches };
  } finally {
    await h.stop();
    await sdk.shutdown();
  }
}

Deno.test("the one-change rule: a breach is reported on the RunResult observers see", async () => {
  const { run, observed, breaches } = await oneChangeRun("report");
  const result = observed as ControllerRunResult;
  assert.ok(result.oneChangeViolation instanceof OneChangeRuleError);
  assert.match(result.oneChangeViolation.message, /made 2 changes.*configmaps.*configmaps/);
  assert.equal(result.end, "modified", "report mode does not fail the Run");
  assert.equal(result.action.type, "requeue");
  assert.equal(run.result, observed, "onRun gets the result the observer got");
  assert.equal(run.oneChangeViolation, result.oneChangeViolation);
  assert.equal(breaches, 1);
});

Deno.test("the one-change rule: strict mode fails the Run with a OneChangeRuleError", async () => {
  const { run, observed, breaches } = await oneChangeRun("strict");
  const result = observed as ControllerRunResult;
  assert.equal(result.end, "failed");
  assert.ok(result.error instanceof OneChangeRuleError);
  assert.equal(result.error.stepName, "two-writes");
  assert.equal(result.error.stepIndex, 0);
  assert.equal(result.oneChangeViolation, result.error);
  assert.equal(result.action.type, "retry-with-backoff");
  assert.equal(result.action.type === "retry-with-backoff" && result.action.error, result.error);
  assert.equal(result.message, "created two", "the step's own message stays");
  assert.equal(run.result, observed);
  assert.equal(run.action.type, "retry-with-backoff");
  assert.equal(breaches, 1);
});

Deno.test("the one-change rule: off reports nothing, one write is no breach", async () => {
  const off = await oneChangeRun("off");
  assert.equal((off.observed as ControllerRunResult).oneChangeViolation, undefined);
  assert.equal(off.observed.end, "modified");
  assert.equal(off.breaches, 0);
});

Deno.test("bad durations and limits of a controller or operator are named errors at construction", () => {
  const client = fakeServer().client;
  const reconciler = { plan: () => plan(ConfigMaps) };
  const controller = (options: Record<string, unknown>) => () =>
    new Controller({ resource: ConfigMaps, reconciler, client, ...options });
  const operator = (options: Record<string, unknown>) => () =>
    new Operator({ informers: new FakeRegistry(), ...options });
  const cases: [() => unknown, abstract new (...args: never[]) => Error, RegExp][] = [
    [controller({ stepTimeoutMs: -1 }), InvalidPlanError, /stepTimeoutMs must be/],
    [controller({ resyncAfterMs: Number.NaN }), InvalidPlanError, /resyncAfterMs .*got NaN/],
    [controller({ concurrency: 0 }), TypeError, /concurrency must be an integer/],
    [controller({ ownWritesTimeoutMs: Number.NaN }), RangeError, /ownWritesTimeoutMs .*got NaN/],
    [controller({ backoff: { initialMs: 0 } }), RangeError, /initialMs/],
    [operator({ shutdownGraceMs: -1 }), RangeError, /shutdownGraceMs must be a number of ms/],
    // 0 would log the caches that have not synced without pause.
    [operator({ syncReportIntervalMs: 0 }), RangeError, /syncReportIntervalMs .*\[1, /],
    [
      operator({ syncReportIntervalMs: 2 ** 31 }),
      RangeError,
      /syncReportIntervalMs .*got 2147483648/,
    ],
  ];
  for (const [make, type, message] of cases) {
    assert.throws(make, (error: unknown) => error instanceof type && message.test(String(error)));
  }
});
