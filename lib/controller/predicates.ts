/**
 * Predicates: which cache events are worth a Run. Opt-in per watch.
 *
 * @module
 */

import type { CacheEvent } from "./cache.ts";

/**
 * Decides whether a cache event should enqueue a Run. Additions and deletions should pass:
 * the predicates here only ever filter modifications.
 *
 * @typeParam T The object type.
 *
 * @example
 * ```ts
 * import type { Predicate } from "@staircase/staircase/controller";
 *
 * const onlyDefault: Predicate<{ metadata?: { namespace?: string } }> = (event) =>
 *   event.object.metadata?.namespace === "default";
 * console.log(onlyDefault({ type: "added", object: { metadata: { namespace: "default" } } })); // true
 * console.log(onlyDefault({ type: "added", object: { metadata: { namespace: "kube-system" } } })); // false
 * ```
 */
export type Predicate<T> = (event: CacheEvent<T>) => boolean;

/**
 * What else besides the spec {@linkcode relevantChange} treats as relevant.
 *
 * @example
 * ```ts
 * import { relevantChange } from "@staircase/staircase/controller";
 *
 * const before = { metadata: { generation: 1, labels: { tier: "web" } } };
 * const relabelled = { metadata: { generation: 1, labels: { tier: "api" } } };
 * const change = { type: "modified" as const, object: relabelled, previous: before };
 * console.log(relevantChange()(change)); // false: labels do not count by default
 * console.log(relevantChange({ labels: true })(change)); // true
 * ```
 */
export interface RelevantChangeOptions {
  /** A change of `metadata.labels` is relevant. @default {false} */
  readonly labels?: boolean;
  /** A change of `metadata.annotations` is relevant. @default {false} */
  readonly annotations?: boolean;
  /** A change of `metadata.finalizers` is relevant. @default {false} */
  readonly finalizers?: boolean;
  /** Setting `metadata.deletionTimestamp` is relevant. @default {true} */
  readonly deletion?: boolean;
}

interface Meta {
  generation?: number;
  labels?: unknown;
  annotations?: unknown;
  finalizers?: unknown;
  deletionTimestamp?: unknown;
}

// Fields that change without anything the reconciler looks at changing.
const NOISE = new Set(["status", "resourceVersion", "managedFields", "generation"]);

/**
 * Passes additions, deletions and modifications that change something relevant: for objects
 * with `metadata.generation` (custom resources, most workloads), a generation change (the
 * spec), plus, as `options` say, label, annotation and finalizer changes and the start of
 * deletion; for objects without a generation (ConfigMaps, Secrets), any change outside
 * `status`, `metadata.resourceVersion` and `metadata.managedFields`.
 *
 * @typeParam T The object type.
 * @param options What else is relevant.
 * @returns The predicate.
 *
 * @example Skipping status-only updates
 * ```ts
 * import { relevantChange } from "@staircase/staircase/controller";
 *
 * const relevant = relevantChange();
 * const before = { metadata: { generation: 1, resourceVersion: "5" }, status: { ready: false } };
 * const after = { metadata: { generation: 1, resourceVersion: "6" }, status: { ready: true } };
 * console.log(relevant({ type: "modified", object: after, previous: before })); // false
 * ```
 */
export function relevantChange<T>(options: RelevantChangeOptions = {}): Predicate<T> {
  const { labels = false, annotations = false, finalizers = false, deletion = true } = options;
  return (event) => {
    if (event.type !== "modified" || event.previous === undefined) return true;
    const now = metaOf(event.object);
    const before = metaOf(event.previous);
    if (deletion && now.deletionTimestamp !== before.deletionTimestamp) return true;
    if (labels && !sameJson(now.labels, before.labels)) return true;
    if (annotations && !sameJson(now.annotations, before.annotations)) return true;
    if (finalizers && !sameJson(now.finalizers, before.finalizers)) return true;
    if (typeof now.generation === "number" || typeof before.generation === "number") {
      return now.generation !== before.generation;
    }
    return !sameJson(withoutNoise(event.object), withoutNoise(event.previous));
  };
}

/**
 * Passes events that any of `predicates` passes.
 *
 * @typeParam T The object type.
 * @param predicates The predicates.
 * @returns The combined predicate.
 *
 * @example
 * ```ts
 * import { anyOf, relevantChange } from "@staircase/staircase/controller";
 *
 * type Labelled = { metadata?: { generation?: number; labels?: Record<string, string> } };
 * const forced = (event: { object: Labelled }) =>
 *   event.object.metadata?.labels?.["force"] === "true";
 * const predicate = anyOf<Labelled>(relevantChange(), forced);
 * const before = { metadata: { generation: 1 } };
 * const touched = { metadata: { generation: 1, labels: { force: "true" } } };
 * console.log(predicate({ type: "modified", object: touched, previous: before })); // true: forced
 * console.log(predicate({ type: "modified", object: before, previous: before })); // false
 * ```
 */
export function anyOf<T>(...predicates: Predicate<T>[]): Predicate<T> {
  return (event) => predicates.some((predicate) => predicate(event));
}

function metaOf(object: unknown): Meta {
  return (object as { metadata?: Meta })?.metadata ?? {};
}

function withoutNoise(object: unknown): unknown {
  if (typeof object !== "object" || object === null) return object;
  const { metadata, ...rest } = object as { metadata?: Record<string, unknown> };
  delete (rest as Record<string, unknown>).status;
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (!NOISE.has(key)) meta[key] = value;
  }
  return { ...rest, metadata: meta };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
