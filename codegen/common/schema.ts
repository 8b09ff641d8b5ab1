/**
 * The subset of OpenAPI v3 schema objects (plus Kubernetes extensions) that the
 * staircase generators read.
 *
 * @module
 */

/**
 * An OpenAPI v3 schema object as found in Kubernetes OpenAPI documents and CRD
 * `openAPIV3Schema` fields. Unknown keys are allowed and ignored unless they
 * change the shape of the data.
 *
 * @example A CRD-style schema
 * ```ts
 * import type { SchemaObject } from "./schema.ts";
 *
 * const schema: SchemaObject = {
 *   type: "object",
 *   required: ["name"],
 *   properties: { name: { type: "string" }, replicas: { type: "integer", format: "int32" } },
 * };
 * ```
 */
export interface SchemaObject {
  /** A reference to a named schema, e.g. `#/components/schemas/io.k8s.api.core.v1.Pod`. */
  $ref?: string;
  /** The JSON type. */
  type?: string;
  /** A format hint such as `int32`, `int64` or `date-time`. */
  format?: string;
  /** Human-readable documentation. */
  description?: string;
  /** Named members of an object. */
  properties?: Record<string, SchemaObject>;
  /** Members that must be present. */
  required?: string[];
  /** The schema of map values, `true` for any value, `false` for none. */
  additionalProperties?: SchemaObject | boolean;
  /** The schema of array elements. */
  items?: SchemaObject;
  /** Allowed values. */
  enum?: unknown[];
  /** The value the server fills in when the field is absent. */
  default?: unknown;
  /** Whether `null` is a valid value. */
  nullable?: boolean;
  /** All of these schemas apply. */
  allOf?: SchemaObject[];
  /** Exactly one of these schemas applies. */
  oneOf?: SchemaObject[];
  /** At least one of these schemas applies. */
  anyOf?: SchemaObject[];
  /** Marks an IntOrString field. */
  "x-kubernetes-int-or-string"?: boolean;
  /** Fields not in the schema are kept by the server. */
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  /** The value is a complete Kubernetes object with apiVersion, kind and metadata. */
  "x-kubernetes-embedded-resource"?: boolean;
  /** `atomic`, `set` or `map` for arrays. */
  "x-kubernetes-list-type"?: string;
  /** The keys identifying entries of a `map` list. */
  "x-kubernetes-list-map-keys"?: string[];
  /** Other keys are kept but not interpreted. */
  [key: string]: unknown;
}

/**
 * A schema key the CRD normalizer sets on a field a union variant excludes; the field maps to
 * `never` (`a?: never`), so setting it does not type-check.
 *
 * @example
 * ```ts
 * import { FORBIDDEN } from "./schema.ts";
 * import { schemaToType } from "./type_emitter.ts";
 *
 * console.log(schemaToType({ [FORBIDDEN]: true }, "#")); // never
 * ```
 */
export const FORBIDDEN = "x-staircase-forbidden" as const;

/**
 * Thrown when a schema construct cannot be mapped to a TypeScript type. The
 * message names the JSON path of the offending schema.
 *
 * @example Catching a mapping error
 * ```ts
 * import { SchemaMappingError } from "./schema.ts";
 *
 * const error = new SchemaMappingError("#/spec", "unsupported type \"tuple\"");
 * console.log(error.message); // #/spec: unsupported type "tuple"
 * ```
 */
export class SchemaMappingError extends Error {
  /** The JSON path of the schema that could not be mapped. */
  readonly path: string;

  /** Creates an error for the schema at `path`. */
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = "SchemaMappingError";
    this.path = path;
  }
}
