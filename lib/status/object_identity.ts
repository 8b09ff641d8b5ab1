/**
 * The identity fields of an object, as the owner-reference and Event-reference helpers read
 * them.
 *
 * @module
 */

/**
 * The fields that identify an object: its kind (`apiVersion`, `kind`) and its `name`,
 * `namespace` and `uid`. Every Kubernetes object has this shape; all fields are optional so
 * that objects read from a LIST (which lack `apiVersion` and `kind`) fit too.
 *
 * @example
 * ```ts
 * import { controllerReference, objectReference, type ObjectIdentity } from "@staircase/staircase/status";
 *
 * const app: ObjectIdentity = {
 *   apiVersion: "example.com/v1", kind: "App", metadata: { name: "web", namespace: "prod", uid: "42" },
 * };
 * console.log(controllerReference(app).uid, objectReference(app).name); // 42 web
 * ```
 */
export interface ObjectIdentity {
  /** `group/version` of the object's kind (a resource token can supply it instead). */
  readonly apiVersion?: string;
  /** The object's kind (a resource token can supply it instead). */
  readonly kind?: string;
  /** The object's metadata. */
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
  };
}
