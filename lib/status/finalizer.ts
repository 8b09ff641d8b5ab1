/**
 * Finalizers as steps: {@linkcode withFinalizer} wraps a plan so that cleanup runs, step by
 * step, before the resource may go away, and the finalizer is removed only after every
 * cleanup step found nothing left to do.
 *
 * @module
 */

import { isConflict, isNotFound, KubernetesApiError } from "../client/api_error.ts";
import type { JsonPatchOperation } from "../client/patch_body.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { RunContext } from "../steps/context.ts";
import { blocked, modified, noModification } from "../steps/outcome.ts";
import type { AnyStep, Plan, Step } from "../steps/mod.ts";

/** The finalizer fields of a resource's metadata. */
interface FinalizerMetadata {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly finalizers?: readonly string[];
  readonly deletionTimestamp?: string;
}

function metadataOf(resource: unknown): FinalizerMetadata {
  return (resource as { metadata?: FinalizerMetadata } | null)?.metadata ?? {};
}

const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Options of the finalizer steps and {@linkcode withFinalizer}.
 *
 * @typeParam T The resource's object type (its token's).
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { ensureFinalizer, type FinalizerOptions, removeFinalizer } from "@staircase/staircase/status";
 *
 * interface App { metadata?: { name?: string; namespace?: string; finalizers?: string[] } }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * // One options value for both ends of the finalizer's life.
 * const finalizer: FinalizerOptions<App> = { resource: Apps, finalizer: "example.com/cleanup" };
 * const live = plan(Apps).step(ensureFinalizer(finalizer));
 * const deleting = plan(Apps).step(removeFinalizer(finalizer));
 * console.log(live.steps[0].name, deleting.steps[0].name); // ensure-finalizer remove-finalizer
 * ```
 */
export interface FinalizerOptions<T> {
  /** The resource token of the Run's resource kind (the finalizer is patched on it). */
  readonly resource: ResourceType<T>;
  /**
   * The finalizer, a qualified name such as `example.com/cleanup` (the API server warns
   * about names without a domain).
   */
  readonly finalizer: string;
  /**
   * When a finalizer patch finds the list changed by someone else (its `test` operation
   * failed), the Run ends blocked and is requeued after this delay, to run on fresh state.
   * @default {1000}
   */
  readonly conflictRequeueAfterMs?: number;
}

function checkOptions<T>(options: FinalizerOptions<T>): void {
  const finalizer = options?.finalizer;
  if (typeof finalizer !== "string" || finalizer.length > 316 || !QUALIFIED_NAME.test(finalizer)) {
    throw new TypeError(
      `finalizer ${JSON.stringify(finalizer)} must be a qualified name such as example.com/cleanup`,
    );
  }
  if (typeof options.resource?.kind !== "string") {
    throw new TypeError("finalizer options: resource must be a resource token");
  }
  const delay = options.conflictRequeueAfterMs;
  if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) {
    throw new RangeError(
      `finalizer options: conflictRequeueAfterMs must be a finite number >= 0, got ${delay}`,
    );
  }
}

/**
 * Whether the resource is being deleted (it has a `deletionTimestamp`).
 *
 * @param resource The resource.
 * @returns `true` once deletion was requested.
 *
 * @example
 * ```ts
 * import { isBeingDeleted } from "@staircase/staircase/status";
 *
 * console.log(isBeingDeleted({ metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } })); // true
 * ```
 */
export function isBeingDeleted(resource: { readonly metadata?: object }): boolean {
  return typeof metadataOf(resource).deletionTimestamp === "string";
}

/**
 * Whether the resource carries `finalizer`.
 *
 * @param resource The resource.
 * @param finalizer The finalizer.
 * @returns `true` when `metadata.finalizers` holds it.
 *
 * @example
 * ```ts
 * import { hasFinalizer } from "@staircase/staircase/status";
 *
 * console.log(hasFinalizer({ metadata: { finalizers: ["example.com/cleanup"] } }, "example.com/cleanup")); // true
 * ```
 */
export function hasFinalizer(resource: { readonly metadata?: object }, finalizer: string): boolean {
  return metadataOf(resource).finalizers?.includes(finalizer) ?? false;
}

/**
 * Whether a finalizer patch failed because the object changed under it: a 409, or the 422 the
 * API server answers when a JSON Patch `test` operation fails (a Status without details).
 */
function isListChanged(error: unknown): boolean {
  if (isConflict(error)) return true;
  return error instanceof KubernetesApiError && error.code === 422 &&
    error.details?.name === undefined && error.causes.length === 0;
}

async function patchFinalizers<R, T>(
  context: RunContext<R>,
  options: FinalizerOptions<T>,
  operations: JsonPatchOperation[],
): Promise<void> {
  const meta = metadataOf(context.resource);
  const client = new ResourceClient<T>(context.client, options.resource);
  const view = options.resource.namespaced ? client.namespace(meta.namespace ?? "") : client;
  await view.patch(meta.name ?? "", operations, { type: "json", abortSignal: context.signal });
}

/**
 * The step that makes sure the resource carries the finalizer: when it does, the data passes
 * on unchanged; when it does not, one JSON Patch adds it, and that is the Run's modification.
 * The patch tests the list it read (and the UID), so a finalizer someone else added in
 * between is never lost: the test fails, the Run ends blocked and is requeued.
 *
 * @typeParam R The Run's resource type.
 * @typeParam D The data passed through.
 * @param options The resource token and the finalizer.
 * @returns The step, named `ensure-finalizer`.
 * @throws {TypeError} If the finalizer is not a qualified name or `resource` is not a token.
 * @throws {RangeError} If `conflictRequeueAfterMs` is negative or not a number.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { ensureFinalizer } from "@staircase/staircase/status";
 *
 * interface App { metadata?: { name?: string; namespace?: string; finalizers?: string[] } }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * const p = plan(Apps).step(ensureFinalizer({ resource: Apps, finalizer: "example.com/cleanup" }));
 * console.log(p.steps[0].name); // ensure-finalizer
 * ```
 */
export function ensureFinalizer<R, D = undefined>(
  options: FinalizerOptions<unknown>,
): Step<R, D, D> {
  checkOptions(options);
  const { finalizer } = options;
  return {
    name: "ensure-finalizer",
    run: async (context, data) => {
      const meta = metadataOf(context.resource);
      const current = meta.finalizers;
      if (current?.includes(finalizer)) return noModification(data);
      if (meta.deletionTimestamp !== undefined) {
        // The API server refuses new finalizers on an object being deleted.
        return blocked({ message: `not adding ${finalizer}: the resource is being deleted` });
      }
      const operations: JsonPatchOperation[] = [
        { op: "test", path: "/metadata/uid", value: meta.uid ?? null },
      ];
      if (current === undefined) {
        // A test for null passes on a missing list and fails once anyone created one.
        operations.push({ op: "test", path: "/metadata/finalizers", value: null });
        operations.push({ op: "add", path: "/metadata/finalizers", value: [finalizer] });
      } else {
        operations.push({ op: "test", path: "/metadata/finalizers", value: [...current] });
        operations.push({ op: "add", path: "/metadata/finalizers/-", value: finalizer });
      }
      try {
        await patchFinalizers(context, options, operations);
      } catch (error) {
        if (isNotFound(error)) return blocked({ message: "the resource is gone" });
        if (isListChanged(error)) {
          return blocked({
            message: `the finalizers changed while adding ${finalizer}: retrying on fresh state`,
            requeueAfterMs: options.conflictRequeueAfterMs ?? 1000,
          });
        }
        throw error;
      }
      return modified({ message: `added finalizer ${finalizer}` });
    },
  };
}

/**
 * The step that removes the finalizer, the last step of cleanup: one JSON Patch that tests
 * the finalizer is still at the index it was read at (and the UID) and removes that entry
 * only, so other controllers' finalizers are never touched. A failed test ends the Run
 * blocked and requeues it. When the finalizer is already gone, nothing happens.
 *
 * @typeParam R The Run's resource type.
 * @param options The resource token and the finalizer.
 * @returns The step, named `remove-finalizer`.
 * @throws {TypeError} If the finalizer is not a qualified name or `resource` is not a token.
 * @throws {RangeError} If `conflictRequeueAfterMs` is negative or not a number.
 *
 * @example
 * ```ts
 * import { resourceType } from "@staircase/staircase/client";
 * import { removeFinalizer } from "@staircase/staircase/status";
 *
 * const Apps = resourceType<{ metadata?: { name?: string } }>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * console.log(removeFinalizer({ resource: Apps, finalizer: "example.com/cleanup" }).name); // remove-finalizer
 * ```
 */
export function removeFinalizer<R>(
  options: FinalizerOptions<unknown>,
): Step<R, unknown, undefined> {
  checkOptions(options);
  const { finalizer } = options;
  return {
    name: "remove-finalizer",
    run: async (context) => {
      const meta = metadataOf(context.resource);
      const index = meta.finalizers?.indexOf(finalizer) ?? -1;
      if (index < 0) return noModification(undefined);
      try {
        await patchFinalizers(context, options, [
          { op: "test", path: "/metadata/uid", value: meta.uid ?? null },
          { op: "test", path: `/metadata/finalizers/${index}`, value: finalizer },
          { op: "remove", path: `/metadata/finalizers/${index}` },
        ]);
      } catch (error) {
        if (isNotFound(error)) return noModification(undefined);
        if (isListChanged(error)) {
          return blocked({
            message: `the finalizers changed while removing ${finalizer}: retrying on fresh state`,
            requeueAfterMs: options.conflictRequeueAfterMs ?? 1000,
          });
        }
        throw error;
      }
      return modified({ message: `cleanup done: removed finalizer ${finalizer}` });
    },
  };
}

/**
 * Options of {@linkcode withFinalizer}: the finalizer plus the two plans it chooses from.
 *
 * @typeParam R The Run's resource type.
 *
 * @example
 * ```ts
 * import { noModification, plan, type ResourceOf, type RunResource } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { withFinalizer, type WithFinalizerOptions } from "@staircase/staircase/status";
 *
 * interface App {
 *   metadata?: { name?: string; namespace?: string; finalizers?: string[]; deletionTimestamp?: string };
 * }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * const options: WithFinalizerOptions<ResourceOf<typeof Apps>> = {
 *   resource: Apps,
 *   finalizer: "example.com/cleanup",
 *   apply: plan(Apps).step({ name: "deploy", run: () => noModification(undefined) }),
 *   cleanup: plan(Apps).step({ name: "undeploy", run: () => noModification(undefined) }),
 * };
 * const deleting: RunResource<ResourceOf<typeof Apps>> = {
 *   metadata: {
 *     name: "web", namespace: "prod", uid: "4f1c", resourceVersion: "9",
 *     finalizers: ["example.com/cleanup"], deletionTimestamp: "2026-01-01T00:00:00Z",
 *   },
 * };
 * console.log(withFinalizer(deleting, options).steps.map((step) => step.name));
 * // [ "undeploy", "remove-finalizer" ]
 * ```
 */
export interface WithFinalizerOptions<R> extends FinalizerOptions<unknown> {
  /** The plan while the resource lives; it runs after `ensure-finalizer`. */
  readonly apply: Plan<R>;
  /**
   * The cleanup, run once the resource is being deleted: idempotent steps, each one change per
   * Run (returning *no modification* once its part is done). `remove-finalizer` runs after the
   * last of them, so the finalizer stays while any cleanup step fails, blocks or changes
   * something.
   */
  readonly cleanup: Plan<R>;
}

/**
 * Chooses the plan for one Run of a resource guarded by a finalizer:
 *
 * - not being deleted: `ensure-finalizer`, then the `apply` plan's steps (adding the
 *   finalizer is a Run's one modification);
 * - being deleted, finalizer present: the `cleanup` plan's steps in order, then
 *   `remove-finalizer`. A cleanup step that throws fails the Run (retried with backoff) and the
 *   finalizer stays, unlike helpers that remove it when cleanup throws;
 * - being deleted, finalizer absent: an empty plan (nothing left for this controller).
 *
 * @typeParam R The Run's resource type.
 * @param resource The resource of the Run (what the Reconciler receives).
 * @param options The finalizer and both plans.
 * @returns The plan for this Run.
 * @throws {TypeError} If the finalizer is not a qualified name or `resource` is not a token.
 * @throws {RangeError} If `conflictRequeueAfterMs` is negative or not a number.
 *
 * @example A reconciler with cleanup
 * ```ts
 * import { noModification, plan, type Reconciler, type ResourceOf, type RunResource } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { withFinalizer } from "@staircase/staircase/status";
 *
 * interface App { metadata?: { name?: string; namespace?: string; finalizers?: string[] } }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * const apply = plan(Apps).step({ name: "deploy", run: () => noModification(undefined) });
 * const cleanup = plan(Apps).step({ name: "delete-bucket", run: () => noModification(undefined) });
 *
 * const reconciler: Reconciler<ResourceOf<typeof Apps>> = {
 *   plan: (app) => withFinalizer(app, { resource: Apps, finalizer: "example.com/bucket", apply, cleanup }),
 * };
 * const app: RunResource<ResourceOf<typeof Apps>> = { metadata: { name: "web", namespace: "prod", uid: "4f1c", resourceVersion: "3" } };
 * const chosen = await reconciler.plan(app);
 * console.log(chosen.steps.map((step) => step.name)); // [ "ensure-finalizer", "deploy" ]
 * ```
 */
export function withFinalizer<R>(
  resource: { readonly metadata?: object },
  options: WithFinalizerOptions<R>,
): Plan<R> {
  checkOptions(options);
  const { apply, cleanup } = options;
  if (!isBeingDeleted(resource)) {
    return {
      initialData: apply.initialData,
      steps: [ensureFinalizer<R, unknown>(options) as AnyStep<R>, ...apply.steps],
      resourceType: apply.resourceType,
    };
  }
  if (!hasFinalizer(resource, options.finalizer)) {
    return { initialData: undefined, steps: [], resourceType: cleanup.resourceType };
  }
  return {
    initialData: cleanup.initialData,
    steps: [...cleanup.steps, removeFinalizer<R>(options) as AnyStep<R>],
    resourceType: cleanup.resourceType,
  };
}
