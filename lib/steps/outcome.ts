/**
 * What a step says happened: the {@linkcode StepOutcome} variants and their constructors.
 *
 * Every outcome may carry a `status`: a merge patch of the resource's own status, written best
 * effort after the step. Its type is the resource's status type: inside a step, TypeScript takes
 * it from the step's declared return type, so a misspelled or mistyped status field does not
 * compile.
 *
 * @module
 */

import { checkDelay } from "./_checks.ts";
import type { StatusPatch } from "./resource.ts";

/**
 * The step found nothing to change. The Run goes on with the next step, which receives `data`.
 *
 * @typeParam Out The data handed to the next step.
 * @typeParam S The resource's status type (`never`: the outcome carries no status).
 *
 * @example
 * ```ts
 * import { noModification, type NoModificationOutcome } from "@staircase/staircase";
 *
 * const outcome: NoModificationOutcome<number> = noModification(3);
 * console.log(outcome.kind, outcome.data); // "no-modification" 3
 * ```
 */
export interface NoModificationOutcome<Out, S = never> {
  /** Discriminant. */
  readonly kind: "no-modification";
  /** The next step's input. */
  readonly data: Out;
  /** A status to write, best effort (see {@linkcode StepOutcome}); an object, never null. */
  readonly status?: StatusPatch<S> | undefined;
}

/**
 * The step changed something (one change per Run). The Run ends here and the resource is
 * requeued: immediately, or after `requeueAfterMs`.
 *
 * @typeParam S The resource's status type.
 *
 * @example
 * ```ts
 * import { modified, type ModifiedOutcome } from "@staircase/staircase";
 *
 * const outcome: ModifiedOutcome = modified({ message: "created ConfigMap web-config" });
 * console.log(outcome.kind); // "modified"
 * ```
 */
export interface ModifiedOutcome<S = never> {
  /** Discriminant. */
  readonly kind: "modified";
  /** What changed, for people: recorded in the RunResult's `message`. */
  readonly message?: string | undefined;
  /** Requeue after this many milliseconds instead of immediately. */
  readonly requeueAfterMs?: number | undefined;
  /** A status to write, best effort (see {@linkcode StepOutcome}); an object, never null. */
  readonly status?: StatusPatch<S> | undefined;
}

/**
 * Nothing can be done now (the seed's *Stop*): the step depends on something outside the
 * controller's reach, e.g. an external system or a Deployment becoming ready. The Run ends
 * without a modification; the resource is requeued after `requeueAfterMs`, or else when it
 * changes (or at the periodic resync).
 *
 * @typeParam S The resource's status type.
 *
 * @example
 * ```ts
 * import { blocked, type BlockedOutcome } from "@staircase/staircase";
 *
 * const outcome: BlockedOutcome = blocked({ message: "order not placed yet", requeueAfterMs: 5_000 });
 * console.log(outcome.kind); // "blocked"
 * ```
 */
export interface BlockedOutcome<S = never> {
  /** Discriminant. */
  readonly kind: "blocked";
  /** Why nothing can be done now, for people: recorded in the RunResult's `message`. */
  readonly message: string;
  /** Requeue after this many milliseconds; without it the controller awaits a change. */
  readonly requeueAfterMs?: number | undefined;
  /** A status to write, best effort (see {@linkcode StepOutcome}); an object, never null. */
  readonly status?: StatusPatch<S> | undefined;
}

/**
 * What one step reports: {@linkcode NoModificationOutcome} (go on), {@linkcode ModifiedOutcome}
 * (end the Run, requeue) or {@linkcode BlockedOutcome} (end the Run, nothing can be done now).
 *
 * Rules (from the seed):
 * - **One change per Run.** A step that changes anything returns *modified*; the Run ends
 *   there and the next Run starts from freshly observed state.
 * - **Allowed-to-fail exceptions.** The `status` an outcome carries is the resource's *own
 *   status*, written best effort after the step: a failed write is logged and recorded but does
 *   not fail the Run or stop the requeue. That is safe only because nothing may depend on it;
 *   the same holds for other *additive* changes (e.g. an extra label).
 * - **If later logic depends on a status value, make that status change its own step**, one
 *   that returns *modified*, so the next Run observes the written value.
 *
 * @typeParam Out The data a *no modification* outcome hands to the next step.
 * @typeParam S The resource's status type (`StatusOf<R>`); `never` for no status.
 *
 * @example Returning each variant
 * ```ts
 * import { blocked, modified, noModification, type StepOutcome } from "@staircase/staircase";
 *
 * interface FooStatus { phase?: "Pending" | "Ready" }
 *
 * function decide(exists: boolean, ready: boolean): StepOutcome<string, FooStatus> {
 *   if (!exists) return modified({ message: "created child", status: { phase: "Pending" } });
 *   if (!ready) return blocked({ message: "child not ready", requeueAfterMs: 2_000 });
 *   return noModification("child-name", { status: { phase: "Ready" } });
 * }
 * console.log(decide(true, true).kind); // "no-modification"
 * ```
 */
export type StepOutcome<Out, S = never> =
  | NoModificationOutcome<Out, S>
  | ModifiedOutcome<S>
  | BlockedOutcome<S>;

/**
 * Options of {@linkcode noModification}.
 *
 * @typeParam S The resource's status type.
 *
 * @example
 * ```ts
 * import { noModification, type NoModificationOptions } from "@staircase/staircase";
 *
 * const options: NoModificationOptions<{ phase?: string }> = { status: { phase: "Ready" } };
 * const outcome = noModification<string, { phase?: string }>("web-config", options);
 * console.log(outcome.status); // { phase: "Ready" }
 * ```
 */
export interface NoModificationOptions<S = never> {
  /** A status to write, best effort. */
  readonly status?: StatusPatch<S> | undefined;
}

/**
 * Options of {@linkcode modified}.
 *
 * @typeParam S The resource's status type.
 *
 * @example
 * ```ts
 * import { modified, type ModifiedOptions } from "@staircase/staircase";
 *
 * const options: ModifiedOptions = { message: "scaled to 3", requeueAfterMs: 1_000 };
 * console.log(modified(options).requeueAfterMs); // 1000
 * ```
 */
export interface ModifiedOptions<S = never> {
  /** What changed, for people. */
  readonly message?: string | undefined;
  /** Requeue after this many milliseconds (a finite number ≥ 0) instead of immediately. */
  readonly requeueAfterMs?: number | undefined;
  /** A status to write, best effort. */
  readonly status?: StatusPatch<S> | undefined;
}

/**
 * Options of {@linkcode blocked}.
 *
 * @typeParam S The resource's status type.
 *
 * @example
 * ```ts
 * import { blocked, type BlockedOptions } from "@staircase/staircase";
 *
 * const options: BlockedOptions = { message: "waiting for the database" };
 * console.log(blocked(options).message);
 * ```
 */
export interface BlockedOptions<S = never> {
  /** Why nothing can be done now, for people. */
  readonly message: string;
  /** Requeue after this many milliseconds (a finite number ≥ 0); else await a change. */
  readonly requeueAfterMs?: number | undefined;
  /** A status to write, best effort. */
  readonly status?: StatusPatch<S> | undefined;
}

/**
 * Builds a *no modification* outcome carrying `data` for the next step.
 *
 * `S` is not inferred from `options`: inside a step it comes from the step's return type (the
 * resource's status type), so the status is checked against it.
 *
 * @typeParam Out The data handed to the next step.
 * @typeParam S The resource's status type.
 * @param data The next step's input.
 * @param options An optional best-effort status to write.
 * @returns The outcome.
 *
 * @example
 * ```ts
 * import { noModification } from "@staircase/staircase";
 *
 * const outcome = noModification({ configMapName: "web-config" });
 * console.log(outcome.data.configMapName);
 * ```
 */
export function noModification<Out, S = never>(
  data: Out,
  options?: NoModificationOptions<NoInfer<S>>,
): NoModificationOutcome<Out, S> {
  // Always the same property set, so the executor's hot path sees one object shape.
  return { kind: "no-modification", data, status: options?.status };
}

/**
 * Builds a *modified* outcome: the Run ends and the resource is requeued.
 *
 * @typeParam S The resource's status type (from the step's return type).
 * @param options An optional message, delay and best-effort status.
 * @returns The outcome.
 * @throws {RangeError} If `requeueAfterMs` is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { modified } from "@staircase/staircase";
 *
 * const outcome = modified({ message: "patched Deployment replicas" });
 * console.log(outcome.kind);
 * ```
 */
export function modified<S = never>(
  options: ModifiedOptions<NoInfer<S>> = {},
): ModifiedOutcome<S> {
  checkDelay(options.requeueAfterMs);
  return {
    kind: "modified",
    message: options.message,
    requeueAfterMs: options.requeueAfterMs,
    status: options.status,
  };
}

/**
 * Builds a *blocked* outcome: nothing can be done now; the Run ends without a modification.
 *
 * @typeParam S The resource's status type (from the step's return type).
 * @param options Why, an optional delay and best-effort status.
 * @returns The outcome.
 * @throws {RangeError} If `requeueAfterMs` is not a finite number ≥ 0.
 * @throws {TypeError} If `message` is not a string.
 *
 * @example
 * ```ts
 * import { blocked } from "@staircase/staircase";
 *
 * const outcome = blocked({ message: "pods not ready", requeueAfterMs: 10_000 });
 * console.log(outcome.requeueAfterMs);
 * ```
 */
export function blocked<S = never>(options: BlockedOptions<NoInfer<S>>): BlockedOutcome<S> {
  if (typeof options?.message !== "string") {
    throw new TypeError("blocked(): options.message must be a string");
  }
  checkDelay(options.requeueAfterMs);
  return {
    kind: "blocked",
    message: options.message,
    requeueAfterMs: options.requeueAfterMs,
    status: options.status,
  };
}
