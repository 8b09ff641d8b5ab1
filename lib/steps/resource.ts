/**
 * What a Run knows about its resource, at the type level: the metadata every Run can rely on
 * ({@linkcode RunResource}), the scope a resource token adds ({@linkcode ResourceOf}), and the
 * status type outcomes and status writers are checked against ({@linkcode StatusOf},
 * {@linkcode StatusPatch}).
 *
 * @module
 */

import type { DeepPartial } from "../client/deep_partial.ts";
import type { ResourceType } from "../client/resource_type.ts";

/**
 * A namespaced kind's object: `metadata.namespace` is present.
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import type { Namespaced } from "@staircase/staircase";
 *
 * interface Foo { metadata?: { name?: string; namespace?: string } }
 * const foo: Namespaced<Foo> = { metadata: { namespace: "default" } };
 * console.log(foo.metadata.namespace.length);
 * ```
 */
export type Namespaced<T> = T & { readonly metadata: { readonly namespace: string } };

/**
 * A kind's object type `T` with its scope `N` applied: `Namespaced<T>` for namespaced kinds
 * (`N` is `true`), else `T`.
 *
 * @typeParam T The object type.
 * @typeParam N The scope: `true` for namespaced kinds.
 *
 * @example
 * ```ts
 * import type { Scoped } from "@staircase/staircase";
 *
 * interface Foo { metadata?: { name?: string; namespace?: string } }
 * const foo: Scoped<Foo, true> = { metadata: { namespace: "default" } };
 * console.log(foo.metadata.namespace);
 * ```
 */
export type Scoped<T, N extends boolean> = [N] extends [true] ? Namespaced<T> : T;

/**
 * The resource type a Run over a token's kind uses: the token's object type, with
 * `metadata.namespace` present for namespaced kinds. `plan(Foos)` builds a plan for
 * `ResourceOf<typeof Foos>`.
 *
 * @typeParam RT A resource token type (see `resourceType` in `@staircase/staircase/client`).
 *
 * @example
 * ```ts
 * import type { ResourceOf, Step } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 *
 * interface Foo { metadata?: { name?: string; namespace?: string }; spec?: { size: number } }
 * const Foos = resourceType<Foo>()({
 *   group: "example.com", version: "v1", kind: "Foo", plural: "foos", namespaced: true,
 * });
 * type FooResource = ResourceOf<typeof Foos>;
 * const step: Step<FooResource, undefined, string> = {
 *   name: "namespace",
 *   run: (context) => ({ kind: "no-modification", data: context.resource.metadata.namespace }),
 * };
 * console.log(step.name);
 * ```
 */
export type ResourceOf<RT> = RT extends ResourceType<infer T, infer N, infer _L> ? Scoped<T, N>
  : never;

/**
 * The object type a Run's resource type `R` was made from: `Namespaced<T>` gives `T` back (what
 * the executor accepts before it has checked the metadata).
 *
 * @typeParam R The resource type of a Run.
 *
 * @example
 * ```ts
 * import type { Namespaced, Unscoped } from "@staircase/staircase";
 *
 * interface Foo { metadata?: { name?: string; namespace?: string } }
 * const read: Unscoped<Namespaced<Foo>> = {}; // a Foo as read: nothing checked yet
 * console.log(read);
 * ```
 */
export type Unscoped<R> = R extends Namespaced<infer T> ? T : R;

/**
 * The metadata a Run guarantees: `name`, `uid` and `resourceVersion` always; `generation` for
 * kinds whose type declares a `spec` (the API server sets it on every object of such kinds; kinds
 * without a spec, like ConfigMap and Secret, have none).
 *
 * @typeParam R The resource type of a Run.
 *
 * @example
 * ```ts
 * import type { RunMetadata } from "@staircase/staircase";
 *
 * const meta: RunMetadata<{ spec: object }> = {
 *   name: "web", uid: "0b9c", resourceVersion: "42", generation: 3,
 * };
 * console.log(meta.generation);
 * ```
 */
export type RunMetadata<R> =
  & { readonly name: string; readonly uid: string; readonly resourceVersion: string }
  & ("spec" extends keyof R ? { readonly generation: number } : unknown);

/**
 * The resource as a step sees it (`context.resource`): `R` with the metadata the executor has
 * checked ({@linkcode RunMetadata}) present, so no `metadata!.uid!` is needed.
 *
 * @typeParam R The resource type of a Run.
 *
 * @example
 * ```ts
 * import type { RunResource } from "@staircase/staircase";
 *
 * interface Foo { metadata?: { name?: string; uid?: string }; spec?: { size: number } }
 * // No `metadata!.uid!`: a Run's resource has the metadata the executor checked.
 * function ownerReference(foo: RunResource<Foo>) {
 *   return { apiVersion: "example.com/v1", kind: "Foo", name: foo.metadata.name, uid: foo.metadata.uid };
 * }
 * const foo = { metadata: { name: "web", uid: "0b9c", resourceVersion: "7", generation: 1 }, spec: { size: 1 } };
 * console.log(ownerReference(foo).uid); // 0b9c
 * ```
 */
export type RunResource<R> = R & { readonly metadata: RunMetadata<R> };

/**
 * The status type of a resource type: the type of its `status` field (without `undefined`), or
 * `never` when it has none (then no outcome can carry a status).
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import type { StatusOf } from "@staircase/staircase";
 *
 * interface Foo { status?: { phase?: "Pending" | "Ready" } }
 * const status: StatusOf<Foo> = { phase: "Ready" };
 * console.log(status.phase);
 * ```
 */
export type StatusOf<R> = "status" extends keyof R
  ? Exclude<R extends { readonly status?: infer S } ? S : never, undefined>
  : never;

/**
 * What an outcome's `status` and a status writer carry: a JSON merge patch of the status, so
 * every field at every depth is optional and `null` deletes a field (arrays are replaced whole).
 *
 * @typeParam S The status type (e.g. `StatusOf<Foo>`).
 *
 * @example
 * ```ts
 * import type { StatusPatch } from "@staircase/staircase";
 *
 * interface FooStatus { phase: "Pending" | "Ready"; message?: string }
 * const patch: StatusPatch<FooStatus> = { phase: "Ready", message: null };
 * console.log(patch.phase);
 * ```
 */
export type StatusPatch<S> = DeepPartial<S>;
