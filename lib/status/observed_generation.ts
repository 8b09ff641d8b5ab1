/**
 * `status.observedGeneration`: which spec (`metadata.generation`) a status describes.
 *
 * @module
 */

/**
 * The part of a resource the observedGeneration helpers read.
 *
 * @example
 * ```ts
 * import { type GenerationalObject, isStatusCurrent } from "@staircase/staircase/status";
 *
 * // The spec changed (generation 4) since the status was last written for generation 3.
 * const app: GenerationalObject = { metadata: { generation: 4 }, status: { observedGeneration: 3 } };
 * console.log(isStatusCurrent(app)); // false
 * ```
 */
export interface GenerationalObject {
  /** The object's metadata; the API server increments `generation` on every spec change. */
  readonly metadata?: { readonly generation?: number };
  /** The object's status. */
  readonly status?: { readonly observedGeneration?: number } | null;
}

/**
 * Returns a copy of `status` stamped with the resource's `metadata.generation` as
 * `observedGeneration`, so that the status always says which spec it describes. A resource
 * without a generation (a kind without a spec, or an object not read from the server) leaves
 * `status` as it is.
 *
 * @typeParam S The status type.
 * @param resource The resource the status was computed from (the Run's resource).
 * @param status The status to write.
 * @returns `status` with `observedGeneration` set.
 *
 * @example
 * ```ts
 * import { withObservedGeneration } from "@staircase/staircase/status";
 *
 * const app = { metadata: { name: "web", generation: 7 } };
 * console.log(withObservedGeneration(app, { phase: "Ready" })); // { phase: "Ready", observedGeneration: 7 }
 * ```
 */
export function withObservedGeneration<S extends object>(
  resource: GenerationalObject,
  status: S,
): S & { observedGeneration?: number } {
  const generation = resource?.metadata?.generation;
  if (typeof generation !== "number") return { ...status };
  return { ...status, observedGeneration: generation };
}

/**
 * Whether the resource's status describes its current spec: `status.observedGeneration`
 * equals `metadata.generation`. A resource without a generation counts as current; one whose
 * status has no observedGeneration does not.
 *
 * @param resource The resource as read.
 * @returns `true` when the status was computed from the current generation.
 *
 * @example
 * ```ts
 * import { isStatusCurrent } from "@staircase/staircase/status";
 *
 * console.log(isStatusCurrent({ metadata: { generation: 2 }, status: { observedGeneration: 1 } })); // false
 * console.log(isStatusCurrent({ metadata: { generation: 2 }, status: { observedGeneration: 2 } })); // true
 * ```
 */
export function isStatusCurrent(resource: GenerationalObject): boolean {
  const generation = resource?.metadata?.generation;
  if (typeof generation !== "number") return true;
  return resource.status?.observedGeneration === generation;
}
