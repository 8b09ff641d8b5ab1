/**
 * Watcher behaviour for server answers the real control plane does not give on demand: a
 * server that ignores `sendInitialEvents`, a watch-list cut before its end, streams that end
 * at once, a 410 `ERROR` event. A scripted RestClient stands in for the server.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  KubernetesApiError,
  type RequestOptions,
  type RestClient,
  restClientFromHandler,
} from "../../lib/client/mod.ts";
import {
  type CacheEvent,
  ResourceInformer,
  Watcher,
  type WatcherOptions,
  type WatchError,
  type WatchRestartReason,
} from "../../lib/controller/mod.ts";
import { METRICS, RuntimeMetrics } from "../../lib/telemetry/mod.ts";
import { TestSdk } from "../telemetry/_sdk.ts";
import { type ConfigMap, ConfigMaps, waitFor } from "./_helpers.ts";

type Answer =
  | { lines: unknown[]; hang?: boolean; deaf?: boolean }
  | { list: unknown }
  | { error: Error };

/** Answers requests from a script, one answer per request (the last one repeats). */
class ScriptedClient implements RestClient {
  readonly requests: URLSearchParams[] = [];
  readonly #answers: Answer[];

  constructor(answers: Answer[]) {
    this.#answers = answers;
  }

  performRequest(options: RequestOptions): Promise<never> {
    this.requests.push(new URLSearchParams(options.querystring));
    const answer = this.#answers.length > 1 ? this.#answers.shift()! : this.#answers[0];
    if ("error" in answer) return Promise.reject(answer.error);
    if ("list" in answer) return Promise.resolve(answer.list as never);
    const body = answer.lines.map((line) => JSON.stringify(line) + "\n").join("");
    const signal = options.abortSignal;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        if (!answer.hang) controller.close();
        else if (!answer.deaf) {
          signal?.addEventListener("abort", () => controller.error(signal.reason));
        }
      },
    });
    return Promise.resolve(stream as never);
  }
}

const obj = (name: string, rv: string): ConfigMap => ({
  metadata: { name, namespace: "x", resourceVersion: rv },
});
const added = (name: string, rv: string) => ({ type: "ADDED", object: obj(name, rv) });
const bookmark = (rv: string, end = false) => ({
  type: "BOOKMARK",
  object: {
    metadata: {
      resourceVersion: rv,
      annotations: end ? { "k8s.io/initial-events-end": "true" } : undefined,
    },
  },
});
const FAST = { initialMs: 10, maxMs: 50, jitter: 0 };

async function runFor<T>(
  informer: ResourceInformer<T>,
  until: () => boolean,
  what: string,
): Promise<void> {
  const stop = new AbortController();
  const run = informer.run(stop.signal);
  try {
    await waitFor(until, what, 10_000);
  } finally {
    stop.abort();
    await run;
  }
}

Deno.test("Watcher: a server that ignores sendInitialEvents gets a LIST", async () => {
  const client = new ScriptedClient([
    // A plain watch from "now": a bookmark without the initial-events-end annotation.
    { lines: [bookmark("10")] },
    { list: { metadata: { resourceVersion: "12" }, items: [obj("a", "11")] } },
    { lines: [added("b", "13")], hang: true },
  ]);
  const errors: WatchError[] = [];
  const informer = new ResourceInformer(client, ConfigMaps, {
    backoff: FAST,
    onError: (e) => errors.push(e),
  });
  await runFor(informer, () => informer.get("b", "x") !== undefined, "b");
  assert.equal(informer.usesList, true);
  assert.equal(informer.get("a", "x")?.metadata?.resourceVersion, "11");
  assert.equal(client.requests[2].get("resourceVersion"), "12", "the watch resumes from the list");
  assert.deepEqual(errors, []);
});

Deno.test("Watcher: a watch-list cut before its end keeps nothing of it; a LIST replaces it", async () => {
  const client = new ScriptedClient([
    { lines: [added("a", "5"), added("b", "6")] }, // ends without the end bookmark
    { list: { metadata: { resourceVersion: "7" }, items: [obj("a", "5")] } },
    { lines: [bookmark("8")], hang: true },
  ]);
  const informer = new ResourceInformer(client, ConfigMaps, { backoff: FAST });
  const events: CacheEvent<ConfigMap>[] = [];
  informer.subscribe((e) => events.push(e));
  await runFor(informer, () => informer.resourceVersion === "8", "resumed");
  assert.deepEqual(informer.list().map((o) => o.metadata?.name), ["a"]);
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.name}`), ["added a"]);
  // The cut watch-list is not retried in a loop: that state comes from a LIST, and the watch
  // resumes from the LIST's resourceVersion; a later initial state tries the watch-list again.
  assert.equal(client.requests[1].get("sendInitialEvents"), null, "the second request is a LIST");
  assert.equal(client.requests[1].get("watch"), null, "the second request is a LIST");
  assert.equal(client.requests[2].get("resourceVersion"), "7", "the watch resumes from the list");
  assert.equal(informer.usesList, false);
});

Deno.test("Watcher: 410 Gone on resume relists and deletes what vanished", async () => {
  const gone = {
    type: "ERROR",
    object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" },
  };
  const client = new ScriptedClient([
    { lines: [added("a", "5"), added("b", "6"), bookmark("7", true)] },
    { lines: [gone] },
    { lines: [added("b", "6"), added("c", "9"), bookmark("9", true)], hang: true },
  ]);
  const events: CacheEvent<ConfigMap>[] = [];
  const errors: WatchError[] = [];
  const informer = new ResourceInformer(client, ConfigMaps, {
    backoff: FAST,
    onError: (e) => errors.push(e),
  });
  informer.subscribe((e) => events.push(e));
  await runFor(informer, () => informer.get("c", "x") !== undefined, "c");
  assert.equal(client.requests[1].get("resourceVersion"), "7");
  assert.equal(client.requests[2].get("sendInitialEvents"), "true");
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.name}`), [
    "added a",
    "added b",
    "added c",
    "deleted a",
  ]);
  assert.deepEqual(errors, [], "the first 410 is handled without a delay or an error");
});

Deno.test("Watcher: streams that end at once are retried with backoff, not in a hot loop", async () => {
  const client = new ScriptedClient([{ lines: [] }]);
  const watcher = new Watcher(client, ConfigMaps, { backoff: { initialMs: 40, maxMs: 40 } });
  const stop = new AbortController();
  const run = watcher.run(stop.signal, {
    initStart() {},
    initObject() {},
    initDone() {},
    apply() {},
    remove() {},
    bookmark() {},
    error() {},
  });
  await new Promise((resolve) => setTimeout(resolve, 400));
  stop.abort();
  await run;
  assert.ok(client.requests.length <= 25, `${client.requests.length} requests in 400 ms`);
  assert.ok(client.requests.length >= 2);
});

Deno.test("Watcher: errors are reported with a growing delay and the watcher goes on", async () => {
  const refusal = new KubernetesApiError({ code: 503, reason: "ServiceUnavailable" });
  const client = new ScriptedClient([
    { error: refusal },
    { error: refusal },
    { error: refusal },
    { lines: [bookmark("3", true)], hang: true },
  ]);
  const errors: WatchError[] = [];
  const informer = new ResourceInformer(client, ConfigMaps, {
    backoff: FAST,
    onError: (e) => errors.push(e),
  });
  await runFor(informer, () => informer.synced, "sync after errors");
  assert.deepEqual(errors.map((e) => e.retryInMs), [10, 20, 40]);
  assert.equal(errors[0].cause, refusal);
  assert.match(
    errors[0].message,
    /watching ConfigMap failed: 503 ServiceUnavailable; retrying in 10 ms/,
  );
});

Deno.test("Watcher: abort and the idle watchdog end a stream whose transport ignores the signal", async () => {
  // A transport that lost its link to the request's signal (issue 8: a combined signal
  // collected by GC while the body lives) must not keep the watcher waiting.
  const client = new ScriptedClient([{ lines: [bookmark("3", true)], hang: true, deaf: true }]);
  const errors: WatchError[] = [];
  const informer = new ResourceInformer(client, ConfigMaps, {
    backoff: FAST,
    idleTimeoutMs: 100,
    onError: (e) => errors.push(e),
  });
  const stop = new AbortController();
  const run = informer.run(stop.signal);
  await waitFor(() => errors.length > 0, "the idle watchdog");
  assert.match(errors[0].message, /no event for more than 100 ms/);
  await waitFor(() => client.requests.length >= 2, "the silent watch restarted");
  stop.abort();
  await run; // would never resolve if the pending read were not interrupted
});

Deno.test("Informer: an object whose transform throws, or without a name, is left out", async () => {
  const client = new ScriptedClient([{
    lines: [
      added("a", "5"),
      added("bad", "6"),
      { type: "ADDED", object: { metadata: { resourceVersion: "7" } } },
      bookmark("7", true),
      { type: "MODIFIED", object: obj("bad", "8") },
      added("c", "9"),
    ],
    hang: true,
  }]);
  const informer = new ResourceInformer(client, ConfigMaps, {
    backoff: FAST,
    transform: (cm) => {
      if (cm.metadata?.name === "bad") throw new Error("user code failed");
      return cm;
    },
  });
  await runFor(informer, () => informer.get("c", "x") !== undefined, "c");
  assert.deepEqual(informer.list().map((o) => o.metadata?.name).sort(), ["a", "c"]);
  assert.equal(informer.resourceVersion, "9");
  assert.equal(client.requests.length, 1, "the watch went on");
});

Deno.test("Watcher: each restart is reported with its reason; the informer records them and its size", async () => {
  const gone = {
    type: "ERROR",
    object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" },
  };
  const client = new ScriptedClient([
    { lines: [added("a", "5"), added("b", "6"), bookmark("7", true)] }, // the server ends it
    { lines: [gone] }, // the resume is too old
    { error: new Error("connection reset") },
    // A silent stream: the idle watchdog ends it (again and again: the last answer repeats).
    { lines: [added("a", "5"), bookmark("9", true)], hang: true, deaf: true },
  ]);
  const sdk = new TestSdk();
  const reasons: WatchRestartReason[] = [];
  const informer = new ResourceInformer(client, ConfigMaps, {
    backoff: FAST,
    idleTimeoutMs: 100,
    onRestart: (reason) => reasons.push(reason),
    metrics: new RuntimeMetrics({ meterProvider: sdk.meterProvider }),
  });
  try {
    await runFor(informer, () => reasons.includes("idle"), "an idle restart");
    assert.deepEqual(reasons.slice(0, 4), ["closed", "expired", "error", "idle"]);
    const restarts = await sdk.points(METRICS.watchRestarts);
    const count = (reason: string) =>
      restarts.filter((p) => p.attributes.reason === reason && p.attributes.kind === "ConfigMap")
        .reduce((total, p) => total + p.value, 0);
    for (const reason of new Set(reasons)) {
      assert.equal(count(reason), reasons.filter((r) => r === reason).length, reason);
    }
    const cached = await sdk.points(METRICS.cacheObjects);
    assert.equal(cached.reduce((total, p) => total + p.value, 0), informer.size);
    assert.equal(informer.size, 1, "b vanished with the new state");

    // An initial state alone counts its objects.
    const other = new TestSdk();
    const synced = new ResourceInformer(
      new ScriptedClient([{
        lines: [added("a", "5"), added("b", "6"), bookmark("7", true)],
        hang: true,
      }]),
      ConfigMaps,
      { metrics: new RuntimeMetrics({ meterProvider: other.meterProvider }) },
    );
    await runFor(synced, () => synced.synced, "synced");
    assert.deepEqual((await other.points(METRICS.cacheObjects)).map((p) => p.value), [2]);
    await other.shutdown();
  } finally {
    await sdk.shutdown();
  }
});

Deno.test("Watcher: bad options are named errors at construction, before any request", () => {
  const client = restClientFromHandler(() => Promise.reject(new Error("no request expected")));
  const bad: [WatcherOptions, typeof TypeError | typeof RangeError, RegExp][] = [
    [{ pageSize: 0 }, RangeError, /pageSize must be a whole number >= 1, got 0/],
    [{ pageSize: 2.5 }, RangeError, /pageSize/],
    [{ idleTimeoutMs: -1 }, RangeError, /idleTimeoutMs must be a finite number of ms >= 0/],
    [{ idleTimeoutMs: Number.NaN }, RangeError, /idleTimeoutMs .*got NaN/],
    // The server would refuse every watch with timeoutSeconds=NaN.
    [{ watchTimeoutSeconds: Number.NaN }, RangeError, /watchTimeoutSeconds must be .*got NaN/],
    [{ watchTimeoutSeconds: 0 }, RangeError, /watchTimeoutSeconds/],
    [{ initialState: "stream" as never }, TypeError, /initialState must be "watch-list" or "list"/],
    [{ labelSelector: 7 as never }, TypeError, /labelSelector must be a string, got number/],
    [{ backoff: { initialMs: 0 } }, RangeError, /Backoff: initialMs/],
  ];
  for (const [options, type, message] of bad) {
    assert.throws(
      () => new Watcher(client, ConfigMaps, options),
      (error: unknown) => error instanceof type && message.test((error as Error).message),
      JSON.stringify(options),
    );
  }
  // 0 turns the idle watchdog off.
  new Watcher(client, ConfigMaps, { idleTimeoutMs: 0, pageSize: 1, watchTimeoutSeconds: 1 });
});
