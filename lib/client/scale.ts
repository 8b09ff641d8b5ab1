/**
 * The `autoscaling/v1` `Scale` subresource shape. The type is the generated one of
 * `apis/autoscaling/v1` (the one declaration in the package), re-exported here because
 * `ResourceClient`'s scale methods read and write it.
 *
 * @example
 * ```ts
 * import type { Scale } from "@staircase/staircase/client";
 *
 * const scale: Scale = { apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 3 } };
 * console.log(scale.spec?.replicas); // 3
 * ```
 *
 * @module
 */

export type { Scale } from "../apis/autoscaling/v1/types.ts";
