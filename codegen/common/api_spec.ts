/**
 * The input of the Api class emitter: resources and module settings.
 *
 * @module
 */

/** Every verb of a Kubernetes resource, in the order discovery lists them. */
export const API_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
] as const;

/** A verb a resource (or subresource) supports, as in Kubernetes discovery. */
export type ApiVerb = typeof API_VERBS[number];

/** A patch kind the server accepts for a resource. */
export type PatchKind = "merge" | "json" | "strategic" | "apply";

/** One resource type to generate methods for. */
export interface ApiResourceSpec {
  /** The API group; `""` for the core group. */
  group: string;
  /** The version, e.g. `v1`. */
  version: string;
  /** The kind, e.g. `ConfigMap`. */
  kind: string;
  /** The lower-case resource plural, e.g. `configmaps`. */
  plural: string;
  /** Whether objects live in namespaces. */
  namespaced: boolean;
  /** The TypeScript type of one object. */
  typeName: string;
  /** The list kind when it is not `<kind>List` (custom resources may choose another). */
  listKind?: string;
  /** The TypeScript type of a list (`items: typeName[]`); `ObjectList<typeName>` when absent. */
  listTypeName?: string;
  /** Verbs on the resource itself. */
  verbs: ApiVerb[];
  /** Verbs on the `status` subresource (`get`, `update`, `patch`), if it exists. */
  status?: ApiVerb[];
  /** Verbs on the `scale` subresource (`get`, `update`, `patch`), if it exists. */
  scale?: ApiVerb[];
  /** Patch kinds the server accepts (strategic merge only for built-ins). */
  patchKinds: PatchKind[];
  /** When set, the methods are marked `@deprecated` with this text. */
  deprecated?: string;
}

/** One generated Api module. */
export interface ApiModuleSpec {
  /** The class name, e.g. `CoreV1Api`; the namespaced view drops `Api` and adds `NamespacedApi`. */
  className: string;
  /** The group-version shown in docs, e.g. `apps/v1`. */
  groupVersion: string;
  /** The resources, in any order (output is sorted). */
  resources: ApiResourceSpec[];
  /** Import specifier of the runtime client library (`lib/client/mod.ts`). */
  runtimeImport: string;
  /** Import specifier of the module declaring the object types. */
  typesImport: string;
  /** Import specifier users write for this module, for `@example` blocks. */
  exampleImport: string;
  /**
   * Import specifier users write for the runtime client, for `@example` blocks (the package
   * name, where `runtimeImport` is a path inside a repository).
   *
   * @default {the `runtimeImport`}
   */
  exampleRuntimeImport?: string;
  /**
   * Names the types module exports (re-exported next to the Api module): resource tokens are
   * named so that they never collide with them (see `tokenName`).
   */
  exportedTypeNames?: Iterable<string>;
}
