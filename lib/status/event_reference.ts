/**
 * {@linkcode objectReference}: the reference to an object that Events carry.
 *
 * @module
 */

import type { EventObjectReference } from "./event_sink.ts";

/**
 * Builds the {@linkcode EventObjectReference} of an object for an Event's `regarding` or
 * `related` (apiVersion, kind, name, namespace, uid).
 *
 * @param object The object, with `apiVersion`, `kind` and `metadata`.
 * @returns The reference.
 *
 * @example
 * ```ts
 * import { objectReference } from "@staircase/staircase/status";
 *
 * const ref = objectReference({
 *   apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web", namespace: "prod", uid: "42" },
 * });
 * console.log(ref); // { apiVersion: "v1", kind: "ConfigMap", name: "web", namespace: "prod", uid: "42" }
 * ```
 */
export function objectReference(object: {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
  };
}): EventObjectReference {
  const ref: Record<string, string> = {};
  if (object?.apiVersion) ref.apiVersion = object.apiVersion;
  if (object?.kind) ref.kind = object.kind;
  const meta = object?.metadata;
  if (meta?.name) ref.name = meta.name;
  if (meta?.namespace) ref.namespace = meta.namespace;
  if (meta?.uid) ref.uid = meta.uid;
  return ref;
}
