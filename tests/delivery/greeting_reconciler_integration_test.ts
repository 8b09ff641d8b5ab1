/**
 * The Greeting reconciler's Runs against the real API server: one change per Run, drift
 * repaired, a failing status write tolerated, a foreign ConfigMap left alone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type HttpRestClient, kubeConfigClient } from "../../lib/client/mod.ts";
import { resourceType } from "../../lib/client/mod.ts";
import { RunExecutor, type RunResult } from "../../lib/steps/mod.ts";
import { MergePatchStatusWriter } from "../../lib/status/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import {
  type Greeting,
  type GreetingList,
  Greetings,
} from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import { greetingReconciler } from "../../examples/greeting/reconciler.ts";
import {
  configMapPath,
  createGreeting,
  getConfigMap,
  getGreeting,
  greetingCluster,
  greetingPath,
  patchConfigMap,
} from "./_greeting.ts";

const cluster = await greetingCluster();

/** Runs `fn` with a client and an executor writing status to `target`, closing the client. */
async function withExecutor(
  fn: (run: (namespace: string, name: string) => Promise<RunResult>) => Promise<void>,
  target: typeof Greetings = Greetings,
): Promise<void> {
  const client: HttpRestClient = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
  try {
    const executor = new RunExecutor({
      resourceType: Greetings,
      client,
      statusWriter: new MergePatchStatusWriter(client, target),
      stepTimeoutMs: 10_000,
    });
    // Each Run reads the Greeting afresh, as the operator loop does.
    await fn(async (namespace, name) =>
      await executor.reconcile(await getGreeting(cluster, namespace, name), greetingReconciler)
    );
  } finally {
    client.close();
  }
}

Deno.test("a new Greeting: one change per Run, then in sync with a best-effort status", () =>
  withNamespace((ns) =>
    withExecutor(async (run) => {
      const greeting = await createGreeting(cluster, ns, "hello", "Hello, world");

      const first = await run(ns, "hello");
      assert.equal(first.end, "modified");
      assert.equal(first.endedBy?.name, "ensure-configmap");
      assert.deepEqual(first.steps.map((s) => s.kind), ["modified"]); // nothing ran after it
      assert.deepEqual(first.action, { type: "requeue" });
      const cm = await getConfigMap(cluster, ns, "greeting-hello");
      assert.equal(cm?.data?.message, "Hello, world");
      assert.equal(cm?.metadata?.labels?.["demo.staircase.dev/greeting"], "hello");
      assert.equal(
        cm?.metadata?.labels?.["demo.staircase.dev/greeting-uid"],
        greeting.metadata?.uid,
      );
      assert.deepEqual(
        cm?.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]),
        [["Greeting", "hello", greeting.metadata?.uid, true]],
      );
      assert.equal((await getGreeting(cluster, ns, "hello")).status, undefined);

      const second = await run(ns, "hello");
      assert.equal(second.end, "in-sync");
      assert.deepEqual(second.steps.map((s) => s.name), [
        "ensure-configmap",
        "sync-message",
        "report-status",
      ]);
      assert.equal(second.action.type, "await-change");
      assert.deepEqual(second.statusWrites.map((w) => w.ok), [true]);
      assert.deepEqual((await getGreeting(cluster, ns, "hello")).status, {
        ready: true,
        observedGeneration: 1,
        configMap: "greeting-hello",
      });

      // In sync and reported: a further Run writes nothing at all.
      const third = await run(ns, "hello");
      assert.equal(third.end, "in-sync");
      assert.equal(third.statusWrites.length, 0);
    })
  ));

Deno.test("drift in the ConfigMap is repaired by the next Runs, other keys kept", () =>
  withNamespace((ns) =>
    withExecutor(async (run) => {
      await createGreeting(cluster, ns, "drift", "original");
      assert.equal((await run(ns, "drift")).end, "modified");
      assert.equal((await run(ns, "drift")).end, "in-sync");

      await patchConfigMap(cluster, ns, "greeting-drift", {
        metadata: { labels: { "demo.staircase.dev/greeting": "someone-else", team: "blue" } },
        data: { message: "tampered", extra: "kept" },
      });
      const repair = await run(ns, "drift");
      assert.equal(repair.end, "modified");
      assert.equal(repair.endedBy?.name, "sync-message");
      assert.match(repair.message ?? "", /data\.message \("tampered" → "original"\)/);
      assert.match(repair.message ?? "", /label demo\.staircase\.dev\/greeting/);
      assert.deepEqual(repair.action, { type: "requeue" });
      // The Run that found drift flipped the reported readiness (best effort).
      assert.equal((await getGreeting(cluster, ns, "drift")).status?.ready, false);

      const cm = await getConfigMap(cluster, ns, "greeting-drift");
      assert.equal(cm?.data?.message, "original");
      assert.equal(cm?.data?.extra, "kept");
      assert.equal(cm?.metadata?.labels?.["demo.staircase.dev/greeting"], "drift");
      assert.equal(cm?.metadata?.labels?.team, "blue");

      assert.equal((await run(ns, "drift")).end, "in-sync");
      assert.equal((await getGreeting(cluster, ns, "drift")).status?.ready, true);

      // A deleted child is recreated: again one change, nothing after it in that Run.
      await cluster.request("DELETE", configMapPath(ns, "greeting-drift"));
      const recreate = await run(ns, "drift");
      assert.equal(recreate.endedBy?.name, "ensure-configmap");
      assert.equal(recreate.steps.length, 1);
      assert.equal((await getConfigMap(cluster, ns, "greeting-drift"))?.data?.message, "original");
    })
  ));

Deno.test("a spec change reaches the ConfigMap and observedGeneration follows", () =>
  withNamespace((ns) =>
    withExecutor(async (run) => {
      await createGreeting(cluster, ns, "edit", "one");
      await run(ns, "edit");
      await run(ns, "edit");
      await cluster.request("PATCH", greetingPath(ns, "edit"), { spec: { message: "two" } }, {
        contentType: "application/merge-patch+json",
      });
      const sync = await run(ns, "edit");
      assert.equal(sync.endedBy?.name, "sync-message");
      assert.equal((await run(ns, "edit")).end, "in-sync");
      assert.equal((await getConfigMap(cluster, ns, "greeting-edit"))?.data?.message, "two");
      assert.deepEqual((await getGreeting(cluster, ns, "edit")).status?.observedGeneration, 2);
    })
  ));

Deno.test("a failing status write is recorded, never fails the Run or stops the requeue", () =>
  withNamespace(async (ns) => {
    await createGreeting(cluster, ns, "status", "hi");
    // Good writer first, so the status says ready and the next modifying Run wants to flip it.
    await withExecutor(async (run) => {
      await run(ns, "status");
      await run(ns, "status");
    });
    await patchConfigMap(cluster, ns, "greeting-status", { data: { message: "drift" } });
    // A wrong plural: the server answers 404 to every status write.
    const broken = resourceType<Greeting, GreetingList>()({ ...Greetings, plural: "greetingz" });
    await withExecutor(async (run) => {
      const repair = await run(ns, "status");
      assert.equal(repair.end, "modified");
      assert.deepEqual(repair.action, { type: "requeue" });
      assert.equal(repair.statusWrites.length, 1);
      assert.equal(repair.statusWrites[0].ok, false);
      assert.ok(repair.statusWrites[0].error instanceof Error);

      // An in-sync Run whose status write fails is still in sync.
      await createGreeting(cluster, ns, "fresh", "hello");
      assert.equal((await run(ns, "fresh")).end, "modified");
      const inSync = await run(ns, "fresh");
      assert.equal(inSync.end, "in-sync");
      assert.equal(inSync.error, undefined);
      assert.equal(inSync.action.type, "await-change");
      assert.deepEqual(inSync.statusWrites.map((w) => w.ok), [false]);
    }, broken);
    assert.equal((await getConfigMap(cluster, ns, "greeting-status"))?.data?.message, "hi");
    assert.equal((await getGreeting(cluster, ns, "fresh")).status, undefined);
  }));

Deno.test("a ConfigMap of the same name that the Greeting does not control is left alone", () =>
  withNamespace((ns) =>
    withExecutor(async (run) => {
      await cluster.request("POST", configMapPath(ns), {
        metadata: { name: "greeting-taken" },
        data: { message: "not yours" },
      });
      await createGreeting(cluster, ns, "taken", "mine");
      const result = await run(ns, "taken");
      assert.equal(result.end, "blocked");
      assert.match(result.message ?? "", /not controlled by this Greeting/);
      assert.equal(result.action.type, "await-change");
      assert.equal((await getConfigMap(cluster, ns, "greeting-taken"))?.data?.message, "not yours");
    })
  ));
