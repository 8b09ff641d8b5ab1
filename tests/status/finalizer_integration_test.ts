/**
 * Finalizers as steps against a real kube-apiserver: cleanup that fails keeps the finalizer,
 * and finalizers of others survive concurrent changes.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  noModification,
  plan,
  type ResourceOf,
  RunExecutor,
  type RunResult,
} from "../../lib/steps/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import { withFinalizer } from "../../lib/status/mod.ts";
import {
  adminClient,
  createWidget,
  getWidget,
  type Widget,
  widgetCluster,
  widgetPath,
  Widgets,
} from "./_widgets.ts";

const cluster = await widgetCluster();
const FINALIZER = "tests.staircase.dev/cleanup";
const OTHER = "other.example.com/keep";
const THIRD = "third.example.com/keep";
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Runs `fn` with a function that runs one Run on the Widget as read now (or as given). */
async function withRuns(
  cleanup: () => void,
  fn: (run: (ns: string, name: string, stale?: Widget) => Promise<RunResult>) => Promise<void>,
): Promise<void> {
  using client = await adminClient(cluster);
  const executor = new RunExecutor<ResourceOf<typeof Widgets>>({
    client,
    resourceType: Widgets,
    logger: silent,
  });
  const apply = plan(Widgets).step({ name: "work", run: () => noModification(undefined) });
  const cleanupPlan = plan(Widgets).step({
    name: "release-things",
    run: () => {
      cleanup();
      return noModification(undefined);
    },
  });
  await fn(async (ns, name, stale) => {
    const widget = stale ?? (await getWidget(cluster, ns, name))!;
    return await executor.reconcile(widget, {
      plan: (w) =>
        withFinalizer(w, {
          resource: Widgets,
          finalizer: FINALIZER,
          apply,
          cleanup: cleanupPlan,
        }),
    });
  });
}

async function patchFinalizers(ns: string, name: string, finalizers: string[]): Promise<void> {
  await cluster.request("PATCH", widgetPath(ns, name), { metadata: { finalizers } }, {
    contentType: "application/merge-patch+json",
  });
}

Deno.test("a finalizer whose cleanup fails twice stays until cleanup succeeds; then the object goes", () =>
  withNamespace(async (ns) => {
    let attempts = 0;
    await withRuns(() => {
      attempts++;
      if (attempts <= 2) throw new Error(`cleanup attempt ${attempts} failed`);
    }, async (run) => {
      await createWidget(cluster, ns, "w");
      const first = await run(ns, "w");
      assert.equal(first.end, "modified");
      assert.equal(first.endedBy?.name, "ensure-finalizer");
      assert.deepEqual((await getWidget(cluster, ns, "w"))?.metadata?.finalizers, [FINALIZER]);
      const second = await run(ns, "w");
      assert.equal(second.end, "in-sync");
      assert.deepEqual(second.steps.map((s) => s.name), ["ensure-finalizer", "work"]);

      await cluster.request("DELETE", widgetPath(ns, "w"));
      for (const attempt of [1, 2]) {
        const failed = await run(ns, "w");
        assert.equal(failed.end, "failed", `attempt ${attempt}`);
        assert.equal(failed.endedBy?.name, "release-things");
        assert.equal(failed.action.type, "retry-with-backoff");
        const widget = await getWidget(cluster, ns, "w");
        assert.ok(widget?.metadata?.deletionTimestamp);
        assert.deepEqual(widget?.metadata?.finalizers, [FINALIZER]);
      }
      const done = await run(ns, "w");
      assert.equal(done.end, "modified");
      assert.equal(done.endedBy?.name, "remove-finalizer");
      assert.equal(attempts, 3);
      assert.equal(await getWidget(cluster, ns, "w"), undefined);
    });
  }));

Deno.test("a finalizer added concurrently by someone else is kept (adding and removing ours)", () =>
  withNamespace(async (ns) => {
    await withRuns(() => {}, async (run) => {
      const stale = await createWidget(cluster, ns, "w"); // no finalizers yet
      await patchFinalizers(ns, "w", [OTHER]); // someone else, after our read

      const conflicted = await run(ns, "w", stale);
      assert.equal(conflicted.end, "blocked");
      assert.equal(conflicted.endedBy?.name, "ensure-finalizer");
      assert.equal(conflicted.action.type, "requeue-after");
      assert.deepEqual((await getWidget(cluster, ns, "w"))?.metadata?.finalizers, [OTHER]);

      const added = await run(ns, "w");
      assert.equal(added.end, "modified");
      assert.deepEqual((await getWidget(cluster, ns, "w"))?.metadata?.finalizers, [
        OTHER,
        FINALIZER,
      ]);

      // A stale read of the list, then a third party appends its finalizer: nothing to do.
      const staleAgain = await getWidget(cluster, ns, "w");
      await patchFinalizers(ns, "w", [OTHER, FINALIZER, THIRD]);
      assert.equal((await run(ns, "w", staleAgain)).end, "in-sync");

      await cluster.request("DELETE", widgetPath(ns, "w"));
      // Ours sits at index 1 in this read; then the other controller finishes and removes its
      // own, so index 1 now holds the third party's: the guarded removal must not remove it.
      const staleDeleting = await getWidget(cluster, ns, "w");
      await patchFinalizers(ns, "w", [FINALIZER, THIRD]);
      const moved = await run(ns, "w", staleDeleting);
      assert.equal(moved.end, "blocked");
      assert.equal(moved.endedBy?.name, "remove-finalizer");
      assert.deepEqual((await getWidget(cluster, ns, "w"))?.metadata?.finalizers, [
        FINALIZER,
        THIRD,
      ]);

      // On fresh state our removal takes ours only: theirs stays, and so does the object.
      const removed = await run(ns, "w");
      assert.equal(removed.end, "modified");
      const left = await getWidget(cluster, ns, "w");
      assert.deepEqual(left?.metadata?.finalizers, [THIRD]);

      // Being deleted without our finalizer: nothing left for us to do.
      const idle = await run(ns, "w");
      assert.equal(idle.end, "in-sync");
      assert.deepEqual(idle.steps, []);
      await patchFinalizers(ns, "w", []);
      assert.equal(await getWidget(cluster, ns, "w"), undefined);
    });
  }));
