/**
 * Plans: the initial data and the ordered steps of one Run, and the typed builder that makes
 * them.
 *
 * @module
 */

import { checkStep, checkSteps } from "./_check_step.ts";
import { InvalidPlanError } from "./errors.ts";
import type { AnyStep, Step } from "./step.ts";

/**
 * The initial data and the ordered steps of one Run, as the executor consumes it.
 *
 * Build one with {@linkcode plan}, which checks the data chain at compile time.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import { noModification, plan, type Plan } from "@staircase/staircase";
 *
 * const p: Plan<unknown> = plan().initial(1).step({
 *   name: "increment",
 *   run: (_context, n) => Promise.resolve(noModification(n + 1)),
 * });
 * console.log(p.steps.length); // 1
 * ```
 */
export interface Plan<R> {
  /** The first step's input. */
  readonly initialData: unknown;
  /** The steps, in the order they run. */
  readonly steps: readonly AnyStep<R>[];
}

// Set right before step() or initial() construct a builder from steps already checked.
let trusted = false;

/**
 * An immutable, typed plan under construction: each {@linkcode PlanBuilder.step} accepts only a
 * step whose input type accepts the previous step's output type `D`, so a broken data chain
 * does not compile. A builder is itself a {@linkcode Plan}.
 *
 * The method is `step`, not `then`: an object with a `then` method is a thenable, and
 * `await`ing it (e.g. returning it from an async reconciler) would call it.
 *
 * @typeParam R The resource type.
 * @typeParam D The output data of the last step so far (the initial data when there is none).
 *
 * @example
 * ```ts
 * import { noModification, plan, type PlanBuilder } from "@staircase/staircase";
 *
 * const builder: PlanBuilder<unknown, string> = plan()
 *   .initial(2)
 *   .step({ name: "to-text", run: (_c, n) => Promise.resolve(noModification(String(n))) });
 * console.log(builder.steps.map((s) => s.name)); // ["to-text"]
 * ```
 */
export class PlanBuilder<R, D> implements Plan<R> {
  /** The first step's input. */
  readonly initialData: unknown;
  /** The steps so far, in order (frozen). */
  readonly steps: readonly AnyStep<R>[];

  /**
   * Creates a builder; use {@linkcode plan} instead.
   *
   * @param initialData The first step's input.
   * @param steps The steps so far (frozen in place).
   * @throws {InvalidPlanError} If a step is malformed or two steps share a name.
   */
  constructor(initialData: unknown, steps: readonly AnyStep<R>[]) {
    // The executor trusts builders' steps: check them unless step() or initial() already did.
    if (trusted) trusted = false;
    else checkSteps(steps);
    this.initialData = initialData;
    this.steps = Object.freeze(steps);
  }

  /**
   * Sets the data the first step receives. Only valid before the first {@linkcode PlanBuilder.step}.
   *
   * @param data The initial data.
   * @returns A builder whose next step must accept `data`'s type.
   * @throws {InvalidPlanError} If steps were already added.
   *
   * @example
   * ```ts
   * import { plan } from "@staircase/staircase";
   *
   * const start = plan().initial({ attempt: 1 });
   * console.log(start.initialData);
   * ```
   */
  initial<T>(data: T): PlanBuilder<R, T> {
    if (this.steps.length > 0) {
      throw new InvalidPlanError("initial() must be called before the first step()");
    }
    trusted = true;
    return new PlanBuilder<R, T>(data, this.steps);
  }

  /**
   * Appends a step. Its input type must accept `D`, the previous output type.
   *
   * @param step The next step.
   * @returns A new builder; this one is unchanged.
   * @throws {InvalidPlanError} If `step` has no non-empty string `name` or no `run` function, or
   * if an earlier step of the plan has the same name (names identify steps in RunResults, errors,
   * logs and metrics, so they must be unique in a plan; reusing one step object twice needs two
   * steps with distinct names, e.g. `{ ...step, name: "second-name" }`).
   *
   * @example
   * ```ts
   * import { noModification, plan } from "@staircase/staircase";
   *
   * const p = plan()
   *   .initial("a")
   *   .step({ name: "length", run: (_c, s) => Promise.resolve(noModification(s.length)) })
   *   .step({ name: "double", run: (_c, n) => Promise.resolve(noModification(n * 2)) });
   * console.log(p.steps.length); // 2
   * ```
   */
  step<Out>(step: Step<D, Out, R>): PlanBuilder<R, Out> {
    checkStep(step, this.steps.length, this.steps);
    trusted = true;
    return new PlanBuilder<R, Out>(this.initialData, [...this.steps, step as AnyStep<R>]);
  }
}

/**
 * Starts a typed plan for resources of type `R`, with `undefined` as initial data until
 * {@linkcode PlanBuilder.initial} sets it.
 *
 * @typeParam R The resource type.
 * @returns An empty plan (empty plans are valid: the Run is in sync).
 *
 * @example
 * ```ts
 * import { modified, noModification, plan } from "@staircase/staircase";
 *
 * interface App { spec: { replicas: number } }
 *
 * const p = plan<App>()
 *   .initial(undefined)
 *   .step({
 *     name: "read-replicas",
 *     run: (context) => Promise.resolve(noModification(context.resource.spec.replicas)),
 *   })
 *   .step({
 *     name: "scale",
 *     run: (_context, replicas) =>
 *       Promise.resolve(replicas > 3 ? modified({ reason: "scaled down" }) : noModification(null)),
 *   });
 * console.log(p.steps.length); // 2
 * ```
 */
export function plan<R = unknown>(): PlanBuilder<R, undefined> {
  return new PlanBuilder<R, undefined>(undefined, []);
}
