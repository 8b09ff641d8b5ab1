/**
 * Plans: the initial data and the ordered steps of one Run, and the typed builder that makes
 * them.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import { checkSteps } from "./_checks.ts";
import { InvalidPlanError } from "./errors.ts";
import type { Scoped } from "./resource.ts";
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
 *   run: (_context, n) => noModification(n + 1),
 * });
 * console.log(p.steps.length); // 1
 * ```
 */
export interface Plan<R> {
  /** The first step's input. */
  readonly initialData: unknown;
  /** The steps, in the order they run. */
  readonly steps: readonly AnyStep<R>[];
  /**
   * The kind the plan is for, when it was built with `plan(token)`: the executor then checks
   * that a namespaced kind's resource has its `metadata.namespace`.
   */
  readonly resourceType?: ResourceType<unknown> | undefined;
}

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
 *   .step({ name: "to-text", run: (_c, n) => noModification(String(n)) });
 * console.log(builder.steps.map((s) => s.name)); // ["to-text"]
 * ```
 */
export class PlanBuilder<R, D> implements Plan<R> {
  /** The first step's input. */
  readonly initialData: unknown;
  /** The steps so far, in order (frozen). */
  readonly steps: readonly AnyStep<R>[];
  /** The kind the plan is for, if it was given. */
  readonly resourceType: ResourceType<unknown> | undefined;

  /**
   * Creates a builder; use {@linkcode plan} instead.
   *
   * @param initialData The first step's input.
   * @param steps The steps so far (copied and frozen).
   * @param resourceType The kind the plan is for, if known.
   * @throws {InvalidPlanError} If a step is malformed or two steps share a name.
   */
  constructor(
    initialData: unknown,
    steps: readonly AnyStep<R>[],
    resourceType?: ResourceType<unknown>,
  ) {
    // Every builder checks all its steps, so the executor can trust a builder's steps.
    checkSteps(steps);
    this.initialData = initialData;
    this.steps = Object.freeze([...steps]);
    this.resourceType = resourceType;
  }

  /**
   * Sets the data the first step receives. Only valid before the first {@linkcode PlanBuilder.step}.
   *
   * @typeParam T The initial data's type.
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
    return new PlanBuilder<R, T>(data, this.steps, this.resourceType);
  }

  /**
   * Appends a step. Its input type must accept `D`, the previous output type.
   *
   * @typeParam Out The step's output type.
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
   *   .step({ name: "length", run: (_c, s) => noModification(s.length) })
   *   .step({ name: "double", run: (_c, n) => noModification(n * 2) });
   * console.log(p.steps.length); // 2
   * ```
   */
  step<Out>(step: Step<R, D, Out>): PlanBuilder<R, Out> {
    const steps = [...this.steps, step as AnyStep<R>];
    return new PlanBuilder<R, Out>(this.initialData, steps, this.resourceType);
  }
}

/**
 * Starts a typed plan, with `undefined` as initial data until {@linkcode PlanBuilder.initial}
 * sets it. Give the kind's resource token (`plan(Foos)`) so the resource type, and for a
 * namespaced kind `metadata.namespace`, are known; or name the type (`plan<Foo>()`).
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
 *   .step({ name: "read-replicas", run: (context) => noModification(context.resource.spec.replicas) })
 *   .step({
 *     name: "scale",
 *     run: (_context, replicas) =>
 *       replicas > 3 ? modified({ message: "scaled down to 3" }) : noModification(null),
 *   });
 * console.log(p.steps.length); // 2
 * ```
 */
export function plan<R = unknown>(): PlanBuilder<R, undefined>;
/**
 * Starts a typed plan for the kind of `resourceType`: the steps' resource type is the token's
 * object type, with `metadata.namespace` present for a namespaced kind (the executor checks it).
 *
 * @typeParam T The token's object type.
 * @typeParam N The token's scope.
 * @param resourceType The kind's resource token.
 * @returns An empty plan for that kind.
 *
 * @example
 * ```ts
 * import { noModification, plan } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 *
 * interface Foo { metadata?: { name?: string; namespace?: string }; spec?: { size: number } }
 * const Foos = resourceType<Foo>()({
 *   group: "example.com", version: "v1", kind: "Foo", plural: "foos", namespaced: true,
 * });
 * const p = plan(Foos).step({
 *   name: "where",
 *   run: (context) => noModification(`${context.resource.metadata.namespace}/${context.resource.metadata.name}`),
 * });
 * console.log(p.resourceType?.kind); // Foo
 * ```
 */
export function plan<T, N extends boolean>(
  resourceType: ResourceType<T, N>,
): PlanBuilder<Scoped<T, N>, undefined>;
export function plan(resourceType?: ResourceType<unknown>): PlanBuilder<unknown, undefined> {
  if (resourceType !== undefined && typeof resourceType?.kind !== "string") {
    throw new InvalidPlanError("plan(): the argument must be a resource token");
  }
  return new PlanBuilder<unknown, undefined>(undefined, [], resourceType);
}
