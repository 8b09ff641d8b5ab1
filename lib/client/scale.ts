/**
 * The `autoscaling/v1` `Scale` subresource shape.
 *
 * @example
 * ```ts
 * import type { Scale } from "./scale.ts";
 * const scale: Scale = { apiVersion: "autoscaling/v1", kind: "Scale", spec: { replicas: 3 } };
 * console.log(scale.spec?.replicas);
 * ```
 */
export interface Scale {
  /** `autoscaling/v1`. */
  apiVersion?: string;
  /** `Scale`. */
  kind?: string;
  /** The metadata of the scaled object. */
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  /** The desired state. */
  spec?: {
    /** The desired number of instances. */
    replicas?: number;
  };
  /** The observed state. */
  status?: {
    /** The observed number of instances. */
    replicas: number;
    /** The label selector of the instances, in string form. */
    selector?: string;
  };
}
