/**
 * The {@linkcode RunObserver} seam: how telemetry attaches to the executor.
 *
 * @module
 */

import type { RunContext } from "./context.ts";
import type { RunResource } from "./resource.ts";
import type { RunResult, StatusWriteResult, StepResult } from "./run_result.ts";

/**
 * The step a {@linkcode RunObserver.aroundStep} hook wraps.
 *
 * @example
 * ```ts
 * import type { StepInfo } from "@staircase/staircase";
 *
 * const spanName = (step: StepInfo) => `step ${step.index}: ${step.name}`;
 * console.log(spanName({ name: "ensure-config-map", index: 1 })); // step 1: ensure-config-map
 * ```
 */
export interface StepInfo {
  /** The step's name. */
  readonly name: string;
  /** Its position in the plan (0-based). */
  readonly index: number;
}

/**
 * Callbacks the executor calls as a Run progresses, e.g. to open OpenTelemetry spans or record
 * duration histograms. Every callback is optional. The `on...` callbacks are synchronous (the
 * executor does not await them); one that throws, or returns a promise that rejects, is logged
 * and otherwise ignored: telemetry never changes a Run's result.
 *
 * An observer with `aroundStep`, `onStepFinished`, `onStatusWritten` or `onRunFinished` turns
 * timings on (unless `stepTimings: false` is set explicitly).
 *
 * @typeParam R The resource type.
 *
 * @example Counting step outcomes, and wrapping each step in a span
 * ```ts
 * import { modified, noModification, plan, RunExecutor, type RunObserver } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const counts = new Map<string, number>();
 * const observer: RunObserver<unknown> = {
 *   aroundStep: async (step, context, next) => {
 *     // e.g. tracer.startActiveSpan(step.name, (span) => next().finally(() => span.end()))
 *     context.logger.debug("step start", { step: step.name });
 *     return await next();
 *   },
 *   onStepFinished: (step) => {
 *     const key = `${step.name}:${step.kind}`;
 *     counts.set(key, (counts.get(key) ?? 0) + 1);
 *   },
 * };
 * const executor = new RunExecutor({ client: {} as RestClient, observer });
 * await executor.run(
 *   { metadata: { name: "web", uid: "0b9c", resourceVersion: "7" } },
 *   plan().step({ name: "read", run: () => noModification(1) }).step({ name: "apply", run: () => modified() }),
 * );
 * console.log(counts); // Map(2) { "read:no-modification" => 1, "apply:modified" => 1 }
 * ```
 */
export interface RunObserver<R> {
  /** Called before the first step (after the context exists). */
  onRunStarted?(context: RunContext<R>): void;
  /** Called right before a step's `run` is invoked (before `aroundStep`). */
  onStepStarted?(stepName: string, stepIndex: number, context: RunContext<R>): void;
  /**
   * Wraps one step: call `next()` exactly once, inside whatever context should cover the step's
   * own work (a tracing span, an async-local context), and return (or await) what it returns.
   * `next()` resolves with what the step returned and rejects with what it threw. The executor
   * takes the step's outcome from `next()` itself: what the hook returns is ignored, a hook that
   * throws is logged and ignored, and a hook that never calls `next()` has the step run without
   * it (logged). The step's timeout covers the hook too.
   */
  aroundStep?(
    step: StepInfo,
    context: RunContext<R>,
    next: () => Promise<unknown>,
  ): Promise<unknown>;
  /** Called when a step settled (or timed out), before any status write. */
  onStepFinished?(step: StepResult, context: RunContext<R>): void;
  /** Called after each best-effort status write. */
  onStatusWritten?(write: StatusWriteResult, context: RunContext<R>): void;
  /** Called with the final result, right before the Run's promise resolves. */
  onRunFinished?(result: RunResult, context: RunContext<R>): void;
  /**
   * Called instead of the other callbacks when the reconciler failed to build a plan (it threw,
   * or returned a malformed plan): no step ran, and `result.error` is a `PlanFailedError`.
   */
  onPlanFailed?(result: RunResult, resource: RunResource<R>): void;
}
