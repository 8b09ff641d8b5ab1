/**
 * Patch body types, one per patch kind, so that a patch is checked against the object it
 * changes: a misspelled field or a wrong value type in a merge, strategic merge or apply patch
 * is a type error, and a JSON Patch must be a list of RFC 6902 operations.
 *
 * @module
 */

import type { JSONValue } from "./contract.ts";
import type { DeepPartial } from "./deep_partial.ts";
import type { PatchType } from "./resource_options.ts";

/**
 * A JSON Pointer (RFC 6901): `""` (the whole document) or `/`-separated reference tokens,
 * with `~0` for `~` and `~1` for `/`, e.g. `/metadata/labels/app.kubernetes.io~1name`.
 *
 * @example
 * ```ts
 * import type { JsonPointer } from "@staircase/staircase/client";
 *
 * // A label key with a `/` in it: `~1` stands for the slash inside one token.
 * const key = "app.kubernetes.io/name";
 * const path: JsonPointer = `/metadata/labels/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
 * console.log(path); // /metadata/labels/app.kubernetes.io~1name
 * ```
 */
export type JsonPointer = "" | `/${string}`;

/**
 * One JSON Patch operation (RFC 6902). `-` as the last token of an `add` path appends to an
 * array.
 *
 * @example
 * ```ts
 * import {
 *   type JsonPatchOperation,
 *   ResourceClient,
 *   restClientFromHandler,
 * } from "@staircase/staircase/client";
 * import { Deployments } from "@staircase/staircase/apis/apps/v1";
 *
 * const client = restClientFromHandler((request) => {
 *   console.log(request.contentType, JSON.stringify(request.bodyJson));
 *   return Promise.resolve({});
 * });
 * // Scale to 3, only if nobody changed the Deployment since resourceVersion 42.
 * const ops: JsonPatchOperation[] = [
 *   { op: "test", path: "/metadata/resourceVersion", value: "42" },
 *   { op: "replace", path: "/spec/replicas", value: 3 },
 * ];
 * await new ResourceClient(client, Deployments, "prod").patch("web", ops, { type: "json" });
 * // application/json-patch+json [{"op":"test",...},{"op":"replace","path":"/spec/replicas","value":3}]
 * ```
 */
export type JsonPatchOperation =
  | { op: "add"; path: JsonPointer; value: JSONValue }
  | { op: "remove"; path: JsonPointer }
  | { op: "replace"; path: JsonPointer; value: JSONValue }
  | { op: "move"; from: JsonPointer; path: JsonPointer }
  | { op: "copy"; from: JsonPointer; path: JsonPointer }
  | { op: "test"; path: JsonPointer; value: JSONValue };

/**
 * The directive keys of a strategic merge patch, allowed on every object of a
 * {@linkcode StrategicMergePatch}: `$patch` (replace, merge or delete this object or list
 * element), `$retainKeys` (drop every field not listed), `$setElementOrder/<list>` (the order
 * of a merged list) and `$deleteFromPrimitiveList/<list>` (values to remove from a list of
 * scalars). Any other `$`-key is a type error.
 *
 * @example
 * ```ts
 * import {
 *   ResourceClient,
 *   restClientFromHandler,
 *   type StrategicMergeDirectives,
 * } from "@staircase/staircase/client";
 * import { Pods } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler((request) => {
 *   console.log(JSON.stringify(request.bodyJson));
 *   return Promise.resolve({});
 * });
 * // Update the sidecar's image and put it first in the list of containers.
 * const order: StrategicMergeDirectives = {
 *   "$setElementOrder/containers": [{ name: "sidecar" }, { name: "app" }],
 * };
 * const spec = { ...order, containers: [{ name: "sidecar", image: "envoy:1.31" }] };
 * await new ResourceClient(client, Pods, "prod").patch("web", { spec }, { type: "strategic" });
 * // {"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[...]}}
 * ```
 */
export interface StrategicMergeDirectives {
  /** Replace (instead of merge) or delete the object or list element that carries it. */
  $patch?: "replace" | "merge" | "delete";
  /** The only fields of this object to keep (used with `retainKeys` patch strategies). */
  $retainKeys?: string[];
  /** The order of the elements of the merged list `<list>`, given by their merge keys. */
  [list: `$setElementOrder/${string}`]: JSONValue[];
  /** Values to delete from the list of scalars `<list>`. */
  [list: `$deleteFromPrimitiveList/${string}`]: JSONValue[];
}

/**
 * A strategic merge patch of `T`: like {@linkcode DeepPartial}, but list elements are partial
 * too (the server merges lists of objects by their merge key, e.g. containers by `name`) and
 * every object accepts {@linkcode StrategicMergeDirectives}. Built-in resources only: custom
 * resources reject strategic merge patches.
 *
 * @example
 * ```ts
 * import {
 *   ResourceClient,
 *   restClientFromHandler,
 *   type StrategicMergePatch,
 * } from "@staircase/staircase/client";
 * import { type Pod, Pods } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler((request) => {
 *   console.log(request.contentType, JSON.stringify(request.bodyJson));
 *   return Promise.resolve({});
 * });
 * // Containers merge by name: change one image, delete another, leave the rest alone.
 * const patch: StrategicMergePatch<Pod> = {
 *   spec: {
 *     containers: [{ name: "app", image: "nginx:1.27" }, { name: "old", $patch: "delete" }],
 *   },
 * };
 * await new ResourceClient(client, Pods, "prod").patch("web", patch, { type: "strategic" });
 * // application/strategic-merge-patch+json {"spec":{"containers":[{"name":"app",...},...]}}
 * ```
 */
export type StrategicMergePatch<T> = T extends ReadonlyArray<infer E>
  ? Array<E extends object ? StrategicMergePatch<E> : E> | null
  : T extends object ?
      & { [K in keyof T]?: StrategicMergePatch<T[K]> | null }
      & StrategicMergeDirectives
  : T | null;

/**
 * The body of a patch of kind `K` to an object of type `T`:
 *
 * - `"json"`: a list of {@linkcode JsonPatchOperation}s;
 * - `"merge"` and `"apply"`: a {@linkcode DeepPartial} of `T` (`null` deletes a field in a
 *   merge patch; an apply patch should also carry `apiVersion`, `kind` and `metadata.name`);
 * - `"strategic"`: a {@linkcode StrategicMergePatch} of `T`.
 *
 * When `K` is a union (e.g. options typed as plain `PatchOptions`), the body may be any of
 * the matching kinds and the server-side kind check is the one that counts. For bodies built
 * at run time that have no static type, use `ResourceClient.patchRaw`.
 *
 * @example
 * ```ts
 * import {
 *   type PatchBody,
 *   ResourceClient,
 *   restClientFromHandler,
 * } from "@staircase/staircase/client";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler((request) => {
 *   console.log(request.contentType, JSON.stringify(request.bodyJson));
 *   return Promise.resolve({});
 * });
 * const configMaps = new ResourceClient(client, ConfigMaps, "prod");
 * // The same change, as the body each patch type expects.
 * const merge: PatchBody<ConfigMap, "merge"> = { data: { stale: null } };
 * const json: PatchBody<ConfigMap, "json"> = [{ op: "remove", path: "/data/stale" }];
 * await configMaps.patch("web", merge, { type: "merge" });
 * await configMaps.patch("web", json, { type: "json" });
 * // application/merge-patch+json {"data":{"stale":null}}
 * // application/json-patch+json [{"op":"remove","path":"/data/stale"}]
 * ```
 */
export type PatchBody<T, K extends PatchType> = K extends "json" ? JsonPatchOperation[]
  : K extends "strategic" ? StrategicMergePatch<T>
  : DeepPartial<T>;
