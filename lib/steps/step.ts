/**
 * The {@linkcode Step}: one unit of a Run.
 *
 * @module
 */

import type { RunContext } from "./context.ts";
import type { StepOutcome } from "./outcome.ts";

/**
 * One step of a Run: it looks at the resource (and what earlier steps found), makes at most one
 * change, and says what happened through a {@linkcode StepOutcome}.
 *
 * Rules (from the seed):
 * - **One change per Run.** A step that changed something returns `modified(...)`; no further
 *   step runs, and the next Run starts from freshly observed state.
 * - **Doing two things at once** (e.g. "create the Secret and the Deployment") is split into
 *   two idempotent steps, each guarded by an existence check: "if the Secret is missing, create
 *   it (modified), else pass it on (no modification)", then the same for the Deployment.
 * - **A restart at any point leaves the next Run doing what it would have done anyway**: steps
 *   decide from observed state only, never from memory of an earlier Run.
 * - A step honours `context.signal` (shutdown or per-step timeout) in the requests it makes.
 *
 * `run` is declared as a function-typed property, not a method, so its `data` parameter is
 * checked contravariantly: a step that needs a narrower input than the previous step's output
 * does not type-check in a {@linkcode PlanBuilder} chain.
 *
 * @typeParam In The data this step receives from the previous step (or the plan's initial data).
 * @typeParam Out The data this step hands to the next step when it reports no modification.
 * @typeParam R The resource type of the Run.
 *
 * @example An idempotent "ensure it exists" step
 * ```ts
 * import { modified, noModification, type Step } from "@staircase/staircase";
 *
 * interface App { metadata: { name: string; namespace: string } }
 *
 * const ensureConfigMap: Step<void, { configMap: string }, App> = {
 *   name: "ensure-config-map",
 *   run: async (context) => {
 *     const { name, namespace } = context.resource.metadata;
 *     const path = `/api/v1/namespaces/${namespace}/configmaps/${name}-config`;
 *     const exists = await context.client
 *       .performRequest({ method: "GET", path, expectJson: true, abortSignal: context.signal })
 *       .then(() => true, () => false);
 *     if (exists) return noModification({ configMap: `${name}-config` });
 *     await context.client.performRequest({
 *       method: "POST",
 *       path: `/api/v1/namespaces/${namespace}/configmaps`,
 *       bodyJson: { metadata: { name: `${name}-config` }, data: {} },
 *       expectJson: true,
 *       abortSignal: context.signal,
 *     });
 *     return modified({ reason: "created ConfigMap" });
 *   },
 * };
 * console.log(ensureConfigMap.name);
 * ```
 */
export interface Step<In, Out, R> {
  /**
   * A stable name: it identifies the step in RunResults, errors, logs and metrics, so it stays
   * the same from Run to Run and is unique within a plan (a duplicate is an InvalidPlanError; to
   * run the same logic twice, copy the step under another name: `{ ...step, name: "other" }`).
   */
  readonly name: string;
  /**
   * Runs the step once for the Run described by `context`, given the previous step's data.
   * A throw or rejection ends the Run with a {@linkcode StepFailedError}.
   */
  readonly run: (context: RunContext<R>, data: In) => Promise<StepOutcome<Out>>;
}

/**
 * A step with its data types erased, as stored in a {@linkcode Plan}. The plan builder is what
 * checks the data chain; the executor only passes each output on to the next step.
 *
 * @typeParam R The resource type of the Run.
 *
 * @example
 * ```ts
 * import { noModification, type AnyStep, type Step } from "@staircase/staircase";
 *
 * const double: Step<number, number, unknown> = {
 *   name: "double",
 *   run: (_context, n) => Promise.resolve(noModification(n * 2)),
 * };
 * const erased: AnyStep<unknown> = double;
 * console.log(erased.name);
 * ```
 */
export type AnyStep<R> = Step<never, unknown, R>;
