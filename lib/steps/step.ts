/**
 * The {@linkcode Step}: one unit of a Run.
 *
 * @module
 */

import type { RunContext } from "./context.ts";
import type { StepOutcome } from "./outcome.ts";
import type { StatusOf } from "./resource.ts";

/**
 * What a step's `run` returns: an outcome, or a promise of one (synchronous steps need no
 * `Promise.resolve`). The outcome's status is typed by the resource's status type.
 *
 * @typeParam R The resource type of the Run.
 * @typeParam Out The data handed to the next step.
 *
 * @example
 * ```ts
 * import { noModification, type StepReturn } from "@staircase/staircase";
 *
 * interface Foo { status?: { phase?: string } }
 * const sync: StepReturn<Foo, number> = noModification(1, { status: { phase: "Ready" } });
 * console.log(sync);
 * ```
 */
export type StepReturn<R, Out> =
  | StepOutcome<Out, StatusOf<R>>
  | Promise<StepOutcome<Out, StatusOf<R>>>;

/**
 * One step of a Run: it looks at the resource (and what earlier steps found), makes at most one
 * change, and says what happened through a {@linkcode StepOutcome}.
 *
 * Rules (from the seed):
 * - **One change per Run.** A step that changed something returns `modified(...)`; no further
 *   step runs, and the next Run starts from freshly observed state.
 * - **Doing two things at once** (e.g. "create the Secret and the Deployment") is split into
 *   two idempotent steps, each guarded by an existence check.
 * - **A restart at any point leaves the next Run doing what it would have done anyway**: steps
 *   decide from observed state only, never from memory of an earlier Run.
 * - A step honours `context.signal` (shutdown or per-step timeout) in the requests it makes.
 *
 * **What a step needs besides the context** (an external API client, configuration) comes in
 * through a *step factory*: a function that takes those dependencies and returns the step. No
 * module globals, and tests hand in fakes.
 *
 * `run` is a function-typed property, not a method, so its `data` parameter is checked
 * contravariantly: a step that needs a narrower input than the previous step's output does not
 * type-check in a {@linkcode PlanBuilder} chain.
 *
 * @typeParam R The resource type of the Run.
 * @typeParam In The data this step receives from the previous step (or the plan's initial data).
 * @typeParam Out The data this step hands to the next step when it reports no modification.
 *
 * @example A step factory: the step gets its dependencies, not a global
 * ```ts
 * import { blocked, noModification, type Step } from "@staircase/staircase";
 *
 * interface Orders { exists(id: string, signal: AbortSignal): Promise<boolean> }
 * interface Shop { metadata?: { name?: string }; spec?: { orderId: string } }
 *
 * function checkOrder(orders: Orders): Step<Shop, undefined, string> {
 *   return {
 *     name: "check-order",
 *     run: async (context) => {
 *       const id = context.resource.spec?.orderId ?? context.resource.metadata.name;
 *       return await orders.exists(id, context.signal)
 *         ? noModification(id)
 *         : blocked({ message: `order ${id} does not exist yet`, requeueAfterMs: 30_000 });
 *     },
 *   };
 * }
 * const step = checkOrder({ exists: () => Promise.resolve(true) });
 * console.log(step.name); // check-order
 * ```
 */
export interface Step<R, In, Out> {
  /**
   * A stable name: it identifies the step in RunResults, errors, logs and metrics, so it stays
   * the same from Run to Run and is unique within a plan (a duplicate is an InvalidPlanError; to
   * run the same logic twice, copy the step under another name: `{ ...step, name: "other" }`).
   */
  readonly name: string;
  /**
   * Runs the step once for the Run described by `context`, given the previous step's data, and
   * returns an outcome or a promise of one. A throw or rejection ends the Run with a
   * {@linkcode StepFailedError}.
   */
  readonly run: (context: RunContext<R>, data: In) => StepReturn<R, Out>;
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
 * const double: Step<unknown, number, number> = { name: "double", run: (_c, n) => noModification(n * 2) };
 * const erased: AnyStep<unknown> = double;
 * console.log(erased.name);
 * ```
 */
export type AnyStep<R> = Step<R, never, unknown>;
