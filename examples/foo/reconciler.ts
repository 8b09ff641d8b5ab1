/**
 * The Foo operator's steps and reconciler, written against the public package only.
 *
 * While a Foo exists, one change per Run:
 * 1. `ensure-finalizer`: add the finalizer, so a deleted Foo waits until its order is cancelled;
 * 2. `ensure-config-map`: create the child ConfigMap (owned by the Foo) when it is missing;
 * 3. `check-order`: ask the order service whether the order exists; *blocked* while the
 *    supplier has not confirmed it;
 * 4. `place-order`: place the order when it does not exist;
 * 5. `report-status`: nothing to change; a best-effort status when it is out of date.
 *
 * Once the Foo is deleted: `cancel-order`, then `remove-finalizer`.
 *
 * Every step comes from a **step factory** that takes what the step needs besides its context
 * (here the {@linkcode OrderService}): no module globals, and tests hand in a fake.
 *
 * @module
 */

import {
  blocked,
  modified,
  noModification,
  plan,
  type Reconciler,
  type ResourceOf,
  type RunContext,
  type Step,
} from "@staircase/staircase";
import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
import { isNotFound, type JsonPointer, ResourceClient } from "@staircase/staircase/client";
import { type Foo, Foos } from "./api.ts";
import type { Order, OrderService } from "./orders.ts";

/** A Foo as a Run sees it: namespaced, with its name, UID, resourceVersion and generation. */
export type FooResource = ResourceOf<typeof Foos>;

/** The finalizer that keeps a deleted Foo until its order is cancelled. */
export const FINALIZER = "example.staircase.dev/cancel-order";

/** What the Foo steps need besides their context. */
export interface FooDependencies {
  /** The external order service. */
  readonly orders: OrderService;
  /**
   * How long to wait before asking again about an order the supplier has not confirmed.
   *
   * @default {10_000}
   */
  readonly confirmationPollMs?: number;
}

/** The child ConfigMap's name. */
function configMapName(foo: FooResource): string {
  return `${foo.metadata.name}-message`;
}

/** The Foo's own API, in its namespace. */
function foos(context: RunContext<FooResource>): ResourceClient<Foo> {
  return new ResourceClient(context.client, Foos).namespace(context.resource.metadata.namespace);
}

/**
 * Adds {@linkcode FINALIZER} with a JSON patch that first tests the resourceVersion read at the
 * Run's start (a concurrent change makes the patch fail; the next Run starts afresh).
 *
 * @returns The step.
 */
export function ensureFinalizer(): Step<FooResource, undefined, undefined> {
  return {
    name: "ensure-finalizer",
    run: async (context) => {
      const { metadata } = context.resource;
      if (metadata.finalizers?.includes(FINALIZER)) return noModification(undefined);
      await foos(context).patch(metadata.name, [
        { op: "test", path: "/metadata/resourceVersion", value: metadata.resourceVersion },
        metadata.finalizers === undefined
          ? { op: "add", path: "/metadata/finalizers", value: [FINALIZER] }
          : { op: "add", path: "/metadata/finalizers/-", value: FINALIZER },
      ], { type: "json", abortSignal: context.signal });
      return modified({ message: `added finalizer ${FINALIZER}` });
    },
  };
}

/**
 * Creates the child ConfigMap (owned by the Foo, so it goes with it) when it is missing; hands
 * on its name.
 *
 * @returns The step.
 */
export function ensureConfigMap(): Step<FooResource, undefined, string> {
  return {
    name: "ensure-config-map",
    run: async (context) => {
      const foo = context.resource;
      const name = configMapName(foo);
      const configMaps = new ResourceClient(context.client, ConfigMaps).namespace(
        foo.metadata.namespace,
      );
      try {
        await configMaps.get(name, { abortSignal: context.signal });
        return noModification(name);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      const child: ConfigMap = {
        metadata: {
          name,
          ownerReferences: [{
            apiVersion: Foos.apiVersion,
            kind: Foos.kind,
            name: foo.metadata.name,
            uid: foo.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          }],
        },
        data: { message: foo.spec.message },
      };
      await configMaps.create(child, { abortSignal: context.signal });
      return modified({
        message: `created ConfigMap ${name}`,
        status: { phase: "Pending", configMap: name },
      });
    },
  };
}

/** What `check-order` hands on. */
export interface OrderCheck {
  /** The child ConfigMap's name. */
  readonly configMap: string;
  /** The order, when the service has it. */
  readonly order: Order | undefined;
}

/**
 * Asks the order service for the Foo's order. An order the supplier has not confirmed yet
 * blocks the Run: nothing can be done about it but ask again later.
 *
 * @param deps The order service.
 * @returns The step.
 */
export function checkOrder(deps: FooDependencies): Step<FooResource, string, OrderCheck> {
  return {
    name: "check-order",
    run: async (context, configMap) => {
      const { orderId } = context.resource.spec;
      const order = await deps.orders.find(orderId, context.signal);
      if (order?.state === "pending") {
        return blocked({
          message: `order ${orderId} awaits the supplier's confirmation`,
          requeueAfterMs: deps.confirmationPollMs ?? 10_000,
          status: { phase: "Ordering" },
        });
      }
      return noModification({ configMap, order });
    },
  };
}

/**
 * Places the Foo's order when the service does not have it.
 *
 * @param deps The order service.
 * @returns The step.
 */
export function placeOrder(deps: FooDependencies): Step<FooResource, OrderCheck, OrderCheck> {
  return {
    name: "place-order",
    run: async (context, check) => {
      if (check.order !== undefined) return noModification(check);
      const { orderId, item, quantity } = context.resource.spec;
      await deps.orders.place({ id: orderId, item, quantity }, context.signal);
      return modified({
        message: `placed order ${orderId}`,
        status: { phase: "Ordering", message: `ordered ${quantity} × ${item}` },
      });
    },
  };
}

/**
 * Nothing left to change: reports the Foo ready, best effort, when the status says otherwise.
 * (Synchronous: it makes no request.)
 *
 * @returns The step.
 */
export function reportStatus(): Step<FooResource, OrderCheck, undefined> {
  return {
    name: "report-status",
    run: (context, check) => {
      const { status, metadata } = context.resource;
      const upToDate = status?.phase === "Ready" &&
        status.observedGeneration === metadata.generation &&
        status.configMap === check.configMap;
      if (upToDate) return noModification(undefined);
      return noModification(undefined, {
        status: {
          phase: "Ready",
          configMap: check.configMap,
          observedGeneration: metadata.generation,
          message: null, // a merge patch: null deletes the field
        },
      });
    },
  };
}

/**
 * On deletion: cancels the Foo's order if the service still has it.
 *
 * @param deps The order service.
 * @returns The step.
 */
export function cancelOrder(deps: FooDependencies): Step<FooResource, undefined, undefined> {
  return {
    name: "cancel-order",
    run: async (context) => {
      const { orderId } = context.resource.spec;
      if (await deps.orders.find(orderId, context.signal) === undefined) {
        return noModification(undefined);
      }
      await deps.orders.cancel(orderId, context.signal);
      return modified({ message: `cancelled order ${orderId}`, status: { phase: "Deleting" } });
    },
  };
}

/**
 * On deletion, once the order is gone: removes {@linkcode FINALIZER} with a JSON patch that
 * tests the entry it removes, so the API server can delete the Foo.
 *
 * @returns The step.
 */
export function removeFinalizer(): Step<FooResource, undefined, undefined> {
  return {
    name: "remove-finalizer",
    run: async (context) => {
      const { metadata } = context.resource;
      const index = metadata.finalizers?.indexOf(FINALIZER) ?? -1;
      if (index < 0) return noModification(undefined);
      const path: JsonPointer = `/metadata/finalizers/${index}`;
      await foos(context).patch(metadata.name, [
        { op: "test", path, value: FINALIZER },
        { op: "remove", path },
      ], { type: "json", abortSignal: context.signal });
      return modified({ message: `removed finalizer ${FINALIZER}` });
    },
  };
}

/**
 * The Foo reconciler: the creation steps while the Foo exists, the clean-up steps once it is
 * being deleted.
 *
 * @param deps What the steps need besides their context.
 * @returns The reconciler.
 *
 * @example One Run of a Foo
 * ```ts
 * import { RunExecutor } from "@staircase/staircase";
 * import { ResourceClient, type RestClient } from "@staircase/staircase/client";
 * import { MergePatchStatusWriter } from "@staircase/staircase/status";
 * import { Foos } from "./api.ts";
 * import { InMemoryOrders } from "./orders.ts";
 * import { fooReconciler } from "./reconciler.ts";
 *
 * async function reconcileOnce(client: RestClient, namespace: string, name: string): Promise<void> {
 *   const executor = new RunExecutor({
 *     client,
 *     resourceType: Foos,
 *     statusWriter: new MergePatchStatusWriter(client, Foos),
 *   });
 *   const foo = await new ResourceClient(client, Foos).namespace(namespace).get(name);
 *   const result = await executor.reconcile(foo, fooReconciler({ orders: new InMemoryOrders() }));
 *   console.log(result.end, result.message);
 * }
 * ```
 */
export function fooReconciler(deps: FooDependencies): Reconciler<FooResource> {
  return {
    plan: (foo) =>
      foo.metadata.deletionTimestamp === undefined
        ? plan(Foos)
          .step(ensureFinalizer())
          .step(ensureConfigMap())
          .step(checkOrder(deps))
          .step(placeOrder(deps))
          .step(reportStatus())
        : plan(Foos)
          .step(cancelOrder(deps))
          .step(removeFinalizer()),
  };
}
