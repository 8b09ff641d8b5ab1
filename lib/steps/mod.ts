/**
 * The step model: a Run executes a {@linkcode Plan} of {@linkcode Step}s for one resource, in
 * order, one change per Run, and returns a {@linkcode RunResult} that tells the controller what
 * to do next.
 *
 * @example
 * ```ts
 * import { modified, noModification, plan, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * interface App { metadata?: { name?: string }; status?: { ready?: boolean } }
 *
 * const steps = plan<App>().step({
 *   name: "check-ready",
 *   run: (context) =>
 *     context.resource.status?.ready
 *       ? noModification(true)
 *       : modified({ message: "marked ready", status: { ready: true } }),
 * });
 * const executor = new RunExecutor<App>({ client: {} as RestClient });
 * const app = { metadata: { name: "web", uid: "0b9c", resourceVersion: "7" }, status: { ready: true } };
 * const result = await executor.run(app, steps);
 * console.log(result.end); // in-sync
 * ```
 *
 * @module
 */

// Re-exported so the step model's public types are complete on their own.
export type * from "../client/_request_types.ts";
export type { RunContext } from "./context.ts";
export {
  InvalidPlanError,
  InvalidResourceError,
  PlanFailedError,
  RunAbortedError,
  StatusWriteError,
  StepFailedError,
  StepTimeoutError,
} from "./errors.ts";
export { RunExecutor, runPlan } from "./executor.ts";
export {
  DEFAULT_STEP_TIMEOUT_MS,
  type RunExecutorOptions,
  type RunOptions,
} from "./run_options.ts";
export { defaultLogger, type Logger } from "./logger.ts";
export type { RunObserver, StepInfo } from "./observer.ts";
export {
  blocked,
  type BlockedOptions,
  type BlockedOutcome,
  modified,
  type ModifiedOptions,
  type ModifiedOutcome,
  noModification,
  type NoModificationOptions,
  type NoModificationOutcome,
  type StepOutcome,
} from "./outcome.ts";
export { type Plan, plan, PlanBuilder } from "./plan.ts";
export type { Reconciler } from "./reconciler.ts";
export type {
  Namespaced,
  ResourceOf,
  RunMetadata,
  RunResource,
  Scoped,
  StatusOf,
  StatusPatch,
  Unscoped,
} from "./resource.ts";
export type {
  RunAction,
  RunEnd,
  RunError,
  RunResult,
  StatusWriteResult,
  StepResult,
  StepResultKind,
} from "./run_result.ts";
export type { AnyStep, Step, StepReturn } from "./step.ts";
