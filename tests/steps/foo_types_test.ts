// Compile-time checks of the step model on the Foo example: typed status, the data chain and
// the resource's metadata. `deno test` type-checks this file: if a type is loosened so that one
// of the mistakes below compiles, its `@ts-expect-error` becomes unused and the check fails.

import assert from "node:assert/strict";
import {
  blocked,
  modified,
  noModification,
  plan,
  type Reconciler,
  RunExecutor,
  type RunResource,
  type Step,
  type StepOutcome,
} from "@staircase/staircase";
import { resourceType, type RestClient } from "@staircase/staircase/client";
import { MergePatchStatusWriter, type StatusWriter } from "@staircase/staircase/status";
import { type Foo, Foos, type FooStatus } from "../../examples/foo/api.ts";
import { InMemoryOrders } from "../../examples/foo/orders.ts";
import {
  checkOrder,
  ensureConfigMap,
  ensureFinalizer,
  type FooResource,
  placeOrder,
  reportStatus,
} from "../../examples/foo/reconciler.ts";

const deps = { orders: new InMemoryOrders() };

Deno.test("a status that does not match the resource's status type does not compile", () => {
  const steps = plan(Foos)
    .step({
      name: "typo",
      // @ts-expect-error: `phse` is not a field of FooStatus
      run: () => modified({ status: { phse: "Ready" } }),
    })
    .step({
      name: "wrong-value",
      // @ts-expect-error: "Done" is not a phase
      run: () => noModification(undefined, { status: { phase: "Done" } }),
    })
    .step({
      name: "wrong-type-async",
      run: async () => {
        await Promise.resolve();
        // @ts-expect-error: observedGeneration is a number
        return blocked({ message: "later", status: { observedGeneration: "1" } });
      },
    })
    .step({
      name: "right",
      run: () => modified({ message: "ok", status: { phase: "Ready", message: null } }),
    });
  assert.equal(steps.steps.length, 4);

  const annotated: Step<FooResource, undefined, string> = {
    name: "annotated",
    // @ts-expect-error: the status is checked against the declared step type too
    run: () => noModification("x", { status: { ready: true } }),
  };
  void annotated;

  // A helper returning outcomes names the status type once, and is checked the same way.
  function decide(done: boolean): StepOutcome<number, FooStatus> {
    // @ts-expect-error: `phase: 1` is not a phase
    if (done) return modified({ status: { phase: 1 } });
    return noModification(1, { status: { phase: "Pending" } });
  }
  assert.equal(decide(false).kind, "no-modification");
});

Deno.test("a kind without a status field takes no status", () => {
  interface Plain {
    metadata?: { name?: string };
  }
  plan<Plain>().step({
    name: "no-status",
    // @ts-expect-error: Plain has no status, so outcomes carry none
    run: () => modified({ status: { phase: "Ready" } }),
  });
});

Deno.test("a broken step chain does not compile", () => {
  const chain = plan(Foos)
    .step(ensureFinalizer())
    .step(ensureConfigMap())
    .step(checkOrder(deps))
    .step(placeOrder(deps))
    .step(reportStatus());
  assert.equal(chain.steps.length, 5);
  // @ts-expect-error: place-order needs an OrderCheck, the plan starts with undefined
  plan(Foos).step(placeOrder(deps));
  // @ts-expect-error: check-order needs the ConfigMap name that ensure-config-map hands on
  plan(Foos).step(ensureFinalizer()).step(checkOrder(deps));
  interface Bar {
    metadata?: { name?: string };
    spec: { other: boolean };
  }
  const forBar: Step<Bar, undefined, undefined> = {
    name: "bar",
    run: () => noModification(undefined),
  };
  // @ts-expect-error: a step written for another kind
  plan(Foos).step(forBar);
});

Deno.test("the resource in a Run has its metadata: no non-null assertions", async () => {
  const seen: (string | number)[] = [];
  const withToken = plan(Foos).step({
    name: "metadata",
    run: (context) => {
      const { name, namespace, uid, resourceVersion } = context.resource.metadata;
      const generation: number = context.resource.metadata.generation;
      seen.push(name, namespace, uid, resourceVersion, generation);
      return noModification(undefined);
    },
  });
  const foo: Foo = {
    apiVersion: "example.staircase.dev/v1",
    kind: "Foo",
    metadata: { name: "a", namespace: "n", uid: "u", resourceVersion: "7", generation: 2 },
    spec: { message: "", orderId: "o", item: "i", quantity: 1 },
  };
  const result = await new RunExecutor({ client: {} as RestClient }).run(foo, withToken);
  assert.equal(result.end, "in-sync");
  assert.deepEqual(seen, ["a", "n", "u", "7", 2]);
  // Without a token the scope is unknown: the namespace may be absent (compile-time only).
  plan<Foo>().step({
    name: "no-token",
    run: (context) => {
      // @ts-expect-error: string | undefined without a namespaced token
      const namespace: string = context.resource.metadata.namespace;
      return noModification(namespace);
    },
  });
});

Deno.test("status writers and executors are typed by the kind", () => {
  const client = {} as RestClient;
  const writer: StatusWriter<FooResource> = new MergePatchStatusWriter(client, Foos);
  // The executor's resource type follows from its status writer: the plans it runs are Foos'.
  const executor = new RunExecutor({ client, resourceType: Foos, statusWriter: writer });
  const reconciler: Reconciler<FooResource> = { plan: () => plan(Foos) };
  const reconcileFoo = (foo: Foo) => executor.reconcile(foo, reconciler);
  const Others = resourceType<{ status?: { other?: number } }>()({
    group: "example.com",
    version: "v1",
    kind: "Other",
    plural: "others",
    namespaced: true,
  });
  // @ts-expect-error: a status writer for another kind
  const wrong: StatusWriter<FooResource> = new MergePatchStatusWriter(client, Others);
  const typed = new MergePatchStatusWriter(client, Foos);
  const signal = new AbortController().signal;
  const resource: RunResource<FooResource> = {
    apiVersion: "example.staircase.dev/v1",
    kind: "Foo",
    metadata: { name: "a", namespace: "n", uid: "u", resourceVersion: "1", generation: 1 },
    spec: { message: "", orderId: "o", item: "i", quantity: 1 },
  };
  // Type-checked only: never called (the client here is a stand-in).
  const writeTypo = () =>
    // @ts-expect-error: the writer's status is the kind's status type
    typed.write(resource, { phse: "Ready" }, { signal, runId: "r", stepName: "s" });
  void [reconcileFoo, wrong, writeTypo];
});
