/**
 * The Run executor: runs one plan for one resource and says what the controller does next.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import { checkSteps } from "./_check_step.ts";
import { deepFreeze } from "./_freeze.ts";
import { ActiveRun, type ExecutorCore } from "./_active_run.ts";
import { nextRunId } from "./_run_context.ts";
import { describe } from "./_validate.ts";
import { InvalidPlanError, PlanFailedError } from "./errors.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import type { RunObserver } from "./observer.ts";
import { type Plan, PlanBuilder } from "./plan.ts";
import type { Reconciler } from "./reconciler.ts";
import type { RunAction, RunResult } from "./run_result.ts";
import type { StatusWriter } from "./status_writer.ts";

/**
 * The default per-step timeout: 30 seconds.
 *
 * @example
 * ```ts
 * import { DEFAULT_STEP_TIMEOUT_MS } from "@staircase/staircase";
 *
 * console.log(DEFAULT_STEP_TIMEOUT_MS); // 30000
 * ```
 */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

/**
 * Settings of a {@linkcode RunExecutor}.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import type { RunExecutorOptions } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const options: RunExecutorOptions<unknown> = {
 *   client: {} as RestClient,
 *   stepTimeoutMs: 10_000,
 *   resyncAfterMs: 300_000,
 * };
 * console.log(options.stepTimeoutMs);
 * ```
 */
export interface RunExecutorOptions<R> {
  /** The client handed to steps as `context.client`. */
  readonly client: RestClient;
  /**
   * How long one step (or one status write) may take before the Run ends with a
   * StepTimeoutError and the step's signal is aborted. Default
   * {@linkcode DEFAULT_STEP_TIMEOUT_MS}; `Infinity` disables it.
   */
  readonly stepTimeoutMs?: number;
  /**
   * When set (a finite number > 0), an in-sync (or waiting without delay) Run's action carries
   * this periodic resync delay: `{ type: "await-change", resyncAfterMs }`.
   */
  readonly resyncAfterMs?: number;
  /** Writes the statuses outcomes carry. Without it such writes are recorded as failed. */
  readonly statusWriter?: StatusWriter<R>;
  /** Where the executor logs; default `defaultLogger(["run"])` (LogTape `["staircase", "run"]`). */
  readonly logger?: Logger;
  /** Shutdown: checked before every step and linked to every `context.signal`. */
  readonly signal?: AbortSignal;
  /** Telemetry callbacks (spans, histograms). */
  readonly observer?: RunObserver<R>;
  /**
   * Record per-step durations (default `true`). `false` saves the clock readings (one per step
   * and status write); all durations are then `NaN`, and per-step timeouts are enforced by
   * sampling, up to a quarter of the timeout late.
   */
  readonly stepTimings?: boolean;
}

/**
 * Per-Run options of {@linkcode RunExecutor.run}.
 *
 * @example
 * ```ts
 * import type { RunOptions } from "@staircase/staircase";
 *
 * const options: RunOptions = { runId: "manual-1", signal: AbortSignal.timeout(60_000) };
 * console.log(options.runId);
 * ```
 */
export interface RunOptions {
  /** Aborts this Run only (in addition to the executor's signal). */
  readonly signal?: AbortSignal;
  /** Use this id instead of a generated one. */
  readonly runId?: string;
}

/**
 * Runs plans, one Run per call, enforcing the step model's rules:
 * - steps run strictly in order, one at a time, each receiving the previous step's data;
 * - **one change per Run**: after a *modified* outcome no further step runs; the action is
 *   requeue (now, or after the outcome's delay);
 * - a *wait* outcome ends the Run; the action is requeue-after its delay, else await-change;
 * - a step that throws, rejects or resolves with something that is not an outcome (or with an
 *   invalid `requeueAfterMs`, or a `status` that is not an object) ends the Run with a
 *   {@linkcode StepFailedError} naming the step and keeping the `cause`; the action is
 *   retry-with-backoff;
 * - a step that does not settle within `stepTimeoutMs` ends the Run with a
 *   {@linkcode StepTimeoutError}; its `context.signal` is aborted; retry-with-backoff; whatever
 *   it settles with later (a rejection included) is ignored;
 * - best-effort status writes (the *allowed-to-fail exception*: the resource's own status,
 *   which nothing may depend on) run after their step, in order; a failure is logged and
 *   recorded in `statusWrites` and changes neither the Run's reason nor its action;
 * - an empty plan, or one where every step reported no modification, is *in sync*: the action
 *   is await-change (with `resyncAfterMs` when configured);
 * - shutdown (the executor's or the Run's `signal`) is checked before each step: the Run ends
 *   with a {@linkcode RunAbortedError} and the action abandon.
 *
 * The resource is deeply frozen (in place, once per object; partly frozen, cyclic and deeply
 * nested objects included) before the first step, and `context.runStart` is read once.
 * `run()` never rejects for anything a step, status writer, observer or logger does; it rejects
 * with {@linkcode InvalidPlanError} only for a malformed plan (a step without a name or `run`,
 * two steps with one name) or a bad `runId`.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import { modified, noModification, plan, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * interface App { metadata: { name: string }; spec: { replicas: number } }
 *
 * const executor = new RunExecutor<App>({ client: {} as RestClient, stepTimeoutMs: 5_000 });
 * const steps = plan<App>()
 *   .step({ name: "read", run: (c) => Promise.resolve(noModification(c.resource.spec.replicas)) })
 *   .step({ name: "scale", run: (_c, n) => Promise.resolve(n > 3 ? modified() : noModification(n)) });
 * const result = await executor.run({ metadata: { name: "web" }, spec: { replicas: 5 } }, steps);
 * console.log(result.reason, result.endedBy?.name, result.action.type); // modified scale requeue
 * ```
 */
export class RunExecutor<R> {
  /** The per-step timeout in milliseconds. */
  readonly stepTimeoutMs: number;
  /** The periodic resync delay for in-sync Runs, if any. */
  readonly resyncAfterMs: number | undefined;
  readonly #core: ExecutorCore<R>;
  readonly #signal: AbortSignal | undefined;

  /**
   * Creates an executor.
   *
   * @param options The client and optional settings.
   * @throws {InvalidPlanError} If `options` is not an object, `stepTimeoutMs` is not a number
   * > 0 (`Infinity` allowed), `resyncAfterMs` is not a finite number > 0, `stepTimings` is not
   * a boolean, `signal` is not an AbortSignal, or `statusWriter` / `logger` lack their methods.
   */
  constructor(options: RunExecutorOptions<R>) {
    if (typeof options !== "object" || options === null) {
      throw new InvalidPlanError(`RunExecutor options must be an object, got ${describe(options)}`);
    }
    const timeout = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    if (typeof timeout !== "number" || !(timeout > 0)) {
      throw new InvalidPlanError(
        `stepTimeoutMs must be a number > 0 (Infinity disables it), got ${describe(timeout)}`,
      );
    }
    const resync = options.resyncAfterMs;
    if (
      resync !== undefined &&
      (typeof resync !== "number" || !Number.isFinite(resync) || resync <= 0)
    ) {
      // 0 would re-run every in-sync resource at once, forever.
      throw new InvalidPlanError(
        `resyncAfterMs must be a finite number > 0, got ${describe(resync)}`,
      );
    }
    const timings = options.stepTimings ?? true;
    if (typeof timings !== "boolean") {
      throw new InvalidPlanError(`stepTimings must be a boolean, got ${describe(timings)}`);
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new InvalidPlanError(`signal must be an AbortSignal, got ${describe(options.signal)}`);
    }
    if (options.statusWriter !== undefined && typeof options.statusWriter?.write !== "function") {
      throw new InvalidPlanError(
        "statusWriter must have a write(resource, status, options) method",
      );
    }
    const logger = options.logger ?? defaultLogger(["run"]);
    if (!isLogger(logger)) {
      throw new InvalidPlanError("logger must have debug, info, warn and error methods");
    }
    this.stepTimeoutMs = timeout;
    this.resyncAfterMs = resync;
    const inSyncAction: RunAction = Object.freeze(
      resync === undefined
        ? { type: "await-change" }
        : { type: "await-change", resyncAfterMs: resync },
    );
    this.#core = {
      client: options.client,
      stepTimeoutMs: timeout,
      stepTimings: timings,
      statusWriter: options.statusWriter,
      logger,
      observer: options.observer,
      inSyncAction,
    };
    this.#signal = options.signal;
  }

  /**
   * Runs `plan` once for `resource`.
   *
   * @param resource The resource as just read; frozen in place before the first step.
   * @param plan The initial data and steps (e.g. from {@linkcode plan}).
   * @param options A per-Run abort signal or id.
   * @returns The RunResult; the promise does not reject for anything a step does.
   * @throws {InvalidPlanError} (as a rejection) If a step has no name or no run function, two
   * steps share a name, `options.runId` is not a non-empty string or `options.signal` is not an
   * AbortSignal.
   *
   * @example
   * ```ts
   * import { plan, RunExecutor, wait } from "@staircase/staircase";
   * import type { RestClient } from "@staircase/staircase/client";
   *
   * const executor = new RunExecutor({ client: {} as RestClient });
   * const result = await executor.run(
   *   {},
   *   plan().step({ name: "gate", run: () => Promise.resolve(wait({ reason: "not yet", requeueAfterMs: 500 })) }),
   * );
   * console.log(result.action); // { type: "requeue-after", delayMs: 500 }
   * ```
   */
  run(resource: R, plan: Plan<R>, options?: RunOptions): Promise<RunResult> {
    const steps = plan?.steps;
    const runId = options?.runId;
    const runSignal = options?.signal;
    try {
      // Builders check their steps as they are built; other plans are checked on every Run.
      if (!(plan instanceof PlanBuilder)) checkSteps(steps);
      if (runId !== undefined && (typeof runId !== "string" || runId === "")) {
        throw new InvalidPlanError(`runId must be a non-empty string, got ${describe(runId)}`);
      }
      if (runSignal !== undefined && !(runSignal instanceof AbortSignal)) {
        throw new InvalidPlanError(`signal must be an AbortSignal, got ${describe(runSignal)}`);
      }
      resource = deepFreeze(resource);
    } catch (error) {
      return Promise.reject(error);
    }
    let shutdown = this.#signal;
    if (runSignal !== undefined) {
      shutdown = shutdown === undefined ? runSignal : AbortSignal.any([shutdown, runSignal]);
    }
    const run = new ActiveRun<R>(
      this.#core,
      resource,
      steps,
      plan.initialData,
      shutdown,
      runId,
    );
    return run.start();
  }

  /**
   * Asks `reconciler` for the plan of `resource`, then runs it. A reconciler that throws, or
   * returns a malformed plan (e.g. two steps with one name), ends the Run with a
   * {@linkcode PlanFailedError} (its `cause` says why) and the action retry-with-backoff.
   *
   * @param resource The resource as just read; frozen in place before the reconciler sees it.
   * @param reconciler Builds the plan.
   * @param options A per-Run abort signal or id.
   * @returns The RunResult.
   *
   * @example
   * ```ts
   * import { plan, RunExecutor, type Reconciler } from "@staircase/staircase";
   * import type { RestClient } from "@staircase/staircase/client";
   *
   * const reconciler: Reconciler<{ spec: { paused: boolean } }> = {
   *   plan: () => plan(),
   * };
   * const executor = new RunExecutor<{ spec: { paused: boolean } }>({ client: {} as RestClient });
   * const result = await executor.reconcile({ spec: { paused: false } }, reconciler);
   * console.log(result.reason); // in-sync
   * ```
   */
  async reconcile(
    resource: R,
    reconciler: Reconciler<R>,
    options?: RunOptions,
  ): Promise<RunResult> {
    let frozen: R;
    let built: Plan<R>;
    try {
      frozen = deepFreeze(resource);
      built = await reconciler.plan(frozen);
      // A malformed plan is the reconciler's failure too (a builder refuses one while built).
      if (!(built instanceof PlanBuilder)) checkSteps(built?.steps);
    } catch (cause) {
      const error = new PlanFailedError(cause);
      try {
        this.#core.logger.warn(error.message, { error: cause });
      } catch {
        // A broken logger must not turn a failed Run into a rejection.
      }
      return {
        runId: options?.runId ?? nextRunId(),
        runStart: Date.now(),
        durationMs: 0,
        reason: "failed",
        error,
        steps: [],
        statusWrites: [],
        action: { type: "retry-with-backoff", error },
      };
    }
    return await this.run(frozen, built, options);
  }
}

/**
 * Runs `plan` once for `resource` with a one-off {@linkcode RunExecutor}. Prefer one executor per
 * controller when running many Runs.
 *
 * @typeParam R The resource type.
 * @param resource The resource as just read; frozen in place before the first step.
 * @param plan The initial data and steps.
 * @param options Executor settings plus per-Run options.
 * @returns The RunResult.
 *
 * @example
 * ```ts
 * import { noModification, plan, runPlan } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const result = await runPlan(
 *   { metadata: { name: "web" } },
 *   plan().initial(1).step({ name: "noop", run: (_c, n) => Promise.resolve(noModification(n)) }),
 *   { client: {} as RestClient },
 * );
 * console.log(result.reason); // in-sync
 * ```
 */
export function runPlan<R>(
  resource: R,
  plan: Plan<R>,
  options: RunExecutorOptions<R> & RunOptions,
): Promise<RunResult> {
  const executor = new RunExecutor<R>(options);
  return executor.run(resource, plan, { runId: options.runId });
}

function isLogger(logger: Logger | undefined): boolean {
  return typeof logger?.debug === "function" && typeof logger.info === "function" &&
    typeof logger.warn === "function" && typeof logger.error === "function";
}
