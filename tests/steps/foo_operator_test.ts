/**
 * The Foo example operator (examples/foo: a CR with a child ConfigMap, an external order that is
 * checked and then placed, a finalizer and a best-effort status) against the real API server:
 * one change per Run, from creation to deletion.
 *
 * @module
 */
import assert from "node:assert/strict";
import { installCrd, RunExecutor, type RunResult } from "@staircase/staircase";
import {
  type HttpRestClient,
  isNotFound,
  kubeConfigClient,
  ResourceClient,
} from "@staircase/staircase/client";
import { MergePatchStatusWriter } from "@staircase/staircase/status";
import { useTestControlPlane, withNamespace } from "@staircase/staircase/testing";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
import { type Foo, fooCrd, Foos } from "../../examples/foo/api.ts";
import { InMemoryOrders } from "../../examples/foo/orders.ts";
import { FINALIZER, fooReconciler, type FooResource } from "../../examples/foo/reconciler.ts";

const cluster = await useTestControlPlane();
{
  const setup = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
  await installCrd(setup, fooCrd).finally(() => setup.close());
}

/** Runs `fn` with a client and an executor for Foos, closing the client after. */
async function withExecutor(
  fn: (client: HttpRestClient, executor: RunExecutor<FooResource>) => Promise<void>,
): Promise<void> {
  const client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
  try {
    const executor = new RunExecutor({
      client,
      resourceType: Foos,
      statusWriter: new MergePatchStatusWriter(client, Foos),
      controller: "foo-controller",
      stepTimeoutMs: 10_000,
    });
    await fn(client, executor);
  } finally {
    client.close();
  }
}

Deno.test("a Foo from creation to deletion: one change per Run, the order placed once, then cancelled", () =>
  withNamespace((namespace) =>
    withExecutor(async (client, executor) => {
      const orders = new InMemoryOrders();
      const reconciler = fooReconciler({ orders, confirmationPollMs: 1_000 });
      const api = new ResourceClient(client, Foos).namespace(namespace);
      const configMaps = new ResourceClient(client, ConfigMaps).namespace(namespace);
      const spec = { message: "hello", orderId: `order-${namespace}`, item: "bolts", quantity: 3 };
      await api.create({
        apiVersion: "example.staircase.dev/v1",
        kind: "Foo",
        metadata: { name: "first" },
        spec,
      });
      // Each Run reads the Foo afresh, as a controller does.
      const run = async (): Promise<RunResult> =>
        await executor.reconcile(await api.get("first"), reconciler);
      const ended = (result: RunResult) => `${result.endedBy?.name ?? "-"}:${result.end}`;

      assert.equal(ended(await run()), "ensure-finalizer:modified");
      assert.deepEqual((await api.get("first")).metadata?.finalizers, [FINALIZER]);

      const created = await run();
      assert.equal(ended(created), "ensure-config-map:modified");
      assert.equal(created.controller, "foo-controller");
      const child = await configMaps.get("first-message");
      assert.equal(child.data?.message, "hello");
      assert.equal(
        child.metadata?.ownerReferences?.[0].uid,
        (await api.get("first")).metadata?.uid,
      );
      assert.equal((await api.get("first")).status?.phase, "Pending");
      assert.equal(orders.calls.length, 0, "no order before the ConfigMap exists");

      const placed = await run();
      assert.equal(ended(placed), "place-order:modified");
      assert.deepEqual(orders.calls, [`find ${spec.orderId}`, `place ${spec.orderId}`]);
      assert.equal((await api.get("first")).status?.phase, "Ordering");

      const waiting = await run();
      assert.equal(ended(waiting), "check-order:blocked");
      assert.deepEqual(waiting.action, { type: "requeue-after", requeueAfterMs: 1_000 });
      assert.match(waiting.message ?? "", /awaits the supplier's confirmation/);

      orders.confirm(spec.orderId);
      const inSync = await run();
      assert.equal(inSync.end, "in-sync");
      assert.deepEqual(inSync.statusWrites.map((w) => w.ok), [true]);
      const ready = await api.get("first");
      assert.equal(ready.status?.phase, "Ready");
      assert.equal(ready.status?.observedGeneration, ready.metadata?.generation);
      assert.equal(ready.status?.message, undefined, "null in the merge patch deleted it");
      assert.equal((await run()).statusWrites.length, 0, "in sync and reported: nothing to write");
      assert.equal(orders.calls.filter((c) => c.startsWith("place")).length, 1);

      // Deletion: the finalizer holds the Foo until its order is cancelled.
      await api.delete("first");
      assert.ok((await api.get("first")).metadata?.deletionTimestamp);
      assert.equal(ended(await run()), "cancel-order:modified");
      assert.equal(await orders.find(spec.orderId, new AbortController().signal), undefined);
      assert.equal(ended(await run()), "remove-finalizer:modified");
      await assert.rejects(api.get("first"), (error: unknown) => isNotFound(error));
    })
  ));

Deno.test("a Foo whose order exists already is not ordered twice", () =>
  withNamespace((namespace) =>
    withExecutor(async (client, executor) => {
      const orders = new InMemoryOrders({ confirmAtOnce: true });
      const spec = { message: "m", orderId: `order-${namespace}`, item: "nuts", quantity: 1 };
      await orders.place(
        { id: spec.orderId, item: spec.item, quantity: 1 },
        new AbortController().signal,
      );
      const api = new ResourceClient(client, Foos).namespace(namespace);
      const foo: Foo = {
        apiVersion: "example.staircase.dev/v1",
        kind: "Foo",
        metadata: { name: "again" },
        spec,
      };
      await api.create(foo);
      const reconciler = fooReconciler({ orders });
      const ends: string[] = [];
      for (let i = 0; i < 4; i++) {
        const result = await executor.reconcile(await api.get("again"), reconciler);
        ends.push(`${result.endedBy?.name ?? "-"}:${result.end}`);
      }
      assert.deepEqual(ends, [
        "ensure-finalizer:modified",
        "ensure-config-map:modified",
        "-:in-sync",
        "-:in-sync",
      ]);
      assert.equal(orders.calls.filter((c) => c.startsWith("place")).length, 1);
    })
  ));
