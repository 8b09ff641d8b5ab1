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
 * interface App { metadata: { name: string }; status?: { ready?: boolean } }
 *
 * const steps = plan<App>()
 *   .initial(undefined)
 *   .step({
 *     name: "check-ready",
 *     run: (context) =>
 *       Promise.resolve(
 *         context.resource.status?.ready
 *           ? noModification(true)
 *           : modified({ reason: "marked ready", status: { ready: true } }),
 *       ),
 *   });
 * const executor = new RunExecutor<App>({ client: {} as RestClient });
 * const result = await executor.run({ metadata: { name: "web" }, status: { ready: true } }, steps);
 * console.log(result.reason); // in-sync
 * ```
 *
 * @module
 */

// Re-exported so the step model's public types are complete on their own.
export type {
  HttpMethod,
  JSONArray,
  JSONObject,
  JSONPrimitive,
  JSONValue,
  RequestOptions,
  RestClient,
} from "../client/contract.ts";
export type { RunContext } from "./context.ts";
export {
  InvalidPlanError,
  PlanFailedError,
  RunAbortedError,
  StatusWriteError,
  StepFailedError,
  StepTimeoutError,
} from "./errors.ts";
export {
  DEFAULT_STEP_TIMEOUT_MS,
  RunExecutor,
  type RunExecutorOptions,
  type RunOptions,
  runPlan,
} from "./executor.ts";
export { defaultLogger, type Logger } from "./logger.ts";
export type { RunObserver } from "./observer.ts";
export {
  modified,
  type ModifiedOptions,
  type ModifiedOutcome,
  noModification,
  type NoModificationOptions,
  type NoModificationOutcome,
  type StepOutcome,
  wait,
  type WaitOptions,
  type WaitOutcome,
} from "./outcome.ts";
export { type Plan, plan, PlanBuilder } from "./plan.ts";
export type { Reconciler } from "./reconciler.ts";
export type {
  RunAction,
  RunEndReason,
  RunError,
  RunResult,
  StatusWriteResult,
  StepResult,
  StepResultKind,
} from "./run_result.ts";
export {
  MergePatchStatusWriter,
  type ObjectIdentity,
  type StatusTarget,
  type StatusWriteOptions,
  type StatusWriter,
} from "./status_writer.ts";
export type { AnyStep, Step } from "./step.ts";
