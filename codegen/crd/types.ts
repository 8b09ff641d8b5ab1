/**
 * The parts of `apiextensions.k8s.io/v1` CustomResourceDefinition objects the CRD
 * generator reads. Kept local so the generator works without the generated built-in
 * APIs and accepts documents with extra fields.
 *
 * @module
 */

/** A JSON value as found in a parsed YAML or JSON document. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * An OpenAPI v3 schema as allowed inside a CRD (`JSONSchemaProps`).
 *
 * @example
 * ```ts
 * import type { JsonSchemaProps } from "./types.ts";
 * const schema: JsonSchemaProps = { type: "object", properties: { size: { type: "integer" } } };
 * ```
 */
export interface JsonSchemaProps {
  /** The JSON type. */
  type?: string;
  /** A format hint such as `int32` or `date-time`. */
  format?: string;
  /** Human-readable documentation. */
  description?: string;
  /** Named properties of an object. */
  properties?: Record<string, JsonSchemaProps>;
  /** Properties that must be present. */
  required?: string[];
  /** The schema of extra map keys, or whether they are allowed. */
  additionalProperties?: JsonSchemaProps | boolean;
  /** The schema of array items. */
  items?: JsonSchemaProps | JsonSchemaProps[];
  /** Allowed values. */
  enum?: JsonValue[];
  /** The value the server fills in when the field is absent. */
  default?: JsonValue;
  /** Whether `null` is accepted. */
  nullable?: boolean;
  /** Exactly one of these schemas must match. */
  oneOf?: JsonSchemaProps[];
  /** At least one of these schemas must match. */
  anyOf?: JsonSchemaProps[];
  /** All of these schemas must match. */
  allOf?: JsonSchemaProps[];
  /** This schema must not match. */
  not?: JsonSchemaProps;
  /** A reference; not allowed in CRDs. */
  $ref?: string;
  /** Whether unknown fields are kept. */
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  /** Whether the value is a number or a string. */
  "x-kubernetes-int-or-string"?: boolean;
  /** Whether the value is a complete Kubernetes object. */
  "x-kubernetes-embedded-resource"?: boolean;
  /** How an array is merged: `atomic`, `set` or `map`. */
  "x-kubernetes-list-type"?: string;
  /** The keys identifying items of a `map` list. */
  "x-kubernetes-list-map-keys"?: string[];
  /** How an object is merged: `granular` or `atomic`. */
  "x-kubernetes-map-type"?: string;
  /** Other keywords (validation only) are accepted and ignored. */
  [keyword: string]: unknown;
}

/**
 * One version of a CRD.
 *
 * @example
 * ```ts
 * import type { CrdVersion } from "./types.ts";
 * const v: CrdVersion = { name: "v1", served: true, storage: true };
 * ```
 */
export interface CrdVersion {
  /** The version name, e.g. `v1`. */
  name: string;
  /** Whether the server serves this version. */
  served: boolean;
  /** Whether objects are stored in this version. */
  storage: boolean;
  /** Whether the version is deprecated. */
  deprecated?: boolean;
  /** The warning returned to clients of a deprecated version. */
  deprecationWarning?: string;
  /** The schema of objects in this version. */
  schema?: { openAPIV3Schema?: JsonSchemaProps };
  /** Subresources this version serves. */
  subresources?: {
    status?: Record<string, unknown>;
    scale?: {
      specReplicasPath: string;
      statusReplicasPath: string;
      labelSelectorPath?: string;
    };
  };
}

/**
 * A CustomResourceDefinition, as far as the generator and the installer need it.
 *
 * @example
 * ```ts
 * import type { CustomResourceDefinition } from "./types.ts";
 * const crd: CustomResourceDefinition = {
 *   apiVersion: "apiextensions.k8s.io/v1",
 *   kind: "CustomResourceDefinition",
 *   metadata: { name: "widgets.example.com" },
 *   spec: {
 *     group: "example.com",
 *     scope: "Namespaced",
 *     names: { plural: "widgets", kind: "Widget" },
 *     versions: [{ name: "v1", served: true, storage: true }],
 *   },
 * };
 * ```
 */
export interface CustomResourceDefinition {
  /** Always `apiextensions.k8s.io/v1`. */
  apiVersion?: string;
  /** Always `CustomResourceDefinition`. */
  kind?: string;
  /** Object metadata; the name is `<plural>.<group>`. */
  metadata: {
    name?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  /** The definition. */
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster" | string;
    names: {
      plural: string;
      kind: string;
      singular?: string;
      listKind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: CrdVersion[];
    [field: string]: unknown;
  };
  /** The server-reported state. */
  status?: {
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    [field: string]: unknown;
  };
}
