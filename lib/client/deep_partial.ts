/**
 * A type where every property, at every depth, is optional, for patch bodies.
 *
 * Arrays keep their element type whole, because merge patches replace arrays.
 * `null` is allowed everywhere so a merge patch can delete a field.
 *
 * @example
 * ```ts
 * import {
 *   type DeepPartial,
 *   ResourceClient,
 *   restClientFromHandler,
 * } from "@staircase/staircase/client";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler((request) => {
 *   console.log(JSON.stringify(request.bodyJson));
 *   return Promise.resolve({});
 * });
 * // Only the fields to change; `null` deletes a key in a merge patch.
 * const patch: DeepPartial<ConfigMap> = {
 *   metadata: { labels: { tier: "web" } },
 *   data: { stale: null },
 * };
 * await new ResourceClient(client, ConfigMaps, "prod").patch("web", patch, { type: "merge" });
 * // {"metadata":{"labels":{"tier":"web"}},"data":{"stale":null}}
 * ```
 */
export type DeepPartial<T> = T extends ReadonlyArray<unknown> ? T | null
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null }
  : T | null;
