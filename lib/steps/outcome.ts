/**
 * What a step says happened: the {@linkcode StepOutcome} variants and their constructors.
 *
 * @module
 */

import { checkDelay } from "./_validate.ts";

/**
 * The step found nothing to change. The Run goes on with the next step, which receives `data`.
 *
 * @typeParam Out The data handed to the next step.
 *
 * @example
 * ```ts
 * import { noModification, type NoModificationOutcome } from "@staircase/staircase";
 *
 * const outcome: NoModificationOutcome<number> = noModification(3);
 * console.log(outcome.kind, outcome.data); // "no-modification" 3
 * ```
 */
export interface NoModificationOutcome<Out> {
  /** Discriminant. */
  readonly kind: "no-modification";
  /** The next step's input. */
  readonly data: Out;
  /** A status to write, best effort (see {@linkcode StepOutcome}); an object, never null. */
  readonly status?: object | undefined;
}

/**
 * The step changed something (one change per Run). The Run ends here and the resource is
 * requeued: immediately, or after `requeueAfterMs`.
 *
 * @example
 * ```ts
 * import { modified, type ModifiedOutcome } from "@staircase/staircase";
 *
 * const outcome: ModifiedOutcome = modified({ reason: "created ConfigMap" });
 * console.log(outcome.kind); // "modified"
 * ```
 */
export interface ModifiedOutcome {
  /** Discriminant. */
  readonly kind: "modified";
  /** Requeue after this many milliseconds instead of immediately. */
  readonly requeueAfterMs?: number | undefined;
  /** A human-readable note on what changed, recorded in the RunResult. */
  readonly reason?: string | undefined;
  /** A status to write, best effort (see {@linkcode StepOutcome}); an object, never null. */
  readonly status?: object | undefined;
}

/**
 * Nothing can be done now (the seed's *Stop*): the step waits on something else, e.g. a
 * Deployment becoming ready. The Run ends without a modification; the resource is requeued
 * after `requeueAfterMs`, or else when it changes (or at the periodic resync).
 *
 * @example
 * ```ts
 * import { wait, type WaitOutcome } from "@staircase/staircase";
 *
 * const outcome: WaitOutcome = wait({ reason: "deployment not ready", requeueAfterMs: 5_000 });
 * console.log(outcome.kind); // "wait"
 * ```
 */
export interface WaitOutcome {
  /** Discriminant. */
  readonly kind: "wait";
  /** Why the Run stops here; recorded in the RunResult. */
  readonly reason: string;
  /** Requeue after this many milliseconds; without it the controller awaits a change. */
  readonly requeueAfterMs?: number | undefined;
  /** A status to write, best effort (see {@linkcode StepOutcome}); an object, never null. */
  readonly status?: object | undefined;
}

/**
 * What one step reports: {@linkcode NoModificationOutcome} (go on), {@linkcode ModifiedOutcome}
 * (end the Run, requeue) or {@linkcode WaitOutcome} (end the Run, nothing to do now).
 *
 * Rules (from the seed):
 * - **One change per Run.** A step that changes anything returns *modified*; the Run ends
 *   there and the next Run starts from freshly observed state.
 * - **Allowed-to-fail exceptions.** The `status` an outcome carries is the resource's *own
 *   status*, written best effort after the step: a failed write is logged and recorded but does
 *   not fail the Run or stop the requeue. That is safe only because nothing may depend on it —
 *   the same holds for other *additive* changes (e.g. an extra label).
 * - **If later logic depends on a status value, make that status change its own step**, one
 *   that returns *modified*, so the next Run observes the written value.
 *
 * @typeParam Out The data a *no modification* outcome hands to the next step.
 *
 * @example Returning each variant from a step
 * ```ts
 * import { modified, noModification, wait, type StepOutcome } from "@staircase/staircase";
 *
 * function decide(ready: boolean, exists: boolean): StepOutcome<string> {
 *   if (!exists) return modified({ reason: "created child" });
 *   if (!ready) return wait({ reason: "child not ready", requeueAfterMs: 2_000 });
 *   return noModification("child-name", { status: { phase: "Ready" } });
 * }
 * console.log(decide(true, true).kind); // "no-modification"
 * ```
 */
export type StepOutcome<Out> = NoModificationOutcome<Out> | ModifiedOutcome | WaitOutcome;

/**
 * Options of {@linkcode noModification}.
 *
 * @example
 * ```ts
 * import { noModification, type NoModificationOptions } from "@staircase/staircase";
 *
 * const options: NoModificationOptions = { status: { phase: "Ready" } };
 * console.log(noModification("web-config", options).status); // { phase: "Ready" }
 * ```
 */
export interface NoModificationOptions {
  /** A status to write, best effort. */
  readonly status?: object | undefined;
}

/**
 * Options of {@linkcode modified}.
 *
 * @example
 * ```ts
 * import { modified, type ModifiedOptions } from "@staircase/staircase";
 *
 * const options: ModifiedOptions = { requeueAfterMs: 1_000, reason: "scaled" };
 * console.log(modified(options).requeueAfterMs); // 1000
 * ```
 */
export interface ModifiedOptions {
  /** Requeue after this many milliseconds (a finite number ≥ 0) instead of immediately. */
  readonly requeueAfterMs?: number | undefined;
  /** What changed. */
  readonly reason?: string | undefined;
  /** A status to write, best effort. */
  readonly status?: object | undefined;
}

/**
 * Options of {@linkcode wait}.
 *
 * @example
 * ```ts
 * import { wait, type WaitOptions } from "@staircase/staircase";
 *
 * const options: WaitOptions = { reason: "waiting for the database" };
 * console.log(wait(options).reason);
 * ```
 */
export interface WaitOptions {
  /** Why nothing can be done now. */
  readonly reason: string;
  /** Requeue after this many milliseconds (a finite number ≥ 0); else await a change. */
  readonly requeueAfterMs?: number | undefined;
  /** A status to write, best effort. */
  readonly status?: object | undefined;
}

/**
 * Builds a *no modification* outcome carrying `data` for the next step.
 *
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
export function noModification<Out>(
  data: Out,
  options?: NoModificationOptions,
): NoModificationOutcome<Out> {
  // Always the same property set, so the executor's hot path sees one object shape.
  return { kind: "no-modification", data, status: options?.status };
}

/**
 * Builds a *modified* outcome: the Run ends and the resource is requeued.
 *
 * @param options Optional delay, reason and best-effort status.
 * @returns The outcome.
 * @throws {RangeError} If `requeueAfterMs` is not a finite number ≥ 0.
 *
 * @example
 * ```ts
 * import { modified } from "@staircase/staircase";
 *
 * const outcome = modified({ reason: "patched Deployment replicas" });
 * console.log(outcome.kind);
 * ```
 */
export function modified(options: ModifiedOptions = {}): ModifiedOutcome {
  checkDelay(options.requeueAfterMs);
  return {
    kind: "modified",
    requeueAfterMs: options.requeueAfterMs,
    reason: options.reason,
    status: options.status,
  };
}

/**
 * Builds a *wait* outcome: nothing can be done now; the Run ends without a modification.
 *
 * @param options The reason, an optional delay and best-effort status.
 * @returns The outcome.
 * @throws {RangeError} If `requeueAfterMs` is not a finite number ≥ 0.
 * @throws {TypeError} If `reason` is not a string.
 *
 * @example
 * ```ts
 * import { wait } from "@staircase/staircase";
 *
 * const outcome = wait({ reason: "pods not ready", requeueAfterMs: 10_000 });
 * console.log(outcome.requeueAfterMs);
 * ```
 */
export function wait(options: WaitOptions): WaitOutcome {
  if (typeof options?.reason !== "string") {
    throw new TypeError("wait(): options.reason must be a string");
  }
  checkDelay(options.requeueAfterMs);
  return {
    kind: "wait",
    reason: options.reason,
    requeueAfterMs: options.requeueAfterMs,
    status: options.status,
  };
}
