/**
 * The `Foo` custom resource: its types, its resource token and its CustomResourceDefinition.
 *
 * A Foo asks for an order of `spec.quantity` units of `spec.item` to be placed with an external
 * order service, under the id `spec.orderId`, and publishes `spec.message` in a child
 * ConfigMap.
 *
 * @module
 */

import type { CustomResourceDefinition } from "@staircase/staircase/apis/apiextensions.k8s.io/v1";
import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
import { resourceType } from "@staircase/staircase/client";

/** What a Foo asks for. */
export interface FooSpec {
  /** Published as the child ConfigMap's `data.message`. */
  message: string;
  /** The order's id at the order service (the idempotency key). */
  orderId: string;
  /** What to order. */
  item: string;
  /** How many. */
  quantity: number;
}

/** What the operator last observed (best effort: nothing reads it back). */
export interface FooStatus {
  /** Where the Foo is. */
  phase?: "Pending" | "Ordering" | "Ready" | "Deleting";
  /** The child ConfigMap's name. */
  configMap?: string;
  /** The metadata.generation the status describes. */
  observedGeneration?: number;
  /** A note for people. */
  message?: string;
}

/** The Foo custom resource (`example.staircase.dev/v1`, namespaced). */
export interface Foo {
  /** Always `example.staircase.dev/v1`. */
  apiVersion: "example.staircase.dev/v1";
  /** Always `Foo`. */
  kind: "Foo";
  /** Standard object metadata. */
  metadata?: ObjectMeta;
  /** What the Foo asks for. */
  spec: FooSpec;
  /** What the operator last observed. */
  status?: FooStatus;
}

/**
 * The Foo kind's resource token: the one place that states its group, version and plural.
 *
 * @example
 * ```ts
 * import { ResourceClient, type RestClient } from "@staircase/staircase/client";
 * import { type Foo, Foos } from "./api.ts";
 *
 * async function fooNames(client: RestClient, namespace: string): Promise<string[]> {
 *   const foos: Foo[] = (await new ResourceClient(client, Foos, namespace).list()).items;
 *   return foos.map((foo) => foo.metadata?.name ?? "");
 * }
 * ```
 */
export const Foos = resourceType<Foo>()({
  group: "example.staircase.dev",
  version: "v1",
  kind: "Foo",
  plural: "foos",
  namespaced: true,
});

/**
 * The Foo CustomResourceDefinition, built from the token (install it with `installCrd`).
 *
 * @example
 * ```ts
 * import { installCrd } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 * import { fooCrd } from "./api.ts";
 *
 * async function installFoos(client: RestClient): Promise<void> {
 *   const { name, action } = await installCrd(client, fooCrd);
 *   console.log(name, action); // foos.example.staircase.dev created (or unchanged)
 * }
 * ```
 */
export const fooCrd: CustomResourceDefinition = {
  metadata: { name: `${Foos.plural}.${Foos.group}` },
  spec: {
    group: Foos.group,
    names: { plural: Foos.plural, kind: Foos.kind, singular: Foos.kind.toLowerCase() },
    scope: "Namespaced",
    versions: [{
      name: Foos.version,
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          required: ["spec"],
          properties: {
            spec: {
              type: "object",
              required: ["message", "orderId", "item", "quantity"],
              properties: {
                message: { type: "string" },
                orderId: { type: "string", minLength: 1 },
                item: { type: "string" },
                quantity: { type: "integer", minimum: 1 },
              },
            },
            status: {
              type: "object",
              properties: {
                phase: { type: "string", enum: ["Pending", "Ordering", "Ready", "Deleting"] },
                configMap: { type: "string" },
                observedGeneration: { type: "integer" },
                message: { type: "string" },
              },
            },
          },
        },
      },
    }],
  },
};
