/**
 * The `autoscaling/v1` `Scale` subresource shape. The type is the generated one of
 * `apis/autoscaling/v1` (the one declaration in the package), re-exported here because
 * `ResourceClient`'s scale methods read and write it.
 *
 * @example
 * ```ts
 * import { ResourceClient, restClientFromHandler, type Scale } from "@staircase/staircase/client";
 * import { Deployments } from "@staircase/staircase/apis/apps/v1";
 *
 * const server = restClientFromHandler((request) => {
 *   console.log(request.method, request.path); // GET /apis/apps/v1/namespaces/prod/deployments/web/scale
 *   return Promise.resolve({ apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 3 } });
 * });
 * const scale: Scale = await new ResourceClient(server, Deployments, "prod").getScale("web");
 * console.log(scale.spec?.replicas); // 3
 * ```
 *
 * @module
 */

export type { Scale } from "../apis/autoscaling/v1/types.ts";
