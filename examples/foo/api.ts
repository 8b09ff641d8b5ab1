/**
 * The `Foo` custom resource: its types, its resource token and its CustomResourceDefinition.
 *
 * A Foo asks for an order of `spec.quantity` units of `spec.item` to be placed with an external
 * order service, under the id `spec.orderId`, and publishes `spec.message` in a child
 * ConfigMap.
 *
 * @module
 */

import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
import { resourceType } from "@staircase/staircase/client";
import type { CrdManifest } from "@staircase/staircase";

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
 * import { Foos } from "./api.ts";
 *
 * console.log(Foos.apiVersion, Foos.plural); // example.staircase.dev/v1 foos
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
 * The ConfigMap kind's resource token (the code generator will export this as `ConfigMaps` from
 * `@staircase/staircase/apis/core/v1`; until then it is made here, once).
 *
 * @example
 * ```ts
 * import { ConfigMaps } from "./api.ts";
 *
 * console.log(ConfigMaps.apiVersion); // v1
 * ```
 */
export const ConfigMaps = resourceType<ConfigMap>()({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
});

/**
 * The Foo CustomResourceDefinition, built from the token (install it with `installCrd`).
 *
 * @example
 * ```ts
 * import { fooCrd } from "./api.ts";
 *
 * console.log(fooCrd.metadata.name); // foos.example.staircase.dev
 * ```
 */
export const fooCrd: CrdManifest = {
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
