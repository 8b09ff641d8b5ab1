/**
 * The Run executor: runs one plan for one resource and says what the controller does next.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { NotCachedError, type ObjectCache } from "../controller/cache.ts";
import type { EventSink } from "../status/event_sink.ts";
import { checkResource, checkSteps, describe } from "./_checks.ts";
import { deepFreeze } from "./_freeze.ts";
import { Context, nextRunId } from "./_context.ts";
import { Run, type RunSettings } from "./_run.ts";
import { StepTimeouts } from "./_timeouts.ts";
import { InvalidPlanError, PlanFailedError } from "./errors.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import { type Plan, PlanBuilder } from "./plan.ts";
import type { Reconciler } from "./reconciler.ts";
import type { RunResource, Unscoped } from "./resource.ts";
import type { RunResult } from "./run_result.ts";
import { isTimerMs, MAX_TIMER_MS } from "../client/_timers.ts";
import {
  DEFAULT_STEP_TIMEOUT_MS,
  type RunExecutorOptions,
  type RunOptions,
} from "./run_options.ts";

/**
 * Runs plans, one Run per call, enforcing the step model's rules:
 * - steps run strictly in order, one at a time, each receiving the previous step's data;
 * - **one change per Run**: after a *modified* outcome no further step runs; the action is
 *   requeue (now, or after the outcome's `requeueAfterMs`);
 * - a *blocked* outcome ends the Run; the action is requeue-after its delay, else await-change;
 * - a step that throws, rejects or returns something that is not an outcome (or with an
 *   invalid `requeueAfterMs`, or a `status` that is not an object) ends the Run with a
 *   {@linkcode StepFailedError} naming the step and keeping the `cause`; retry-with-backoff;
 * - a step that does not settle within `stepTimeoutMs` ends the Run with a
 *   {@linkcode StepTimeoutError}; its `context.signal` is aborted; retry-with-backoff; whatever
 *   it settles with later (a rejection included) is ignored;
 * - best-effort status writes (the *allowed-to-fail exception*: the resource's own status,
 *   which nothing may depend on) run after their step, in order; a failure is logged and
 *   recorded in `statusWrites` and changes neither how the Run ends nor its action;
 * - an empty plan, or one where every step reported no modification, is *in sync*: the action
 *   is await-change (with `resyncAfterMs` when configured);
 * - shutdown (the executor's or the Run's `signal`) is checked before each step: the Run ends
 *   with a {@linkcode RunAbortedError} and the action abandon.
 *
 * Before the first step the resource's metadata is checked (`name`, `uid`, `resourceVersion`;
 * `generation` when it has a `spec`; `namespace` for a namespaced kind, known from the plan's
 * or the executor's resource token) and the resource is deeply frozen in place; then
 * `context.runStart` is read once. `run()` never rejects for anything a step, status writer,
 * observer or logger does; it rejects with {@linkcode InvalidPlanError} for a malformed plan or
 * option, and with {@linkcode InvalidResourceError} for a resource that lacks that metadata.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import { modified, noModification, plan, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * interface App { metadata?: { name?: string; uid?: string }; spec: { replicas: number } }
 *
 * const executor = new RunExecutor<App>({ client: {} as RestClient, stepTimeoutMs: 5_000 });
 * const steps = plan<App>()
 *   .step({ name: "read", run: (c) => noModification(c.resource.spec.replicas) })
 *   .step({ name: "scale", run: (_c, n) => n > 3 ? modified({ message: "scaled" }) : noModification(n) });
 * const app = {
 *   metadata: { name: "web", uid: "0b9c", resourceVersion: "7", generation: 1 },
 *   spec: { replicas: 5 },
 * };
 * const result = await executor.run(app, steps);
 * console.log(result.end, result.endedBy?.name, result.action.type); // modified scale requeue
 * ```
 */
export class RunExecutor<R> {
  /** The per-step timeout in milliseconds. */
  readonly stepTimeoutMs: number;
  /** The periodic resync delay for in-sync Runs, if any. */
  readonly resyncAfterMs: number | undefined;
  readonly #settings: RunSettings<R>;
  readonly #client: RestClient;
  readonly #signal: AbortSignal | undefined;
  readonly #resourceType: ResourceType<unknown> | undefined;
  readonly #cache: ObjectCache;
  readonly #events: EventSink;
  readonly #controller: string | undefined;

  /**
   * Creates an executor.
   *
   * @param options The client and optional settings.
   * @throws {InvalidPlanError} If an option is malformed: `stepTimeoutMs` not a number > 0
   * (`Infinity` allowed), `resyncAfterMs` not a finite number > 0, `stepTimings` not a boolean,
   * `signal` not an AbortSignal, `statusWriter`, `logger`, `cache` or `events` without their
   * methods, `controller` not a string.
   */
  constructor(options: RunExecutorOptions<R>) {
    if (typeof options !== "object" || options === null) {
      throw new InvalidPlanError(`RunExecutor options must be an object, got ${describe(options)}`);
    }
    const timeout = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    if (timeout !== Infinity && !isTimerMs(timeout, 0, true)) {
      throw new InvalidPlanError(
        `stepTimeoutMs must be a number in (0, ${MAX_TIMER_MS}] ms (Infinity disables it), got ${
          describe(timeout)
        }`,
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
    const observer = options.observer;
    // Read the clock only for someone who consumes the durations.
    const timings = options.stepTimings ??
      (observer?.aroundStep !== undefined || observer?.onStepFinished !== undefined ||
        observer?.onStatusWritten !== undefined || observer?.onRunFinished !== undefined);
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
    checkServices(options);
    this.stepTimeoutMs = timeout;
    this.resyncAfterMs = resync;
    this.#settings = {
      stepTimeoutMs: timeout,
      timings,
      eachStep: timings || observer?.onStepFinished !== undefined,
      statusWriter: options.statusWriter,
      logger,
      observer,
      inSyncAction: Object.freeze(
        resync === undefined
          ? { type: "await-change" }
          : { type: "await-change", resyncAfterMs: resync },
      ),
      timeouts: timeout === Infinity ? undefined : new StepTimeouts(timeout),
    };
    this.#client = options.client;
    this.#signal = options.signal;
    this.#resourceType = options.resourceType as ResourceType<unknown> | undefined;
    this.#cache = options.cache ?? NOT_CACHED;
    this.#events = options.events ?? loggingEventSink(logger);
    this.#controller = options.controller;
  }

  /**
   * Runs `plan` once for `resource`.
   *
   * @param resource The resource as just read; checked, then frozen in place before the first
   * step.
   * @param plan The initial data and steps (e.g. from {@linkcode plan}).
   * @param options Per-Run settings: an abort signal, id, client, cache, event sink or
   * controller name.
   * @returns The RunResult; the promise does not reject for anything a step does.
   * @throws {InvalidPlanError} (as a rejection) If a step has no name or no run function, two
   * steps share a name, or a per-Run option is malformed.
   * @throws {InvalidResourceError} (as a rejection) If the resource lacks the metadata a Run
   * relies on.
   *
   * @example
   * ```ts
   * import { blocked, plan, RunExecutor } from "@staircase/staircase";
   * import type { RestClient } from "@staircase/staircase/client";
   *
   * const executor = new RunExecutor({ client: {} as RestClient });
   * const result = await executor.run(
   *   { metadata: { name: "web", uid: "0b9c", resourceVersion: "7" } },
   *   plan().step({ name: "gate", run: () => blocked({ message: "not yet", requeueAfterMs: 500 }) }),
   * );
   * console.log(result.action); // { type: "requeue-after", requeueAfterMs: 500 }
   * ```
   */
  run<P extends R>(
    resource: NoInfer<Unscoped<P>>,
    plan: Plan<P>,
    options?: RunOptions,
  ): Promise<RunResult> {
    return this.#start(resource, plan, options, false);
  }

  /** Starts a Run; `stepsChecked`: the plan's steps were checked already (by reconcile). */
  #start<P extends R>(
    resource: NoInfer<Unscoped<P>>,
    plan: Plan<P>,
    options: RunOptions | undefined,
    stepsChecked: boolean,
  ): Promise<RunResult> {
    let run: Run<P>;
    try {
      // Builders check their steps as they are built; other plans are checked on every Run.
      if (!stepsChecked && !(plan instanceof PlanBuilder)) checkSteps(plan?.steps);
      const scope = (plan.resourceType ?? this.#resourceType)?.namespaced;
      checkResource(resource, scope);
      checkRunOptions(options);
      let shutdown = this.#signal;
      const runSignal = options?.signal;
      if (runSignal !== undefined) {
        shutdown = shutdown === undefined ? runSignal : AbortSignal.any([shutdown, runSignal]);
      }
      const context = new Context<P>(
        deepFreeze(resource) as RunResource<P>,
        options?.client ?? this.#client,
        options?.cache ?? this.#cache,
        options?.events ?? this.#events,
        options?.controller ?? this.#controller,
        options?.runId ?? nextRunId(),
        shutdown,
        this.#settings.logger,
      );
      // P extends R, so R's status writer and observer take P's resources; TypeScript cannot
      // see that through the conditional types of StatusOf and RunMetadata.
      const settings = this.#settings as unknown as RunSettings<P>;
      run = new Run<P>(settings, context, plan.steps, plan.initialData, shutdown);
    } catch (error) {
      return Promise.reject(error);
    }
    return run.start();
  }

  /**
   * Asks `reconciler` for the plan of `resource`, then runs it. A reconciler that throws, or
   * returns a malformed plan (e.g. two steps with one name), ends the Run with a
   * {@linkcode PlanFailedError} (its `cause` says why) and the action retry-with-backoff; the
   * observer hears of it through `onPlanFailed`.
   *
   * @param resource The resource as just read; checked and frozen in place before the
   * reconciler sees it.
   * @param reconciler Builds the plan.
   * @param options Per-Run settings (see {@linkcode RunOptions}).
   * @returns The RunResult.
   * @throws {InvalidResourceError} (as a rejection) If the resource lacks the metadata a Run
   * relies on.
   *
   * @example
   * ```ts
   * import { plan, RunExecutor, type Reconciler } from "@staircase/staircase";
   * import type { RestClient } from "@staircase/staircase/client";
   *
   * import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
   *
   * interface App { metadata?: ObjectMeta; spec: { paused: boolean } }
   * const reconciler: Reconciler<App> = { plan: (app) => app.spec.paused ? plan<App>() : plan<App>() };
   * const executor = new RunExecutor<App>({ client: {} as RestClient });
   * const result = await executor.reconcile({
   *   metadata: { name: "web", uid: "0b9c", resourceVersion: "7", generation: 1 },
   *   spec: { paused: false },
   * }, reconciler);
   * console.log(result.end); // in-sync
   * ```
   */
  async reconcile<P extends R>(
    resource: NoInfer<Unscoped<P>>,
    reconciler: Reconciler<P>,
    options?: RunOptions,
  ): Promise<RunResult> {
    checkResource(resource, this.#resourceType?.namespaced);
    const frozen = deepFreeze(resource) as RunResource<P>;
    let built: Plan<P>;
    try {
      built = await reconciler.plan(frozen);
      // A malformed plan is the reconciler's failure too (a builder refuses one while built).
      if (!(built instanceof PlanBuilder)) checkSteps(built?.steps);
    } catch (cause) {
      return this.#planFailed(frozen as RunResource<unknown> as RunResource<R>, cause, options);
    }
    return await this.#start(resource, built, options, true);
  }

  #planFailed(resource: RunResource<R>, cause: unknown, options?: RunOptions): RunResult {
    const error = new PlanFailedError(cause);
    const { logger, observer } = this.#settings;
    try {
      logger.warn(error.message, { error: cause });
    } catch {
      // A broken logger must not turn a failed Run into a rejection.
    }
    const runStart = Date.now();
    const result: RunResult = {
      runId: options?.runId ?? nextRunId(),
      runStart,
      durationMs: 0,
      end: "failed",
      controller: options?.controller ?? this.#controller,
      error,
      steps: [],
      statusWrites: [],
      action: { type: "retry-with-backoff", error },
    };
    try {
      const returned: unknown = observer?.onPlanFailed?.(result, resource);
      if (returned instanceof Promise) returned.catch(() => {});
    } catch {
      // Telemetry never changes a Run's result.
    }
    return result;
  }
}

/**
 * Runs `plan` once for `resource` with a one-off {@linkcode RunExecutor}. Prefer one executor per
 * controller when running many Runs.
 *
 * @typeParam R The resource type.
 * @param resource The resource as just read; checked and frozen in place before the first step.
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
 *   { metadata: { name: "web", uid: "0b9c", resourceVersion: "7" } },
 *   plan().initial(1).step({ name: "noop", run: (_c, n) => noModification(n) }),
 *   { client: {} as RestClient },
 * );
 * console.log(result.end); // in-sync
 * ```
 */
export function runPlan<R>(
  resource: NoInfer<Unscoped<R>>,
  plan: Plan<R>,
  options: RunExecutorOptions<R> & RunOptions,
): Promise<RunResult> {
  const executor = new RunExecutor<R>(options);
  return executor.run(resource, plan, { runId: options.runId });
}

/** The cache of Runs without a controller: every kind is uncached. */
const NOT_CACHED: ObjectCache = Object.freeze({
  get(resource: ResourceType<unknown>): never {
    throw new NotCachedError(resource?.apiVersion, resource?.kind);
  },
  list(resource: ResourceType<unknown>): never {
    throw new NotCachedError(resource?.apiVersion, resource?.kind);
  },
});

/** The event sink of Runs without a controller: logs each event at debug level. */
function loggingEventSink(logger: Logger): EventSink {
  return {
    record(event) {
      try {
        logger.debug("event (no event recorder configured)", { event });
      } catch {
        // An event sink never throws.
      }
    },
  };
}

function isLogger(logger: Logger | undefined): boolean {
  return typeof logger?.debug === "function" && typeof logger.info === "function" &&
    typeof logger.warn === "function" && typeof logger.error === "function";
}

/** Checks the services an executor or a Run may be given. */
function checkServices(options: RunOptions | RunExecutorOptions<never>): void {
  const { cache, events, controller } = options;
  if (
    cache !== undefined && (typeof cache?.get !== "function" || typeof cache.list !== "function")
  ) {
    throw new InvalidPlanError("cache must have get and list methods");
  }
  if (events !== undefined && typeof events?.record !== "function") {
    throw new InvalidPlanError("events must have a record method");
  }
  if (controller !== undefined && typeof controller !== "string") {
    throw new InvalidPlanError(`controller must be a string, got ${describe(controller)}`);
  }
}

function checkRunOptions(options: RunOptions | undefined): void {
  if (options === undefined) return;
  const { runId, signal, client } = options;
  if (client !== undefined && typeof client?.performRequest !== "function") {
    throw new InvalidPlanError("client must have a performRequest method");
  }
  if (runId !== undefined && (typeof runId !== "string" || runId === "")) {
    throw new InvalidPlanError(`runId must be a non-empty string, got ${describe(runId)}`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidPlanError(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  checkServices(options);
}
