/**
 * The example operator loop with an in-memory source and the real Run executor.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  modified,
  noModification,
  plan,
  type Reconciler,
  type RestClient,
  RunExecutor,
} from "../../lib/steps/mod.ts";
import { runOperatorLoop } from "../../examples/greeting/loop.ts";
import type { ObjectKey, ResourceSource } from "../../examples/greeting/source.ts";

interface Item {
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
  };
  spec: { wanted: number };
}

/** A "cluster" of items, each with a counter a step moves towards `wanted`, one per Run. */
function world(items: Item[], options: { failGet?: Set<string>; failList?: boolean } = {}) {
  const counters = new Map<string, number>();
  const gets: string[] = [];
  const source: ResourceSource<Item> = {
    async *list() {
      if (options.failList) throw new Error("the API server is unreachable");
      yield* items;
    },
    get: (key: ObjectKey) => {
      gets.push(key.name);
      if (options.failGet?.has(key.name)) return Promise.reject(new Error("read failed"));
      const found = items.find((i) => i.metadata.name === key.name);
      return Promise.resolve(found && structuredClone(found));
    },
  };
  const reconciler: Reconciler<Item> = {
    plan: () =>
      plan<Item>().step({
        name: "count-up",
        run: (context) => {
          const name = context.resource.metadata.name;
          const now = counters.get(name) ?? 0;
          if (now >= context.resource.spec.wanted) return Promise.resolve(noModification(now));
          counters.set(name, now + 1);
          return Promise.resolve(modified({ message: `counter ${now + 1}` }));
        },
      }),
  };
  const executor = new RunExecutor<Item>({ client: {} as RestClient });
  return { source, reconciler, executor, counters, gets };
}

const item = (name: string, wanted: number): Item => ({
  metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: "1", generation: 1 },
  spec: { wanted },
});

Deno.test("--once follows requeues, one change per Run, until every item is in sync", async () => {
  const w = world([item("a", 3), item("b", 0)]);
  const runs: string[] = [];
  const summary = await runOperatorLoop({
    ...w,
    once: true,
    onRun: (key, result) => runs.push(`${key.name}:${result.end}`),
  });
  assert.deepEqual(w.counters.get("a"), 3);
  assert.equal(runs.filter((r) => r === "a:modified").length, 3);
  assert.equal(runs.at(-1), "a:in-sync");
  assert.equal(summary.runs, 5);
  assert.deepEqual([...summary.inSync].sort(), ["ns/a", "ns/b"]);
  assert.deepEqual(summary.failed, []);
  // Every Run read its item afresh.
  assert.equal(w.gets.length, 5);
});

Deno.test("--once gives up after maxFailures failed reads and reports the item", async () => {
  const w = world([item("ok", 1), item("broken", 1)], { failGet: new Set(["broken"]) });
  const summary = await runOperatorLoop({ ...w, once: true, maxFailures: 2 });
  assert.deepEqual(summary.inSync, ["ns/ok"]);
  assert.deepEqual(summary.failed, ["ns/broken"]);
  assert.equal(w.gets.filter((g) => g === "broken").length, 2);
});

Deno.test("an item gone between the list and its Run is dropped", async () => {
  const w = world([item("ghost", 1)]);
  const source: ResourceSource<Item> = { ...w.source, get: () => Promise.resolve(undefined) };
  const summary = await runOperatorLoop({ ...w, source, once: true });
  assert.equal(summary.runs, 0);
  assert.deepEqual([summary.inSync, summary.waiting, summary.failed], [[], [], []]);
});

Deno.test("--once rethrows a failed first list; the continuous loop stops on abort", async () => {
  const failing = world([], { failList: true });
  await assert.rejects(
    runOperatorLoop({ ...failing, once: true }),
    /the API server is unreachable/,
  );

  const w = world([item("a", 1)]);
  const controller = new AbortController();
  let relists = 0;
  const source: ResourceSource<Item> = {
    ...w.source,
    list: () => {
      relists++;
      return w.source.list();
    },
  };
  const loop = runOperatorLoop({
    ...w,
    source,
    relistIntervalMs: 20,
    signal: controller.signal,
  });
  await new Promise((resolve) => setTimeout(resolve, 150));
  controller.abort();
  const summary = await loop;
  // Relisting re-ran the item (periodic resync) without changing it again.
  assert.ok(relists >= 3, `relisted ${relists} times`);
  assert.equal(w.counters.get("a"), 1);
  assert.deepEqual(summary.inSync, ["ns/a"]);
});
