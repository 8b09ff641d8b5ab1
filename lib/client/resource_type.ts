/**
 * Resource tokens: one constant per kind that carries what the API server needs to address it
 * (group, version, plural, scope) and, at the type level, the object and list types.
 *
 * @module
 */

import type { ObjectList, ResourceDescriptor } from "./resource_options.ts";

/**
 * A typed **resource token**: the facts that address one kind on the API server plus its object
 * type `T`, its list type `L` and its scope `N` (`true` for namespaced kinds) at the type level.
 * Generated modules export one per kind (`ConfigMaps`, `Deployments`, `Greetings`, ...);
 * `ResourceClient`, status writers, controllers (`owns(ConfigMaps)`) and caches take a token
 * instead of restated `{ group, version, plural, namespaced }` facts.
 *
 * The object and list types exist only in the type system: `object` and `list` are never set.
 *
 * @typeParam T The object type.
 * @typeParam N `true` for namespaced kinds, `false` for cluster-scoped ones.
 * @typeParam L The list type.
 *
 * @example Addressing a kind through its generated token
 * ```ts
 * import {
 *   ResourceClient,
 *   type RestClient,
 *   restClientFromHandler,
 * } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * async function settingsOf(client: RestClient, name: string): Promise<string | undefined> {
 *   // The client's object type (ConfigMap) and its paths come from the token.
 *   const configMap = await new ResourceClient(client, ConfigMaps).namespace("default").get(name);
 *   return configMap.data?.settings;
 * }
 * const server = restClientFromHandler((request) =>
 *   Promise.resolve({ data: { settings: request.path } })
 * );
 * console.log(await settingsOf(server, "app")); // /api/v1/namespaces/default/configmaps/app
 * ```
 */
export interface ResourceType<
  T = unknown,
  N extends boolean = boolean,
  L extends ObjectList<T> = ObjectList<T>,
> extends ResourceDescriptor {
  /** `group/version`, or just the version for the core group (`v1`). */
  readonly apiVersion: string;
  /** Whether objects live in namespaces. */
  readonly namespaced: N;
  /** The list kind, e.g. `ConfigMapList`. */
  readonly listKind: string;
  /** Type-level only: the object type. Never set at run time. */
  readonly object?: T;
  /** Type-level only: the list type. Never set at run time. */
  readonly list?: L;
}

/**
 * The facts {@linkcode resourceType} needs. `listKind` defaults to `<kind>List`.
 *
 * @typeParam N `true` for namespaced kinds, `false` for cluster-scoped ones.
 *
 * @example
 * ```ts
 * import { resourceType, type ResourceTypeFacts } from "@staircase/staircase/client";
 *
 * // Facts as discovery (or a CRD) states them; resourceType() makes the token from them.
 * const facts: ResourceTypeFacts<true> = {
 *   group: "example.com", version: "v1", kind: "Foo", plural: "foos", namespaced: true,
 * };
 * const Foos = resourceType<{ spec?: { size?: number } }>()(facts);
 * console.log(Foos.apiVersion, Foos.listKind); // example.com/v1 FooList
 * ```
 */
export interface ResourceTypeFacts<N extends boolean = boolean> {
  /** The API group; `""` for the core group. */
  readonly group: string;
  /** The version, e.g. `v1`. */
  readonly version: string;
  /** The kind, e.g. `ConfigMap`. */
  readonly kind: string;
  /** The plural resource name used in paths, e.g. `configmaps`. */
  readonly plural: string;
  /** Whether objects live in namespaces. */
  readonly namespaced: N;
  /** The list kind; default `<kind>List`. */
  readonly listKind?: string;
}

/**
 * Makes a frozen resource token for a kind (generated modules do this for every kind they
 * define; call it yourself for a kind no module defines).
 *
 * @typeParam T The object type.
 * @typeParam N `true` for namespaced kinds, `false` for cluster-scoped ones (inferred).
 * @typeParam L The list type.
 * @param facts Group, version, kind, plural and scope.
 * @returns The token.
 * @throws {TypeError} If a field is missing or of the wrong type.
 *
 * @example A token for a custom resource without generated code
 * ```ts
 * import { resourceType } from "@staircase/staircase/client";
 *
 * // Generated modules export tokens such as `ConfigMaps` (apis/core/v1) and one per CRD kind;
 * // this is what they do for you.
 * interface Foo { apiVersion: "example.com/v1"; kind: "Foo"; metadata?: { name?: string } }
 * const Foos = resourceType<Foo>()({
 *   group: "example.com", version: "v1", kind: "Foo", plural: "foos", namespaced: true,
 * });
 * console.log(Foos.apiVersion, Foos.listKind); // example.com/v1 FooList
 * ```
 */
export function resourceType<T, L extends ObjectList<T> = ObjectList<T>>(): <
  N extends boolean,
>(facts: ResourceTypeFacts<N>) => ResourceType<T, N, L> {
  // Curried so that T and L are given explicitly while N is inferred from the literal.
  return <N extends boolean>(facts: ResourceTypeFacts<N>): ResourceType<T, N, L> => {
    for (const field of ["group", "version", "kind", "plural"] as const) {
      if (typeof facts?.[field] !== "string") {
        throw new TypeError(`resourceType(): ${field} must be a string`);
      }
    }
    if (facts.version === "" || facts.kind === "" || facts.plural === "") {
      throw new TypeError("resourceType(): version, kind and plural must not be empty");
    }
    if (typeof facts.namespaced !== "boolean") {
      throw new TypeError("resourceType(): namespaced must be a boolean");
    }
    return Object.freeze({
      group: facts.group,
      version: facts.version,
      kind: facts.kind,
      plural: facts.plural,
      namespaced: facts.namespaced,
      listKind: facts.listKind ?? `${facts.kind}List`,
      apiVersion: facts.group === "" ? facts.version : `${facts.group}/${facts.version}`,
    });
  };
}

/**
 * The object type a token carries.
 *
 * @typeParam RT A resource token type.
 *
 * @example
 * ```ts
 * import type { ObjectOf } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * const settings: ObjectOf<typeof ConfigMaps> = {
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   metadata: { name: "settings" },
 *   data: { mode: "fast" },
 * };
 * console.log(settings.data?.mode); // fast
 * ```
 */
export type ObjectOf<RT> = RT extends ResourceType<infer T, boolean, infer _L> ? T : never;
