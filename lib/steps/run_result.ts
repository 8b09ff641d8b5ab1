/**
 * The {@linkcode RunResult}: what one Run did and what the controller should do next.
 *
 * @module
 */

import type {
  PlanFailedError,
  RunAbortedError,
  StatusWriteError,
  StepFailedError,
  StepTimeoutError,
} from "./errors.ts";

/**
 * What the controller should do with the resource after a Run.
 *
 * - `requeue`: run again as soon as the change can be observed (a step modified something).
 *   The controller runtime starts the next Run once its caches have seen the Run's writes, and
 *   sends a Run that modified without writing anything through the key's backoff.
 * - `requeue-after`: run again after `requeueAfterMs`.
 * - `await-change`: in sync or blocked; run again when the resource changes, or after
 *   `resyncAfterMs` when a periodic resync is configured.
 * - `retry-with-backoff`: a step failed or timed out; retry with the controller's backoff.
 * - `abandon`: the Run was aborted by shutdown; do nothing.
 *
 * @example
 * ```ts
 * import type { RunAction } from "@staircase/staircase";
 *
 * function delayOf(action: RunAction): number | undefined {
 *   switch (action.type) {
 *     case "requeue": return 0;
 *     case "requeue-after": return action.requeueAfterMs;
 *     case "await-change": return action.resyncAfterMs;
 *     case "retry-with-backoff": return 1_000;
 *     case "abandon": return undefined;
 *   }
 * }
 * console.log(delayOf({ type: "requeue-after", requeueAfterMs: 500 })); // 500
 * ```
 */
export type RunAction =
  | { readonly type: "requeue" }
  | { readonly type: "requeue-after"; readonly requeueAfterMs: number }
  | { readonly type: "await-change"; readonly resyncAfterMs?: number }
  | { readonly type: "retry-with-backoff"; readonly error: Error }
  | { readonly type: "abandon" };

/**
 * Why a Run ended.
 *
 * - `in-sync`: the plan was empty or every step reported no modification.
 * - `modified`, `blocked`: the step named in `endedBy` returned that outcome.
 * - `failed`: a step threw/rejected/returned a non-outcome, or the reconciler threw.
 * - `timed-out`: a step exceeded the per-step timeout.
 * - `aborted`: the shutdown signal fired.
 *
 * @example
 * ```ts
 * import type { RunEnd } from "@staircase/staircase";
 *
 * function logLevel(end: RunEnd): "debug" | "info" | "warn" {
 *   if (end === "in-sync" || end === "aborted") return "debug";
 *   return end === "failed" || end === "timed-out" ? "warn" : "info";
 * }
 * console.log(logLevel("modified")); // info
 * ```
 */
export type RunEnd = "in-sync" | "modified" | "blocked" | "failed" | "timed-out" | "aborted";

/**
 * How one step ended: its outcome's kind, or `failed` / `timed-out` / `aborted`.
 *
 * @example
 * ```ts
 * import type { StepResultKind } from "@staircase/staircase";
 *
 * const marks: Record<StepResultKind, string> = {
 *   "no-modification": "✓", modified: "✎", blocked: "⏸", failed: "✗", "timed-out": "⌛", aborted: "■",
 * };
 * console.log(marks.blocked);
 * ```
 */
export type StepResultKind =
  | "no-modification"
  | "modified"
  | "blocked"
  | "failed"
  | "timed-out"
  | "aborted";

/**
 * One step's record in a {@linkcode RunResult}.
 *
 * @example
 * ```ts
 * import type { StepResult } from "@staircase/staircase";
 *
 * function describeSteps(steps: readonly StepResult[]): string {
 *   return steps.map((step) => `${step.index}:${step.name} ${step.kind}`).join(" → ");
 * }
 * console.log(describeSteps([
 *   { name: "read", index: 0, kind: "no-modification", durationMs: NaN },
 *   { name: "apply", index: 1, kind: "modified", durationMs: NaN },
 * ])); // 0:read no-modification → 1:apply modified
 * ```
 */
export interface StepResult {
  /** The step's name. */
  readonly name: string;
  /** Its position in the plan (0-based). */
  readonly index: number;
  /** How it ended. */
  readonly kind: StepResultKind;
  /**
   * Wall time from the step's start to its settlement (`performance.now()` differences), not
   * including a following status write. `NaN` unless per-step timings are on (see
   * `RunExecutorOptions.stepTimings`).
   */
  readonly durationMs: number;
}

/**
 * One best-effort status write in a {@linkcode RunResult}.
 *
 * @example
 * ```ts
 * import type { StatusWriteResult } from "@staircase/staircase";
 *
 * function failedWrites(writes: readonly StatusWriteResult[]): string[] {
 *   return writes.filter((w) => !w.ok).map((w) => w.stepName);
 * }
 * console.log(failedWrites([
 *   { stepName: "report", stepIndex: 2, ok: false, durationMs: NaN },
 *   { stepName: "ready", stepIndex: 3, ok: true, durationMs: NaN },
 * ])); // ["report"]
 * ```
 */
export interface StatusWriteResult {
  /** The step whose outcome carried the status. */
  readonly stepName: string;
  /** Its position in the plan (0-based). */
  readonly stepIndex: number;
  /** Whether the write succeeded. */
  readonly ok: boolean;
  /** How long the write took (`NaN` unless per-step timings are on). */
  readonly durationMs: number;
  /** Why it failed, when it did. */
  readonly error?: StatusWriteError;
}

/**
 * The error a Run ended with.
 *
 * @example
 * ```ts
 * import { StepFailedError, type RunError } from "@staircase/staircase";
 *
 * const error: RunError = new StepFailedError("apply", 1, new Error("boom"));
 * console.log(error.name); // StepFailedError
 * ```
 */
export type RunError = StepFailedError | StepTimeoutError | RunAbortedError | PlanFailedError;

/**
 * What one Run did, and what the controller should do next (`action`).
 *
 * @example Acting on a result
 * ```ts
 * import { plan, runPlan } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const client = {} as RestClient; // a real client in practice
 * const web = { metadata: { name: "web", uid: "u1", resourceVersion: "1" } };
 * const result = await runPlan(web, plan(), { client });
 * console.log(result.end, result.action.type); // in-sync await-change
 * for (const step of result.steps) console.log(step.name, step.kind, step.durationMs);
 * ```
 */
export interface RunResult {
  /** The Run's id (also in `context.runId`). */
  readonly runId: string;
  /** The Run's start in epoch milliseconds (also in `context.runStart`). */
  readonly runStart: number;
  /**
   * The Run's total duration in milliseconds, status writes included. Always measured: with
   * per-step timings (see `RunExecutorOptions.stepTimings`) as a `performance.now()`
   * difference, without them as `Date.now()` minus `runStart`, at millisecond resolution.
   */
  readonly durationMs: number;
  /** How the Run ended. */
  readonly end: RunEnd;
  /** The name of the controller that ran it, if any. */
  readonly controller?: string | undefined;
  /** The step that ended the Run; absent when in sync (or when the reconciler failed). */
  readonly endedBy?: { readonly name: string; readonly index: number } | undefined;
  /** The `message` of the *blocked* or *modified* outcome that ended the Run, if any. */
  readonly message?: string | undefined;
  /** The error that ended the Run (`failed`, `timed-out`, `aborted`). */
  readonly error?: RunError | undefined;
  /** One record per step that ran, in order. */
  readonly steps: readonly StepResult[];
  /** One record per best-effort status write attempted, in order. */
  readonly statusWrites: readonly StatusWriteResult[];
  /** What the controller should do next. */
  readonly action: RunAction;
}
