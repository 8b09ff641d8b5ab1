/**
 * The errors the step model reports.
 *
 * @module
 */

import { messageOf } from "./_checks.ts";

/**
 * A step threw or its promise rejected (or it returned something that is not a StepOutcome).
 * The Run ended there; the controller retries with backoff.
 *
 * @example
 * ```ts
 * import { StepFailedError } from "@staircase/staircase";
 *
 * const error = new StepFailedError("ensure-secret", 2, new Error("403 Forbidden"));
 * console.log(error.message); // step "ensure-secret" (#2) failed: 403 Forbidden
 * console.log((error.cause as Error).message); // 403 Forbidden
 * ```
 */
export class StepFailedError extends Error {
  /** The failing step's name. */
  readonly stepName: string;
  /** The failing step's position in the plan (0-based). */
  readonly stepIndex: number;

  /**
   * Creates the error.
   *
   * @param stepName The failing step's name.
   * @param stepIndex Its position in the plan.
   * @param cause What the step threw or rejected with.
   */
  constructor(stepName: string, stepIndex: number, cause: unknown) {
    super(`step "${stepName}" (#${stepIndex}) failed: ${messageOf(cause)}`, { cause });
    this.name = "StepFailedError";
    this.stepName = stepName;
    this.stepIndex = stepIndex;
  }
}

/**
 * A step did not settle within the per-step timeout. Its `context.signal` was aborted with this
 * error as the reason; whatever it settles with later is ignored. The controller retries with
 * backoff.
 *
 * @example
 * ```ts
 * import { StepTimeoutError } from "@staircase/staircase";
 *
 * const error = new StepTimeoutError("wait-for-api", 0, 30_000);
 * console.log(error.message); // step "wait-for-api" (#0) did not settle within 30000 ms
 * ```
 */
export class StepTimeoutError extends Error {
  /** The step's name. */
  readonly stepName: string;
  /** The step's position in the plan (0-based). */
  readonly stepIndex: number;
  /** The timeout that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Creates the error.
   *
   * @param stepName The step's name.
   * @param stepIndex Its position in the plan.
   * @param timeoutMs The timeout that was exceeded.
   */
  constructor(stepName: string, stepIndex: number, timeoutMs: number) {
    super(`step "${stepName}" (#${stepIndex}) did not settle within ${timeoutMs} ms`);
    this.name = "StepTimeoutError";
    this.stepName = stepName;
    this.stepIndex = stepIndex;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The Run's shutdown signal was aborted: the Run stopped before `stepName` ran (or `stepName`
 * failed after the signal fired). The controller abandons the Run.
 *
 * @example
 * ```ts
 * import { RunAbortedError } from "@staircase/staircase";
 *
 * const error = new RunAbortedError("apply", 1, "shutdown");
 * console.log(error.message); // Run aborted at step "apply" (#1): shutdown
 * ```
 */
export class RunAbortedError extends Error {
  /** The step that was about to run, or was running. */
  readonly stepName: string;
  /** Its position in the plan (0-based). */
  readonly stepIndex: number;
  /** The signal's reason. */
  readonly reason: unknown;

  /**
   * Creates the error.
   *
   * @param stepName The step that was about to run, or was running.
   * @param stepIndex Its position in the plan.
   * @param reason The signal's abort reason.
   * @param cause What the running step rejected with, if anything.
   */
  constructor(stepName: string, stepIndex: number, reason: unknown, cause?: unknown) {
    super(
      `Run aborted at step "${stepName}" (#${stepIndex}): ${messageOf(reason)}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = "RunAbortedError";
    this.stepName = stepName;
    this.stepIndex = stepIndex;
    this.reason = reason;
  }
}

/**
 * A best-effort status write failed (or timed out, or no StatusWriter was configured). It is
 * logged and recorded in the RunResult's `statusWrites`; it never fails the Run.
 *
 * @example
 * ```ts
 * import { StatusWriteError } from "@staircase/staircase";
 *
 * const error = new StatusWriteError("report-ready", 3, new Error("409 Conflict"));
 * console.log(error.message); // status write after step "report-ready" (#3) failed: 409 Conflict
 * ```
 */
export class StatusWriteError extends Error {
  /** The step whose outcome carried the status. */
  readonly stepName: string;
  /** Its position in the plan (0-based). */
  readonly stepIndex: number;

  /**
   * Creates the error.
   *
   * @param stepName The step whose outcome carried the status.
   * @param stepIndex Its position in the plan.
   * @param cause Why the write failed.
   */
  constructor(stepName: string, stepIndex: number, cause: unknown) {
    super(`status write after step "${stepName}" (#${stepIndex}) failed: ${messageOf(cause)}`, {
      cause,
    });
    this.name = "StatusWriteError";
    this.stepName = stepName;
    this.stepIndex = stepIndex;
  }
}

/**
 * A plan or executor option is malformed (a step without a name or `run`, a bad timeout...).
 * This is a programming error: the executor throws it instead of returning a RunResult.
 *
 * @example
 * ```ts
 * import { InvalidPlanError, plan } from "@staircase/staircase";
 *
 * try {
 *   // @ts-expect-error: a step needs a run function
 *   plan().step({ name: "broken" });
 * } catch (error) {
 *   console.log(error instanceof InvalidPlanError); // true
 * }
 * ```
 */
export class InvalidPlanError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "InvalidPlanError";
  }
}

/**
 * The resource handed to the executor lacks metadata every Run relies on (`metadata.name`,
 * `uid`, `resourceVersion`; `generation` when it has a `spec`; `namespace` for a namespaced
 * kind). Objects read from the API server always have them, so this is a programming error: the
 * executor rejects with it instead of returning a RunResult.
 *
 * @example
 * ```ts
 * import { InvalidResourceError, plan, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const executor = new RunExecutor({ client: {} as RestClient });
 * try {
 *   await executor.run({ metadata: { name: "web" } }, plan());
 * } catch (error) {
 *   console.log(error instanceof InvalidResourceError); // true: no uid, no resourceVersion
 * }
 * ```
 */
export class InvalidResourceError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is missing.
   */
  constructor(message: string) {
    super(message);
    this.name = "InvalidResourceError";
  }
}

/**
 * The {@linkcode Reconciler} threw while building the plan. The controller retries with backoff.
 *
 * @example
 * ```ts
 * import { PlanFailedError } from "@staircase/staircase";
 *
 * const error = new PlanFailedError(new Error("spec.size missing"));
 * console.log(error.message); // the reconciler failed to build a plan: spec.size missing
 * ```
 */
export class PlanFailedError extends Error {
  /**
   * Creates the error.
   *
   * @param cause What the reconciler threw.
   */
  constructor(cause: unknown) {
    super(`the reconciler failed to build a plan: ${messageOf(cause)}`, { cause });
    this.name = "PlanFailedError";
  }
}
