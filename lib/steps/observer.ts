/**
 * The {@linkcode RunObserver} seam: how telemetry attaches to the executor.
 *
 * @module
 */

import type { RunContext } from "./context.ts";
import type { RunResult, StatusWriteResult, StepResult } from "./run_result.ts";

/**
 * Callbacks the executor calls as a Run progresses, e.g. to open OpenTelemetry spans or record
 * duration histograms. Every callback is optional and synchronous (the executor does not await
 * it); one that throws, or returns a promise that rejects, is logged and otherwise ignored
 * (telemetry never changes a Run's result).
 *
 * @typeParam R The resource type.
 *
 * @example Counting step outcomes
 * ```ts
 * import type { RunObserver } from "@staircase/staircase";
 *
 * const counts = new Map<string, number>();
 * const observer: RunObserver<unknown> = {
 *   onStepFinished: (step) => {
 *     const key = `${step.name}:${step.kind}`;
 *     counts.set(key, (counts.get(key) ?? 0) + 1);
 *   },
 * };
 * console.log(typeof observer.onStepFinished);
 * ```
 */
export interface RunObserver<R> {
  /** Called before the first step (after the context exists). */
  onRunStarted?(context: RunContext<R>): void;
  /** Called right before a step's `run` is invoked. */
  onStepStarted?(stepName: string, stepIndex: number, context: RunContext<R>): void;
  /** Called when a step settled (or timed out), before any status write. */
  onStepFinished?(step: StepResult, context: RunContext<R>): void;
  /** Called after each best-effort status write. */
  onStatusWritten?(write: StatusWriteResult, context: RunContext<R>): void;
  /** Called with the final result, right before the Run's promise resolves. */
  onRunFinished?(result: RunResult, context: RunContext<R>): void;
}
