// Internal: the state machine of one Run.
//
// The Run is an async loop awaiting each step. The Run's result travels through a separate
// promise, so the shared watchdog (see _watchdog.ts) can end a Run whose step is still pending,
// without a Promise.race and a timer per step; the loop notices on resumption and stops. The
// hot path per step is: call run(), await it, read the clock once, push one StepResult.

import type { RestClient } from "../client/contract.ts";
import { RunAbortedError, StatusWriteError, StepFailedError, StepTimeoutError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { RunObserver } from "./observer.ts";
import type { StepOutcome } from "./outcome.ts";
import type {
  RunAction,
  RunEndReason,
  RunError,
  RunResult,
  StatusWriteResult,
  StepResult,
  StepResultKind,
} from "./run_result.ts";
import type { AnyStep } from "./step.ts";
import type { StatusWriter } from "./status_writer.ts";
import { checkDelay, describe } from "./_validate.ts";
import { Context, type ContextOwner } from "./_run_context.ts";
import { LazyRunResult } from "./_run_result.ts";
import { unwatch, watch, type Watched } from "./_watchdog.ts";

/** The executor settings a Run reads. */
export interface ExecutorCore<R> {
  readonly client: RestClient;
  readonly stepTimeoutMs: number;
  readonly stepTimings: boolean;
  readonly statusWriter: StatusWriter<R> | undefined;
  readonly logger: Logger;
  readonly observer: RunObserver<R> | undefined;
  readonly inSyncAction: RunAction;
}

const REQUEUE: RunAction = Object.freeze({ type: "requeue" });
const ABANDON: RunAction = Object.freeze({ type: "abandon" });
const NO_WRITES: readonly StatusWriteResult[] = Object.freeze([]);

const RUNNING = 0;
const WRITING = 1;
const DONE = 2;

/** One Run in progress. */
export class ActiveRun<R> implements Watched, ContextOwner {
  readonly core: ExecutorCore<R>;
  readonly steps: readonly AnyStep<R>[];
  readonly initial: unknown;
  readonly context: Context<R>;
  readonly shutdown: AbortSignal | undefined;
  readonly timed: boolean;
  readonly timeoutMs: number;
  readonly baseLogger: Logger;
  readonly t0: number;
  /** The current step's (or status write's) start, when timed. */
  t: number;
  progress = 0;
  seenProgress = -1;
  seenAt = 0;
  watchPrev: Watched | undefined = undefined;
  watchNext: Watched | undefined = undefined;
  index = 0;
  phase = RUNNING;
  /** How many steps ran, how the last one ended, and (timed) their durations. */
  ran = 0;
  lastKind: StepResultKind = "no-modification";
  readonly durations: number[] | undefined;
  writes: StatusWriteResult[] | undefined = undefined;
  resolve: (result: RunResult) => void = noop;
  controller: AbortController | undefined = undefined;
  abortReason: unknown = undefined;
  onShutdown: (() => void) | undefined = undefined;
  writeController: AbortController | undefined = undefined;
  writeExpired: ((cause: unknown) => void) | undefined = undefined;

  constructor(
    core: ExecutorCore<R>,
    resource: R,
    steps: readonly AnyStep<R>[],
    initial: unknown,
    shutdown: AbortSignal | undefined,
    runId: string | undefined,
  ) {
    this.core = core;
    this.steps = steps;
    this.initial = initial;
    this.shutdown = shutdown;
    this.timed = core.stepTimings;
    this.timeoutMs = core.stepTimeoutMs;
    this.baseLogger = core.logger;
    // The one clock reading every step shares, taken before the first step.
    this.context = new Context(this, resource, core.client, Date.now(), runId);
    this.durations = this.timed ? [] : undefined;
    this.t0 = this.t = this.timed ? performance.now() : NaN;
  }

  /** Runs the plan; the promise never rejects. */
  start(): Promise<RunResult> {
    const promise = new Promise<RunResult>((resolve) => this.resolve = resolve);
    const observer = this.core.observer;
    if (observer?.onRunStarted) this.notify(() => observer.onRunStarted!(this.context));
    if (this.timeoutMs !== Infinity) watch(this);
    this.loop();
    return promise;
  }

  /** The context's signal, made on first use and linked to the shutdown signal. */
  signal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = this.controller = new AbortController();
      const shutdown = this.shutdown;
      if (this.abortReason !== undefined) controller.abort(this.abortReason);
      else if (shutdown !== undefined) {
        if (shutdown.aborted) controller.abort(shutdown.reason);
        else if (this.phase !== DONE) {
          const linked = controller;
          this.onShutdown = () => linked.abort(shutdown.reason);
          shutdown.addEventListener("abort", this.onShutdown, { once: true });
        }
      }
    }
    return controller.signal;
  }

  /**
   * The Run itself. After every await it checks `phase`: the watchdog may have ended the Run
   * (timeout) while a step was pending, in which case the late settlement is ignored.
   */
  async loop(): Promise<void> {
    try {
      const steps = this.steps;
      const count = steps.length;
      const context = this.context;
      const timed = this.timed;
      const observer = this.core.observer;
      let data = this.initial;
      for (let i = 0; i < count; i++) {
        const shutdown = this.shutdown;
        if (shutdown !== undefined && shutdown.aborted) {
          const error = new RunAbortedError(steps[i].name, i, shutdown.reason);
          this.finish("aborted", i, ABANDON, error, undefined);
          return;
        }
        const step = steps[i];
        this.index = i;
        this.progress++;
        if (observer?.onStepStarted) {
          this.notify(() => observer.onStepStarted!(step.name, i, context));
        }
        let value: unknown;
        try {
          value = await step.run(context, data as never);
        } catch (error) {
          if (this.phase === RUNNING) this.fail(step.name, i, timed ? this.lap() : NaN, error);
          return;
        }
        if (this.phase !== RUNNING) return; // ended by the watchdog meanwhile
        const d = timed ? this.lap() : NaN;
        if (value === null || typeof value !== "object") {
          this.fail(
            step.name,
            i,
            d,
            new TypeError(`resolved with ${describe(value)}, not a StepOutcome`),
          );
          return;
        }
        const outcome = value as StepOutcome<unknown>;
        const kind = outcome.kind;
        if (kind === "no-modification") {
          this.record(step.name, i, kind, d);
          if (outcome.status !== undefined) {
            await this.writeStatus(outcome.status, step.name, i);
            if (this.phase !== RUNNING) return;
          }
          data = outcome.data;
          continue;
        }
        if (kind !== "modified" && kind !== "wait") {
          this.fail(
            step.name,
            i,
            d,
            new TypeError(`resolved with ${describe(value)}, not a StepOutcome`),
          );
          return;
        }
        const delay = outcome.requeueAfterMs;
        try {
          checkDelay(delay);
        } catch (error) {
          this.fail(step.name, i, d, error);
          return;
        }
        this.record(step.name, i, kind, d);
        const action: RunAction = delay !== undefined
          ? { type: "requeue-after", delayMs: delay }
          : kind === "modified"
          ? REQUEUE
          : this.core.inSyncAction;
        const detail = typeof outcome.reason === "string" ? outcome.reason : undefined;
        if (outcome.status !== undefined) {
          await this.writeStatus(outcome.status, step.name, i);
          if (this.phase !== RUNNING) return;
        }
        this.finish(kind, i, action, undefined, detail);
        return;
      }
      this.finish("in-sync", -1, this.core.inSyncAction, undefined, undefined);
    } catch (error) {
      // A bug in the executor itself must end the Run, never leave it hanging.
      this.internalError(error);
    }
  }

  /** Time since the last lap (a step's or status write's duration); starts the next lap. */
  lap(): number {
    const now = performance.now();
    const d = now - this.t;
    this.t = now;
    return d;
  }

  fail(name: string, i: number, d: number, cause: unknown): void {
    const shutdown = this.shutdown;
    if (shutdown !== undefined && shutdown.aborted) {
      this.record(name, i, "aborted", d);
      const error = new RunAbortedError(name, i, shutdown.reason, cause);
      this.finish("aborted", i, ABANDON, error, undefined);
      return;
    }
    this.record(name, i, "failed", d);
    const error = new StepFailedError(name, i, cause);
    this.core.logger.warn(error.message, { runId: this.context.runId, step: name, error: cause });
    this.finish("failed", i, { type: "retry-with-backoff", error }, error, undefined);
  }

  /** Called by the watchdog when the current step or status write exceeded the timeout. */
  expire(): void {
    if (this.phase === WRITING) {
      const cause = new DOMException(
        `status write did not settle within ${this.timeoutMs} ms`,
        "TimeoutError",
      );
      this.writeController?.abort(cause);
      this.writeExpired?.(cause);
      return;
    }
    if (this.phase !== RUNNING) return;
    const i = this.index;
    const name = this.steps[i].name;
    const error = new StepTimeoutError(name, i, this.timeoutMs);
    this.record(name, i, "timed-out", this.timed ? this.lap() : NaN);
    this.abortReason = error;
    this.controller?.abort(error);
    this.core.logger.warn(error.message, { runId: this.context.runId, step: name });
    this.finish("timed-out", i, { type: "retry-with-backoff", error }, error, undefined);
  }

  record(name: string, index: number, kind: StepResultKind, durationMs: number): void {
    this.ran = index + 1;
    this.lastKind = kind;
    this.durations?.push(durationMs);
    const observer = this.core.observer;
    if (observer?.onStepFinished) {
      const result: StepResult = { name, index, kind, durationMs };
      this.notify(() => observer.onStepFinished!(result, this.context));
    }
  }

  /** Writes a status best effort: records the result, never throws. */
  async writeStatus(status: object, stepName: string, stepIndex: number): Promise<void> {
    this.phase = WRITING;
    this.progress++;
    const writer = this.core.statusWriter;
    let cause: unknown;
    let failed = true;
    if (writer === undefined) {
      cause = new Error("no StatusWriter is configured (RunExecutorOptions.statusWriter)");
    } else {
      const controller = new AbortController();
      this.writeController = controller;
      const signal = this.shutdown === undefined
        ? controller.signal
        : AbortSignal.any([controller.signal, this.shutdown]);
      const options = { signal, runId: this.context.runId, stepName };
      const resource = this.context.resource;
      // Settled by the write, or by the watchdog on timeout (whichever comes first).
      [failed, cause] = await new Promise<[boolean, unknown]>((resolve) => {
        this.writeExpired = (reason) => resolve([true, reason]);
        try {
          Promise.resolve(writer.write(resource, status, options)).then(
            () => resolve([false, undefined]),
            (error) => resolve([true, error]),
          );
        } catch (error) {
          resolve([true, error]);
        }
      });
      this.writeController = undefined;
      this.writeExpired = undefined;
    }
    const d = this.timed ? this.lap() : NaN;
    const error = failed ? new StatusWriteError(stepName, stepIndex, cause) : undefined;
    const write: StatusWriteResult = { stepName, stepIndex, ok: !failed, durationMs: d, error };
    (this.writes ??= []).push(write);
    if (error !== undefined) {
      // Best effort by design: the next Run starts from observed state anyway.
      this.core.logger.warn(error.message, {
        runId: this.context.runId,
        step: stepName,
        error: cause,
      });
    }
    const observer = this.core.observer;
    if (observer?.onStatusWritten) {
      this.notify(() => observer.onStatusWritten!(write, this.context));
    }
    this.phase = RUNNING;
    this.progress++;
  }

  finish(
    reason: RunEndReason,
    endedIndex: number,
    action: RunAction,
    error: RunError | undefined,
    detail: string | undefined,
  ): void {
    this.phase = DONE;
    if (this.onShutdown !== undefined) {
      this.shutdown!.removeEventListener("abort", this.onShutdown);
      this.onShutdown = undefined;
    }
    const context = this.context;
    const result = new LazyRunResult(
      context,
      this.timed ? this.t - this.t0 : NaN,
      reason,
      endedIndex,
      detail,
      error,
      this.writes ?? NO_WRITES,
      action,
      this.steps,
      this.ran,
      this.lastKind,
      this.durations,
    );
    const observer = this.core.observer;
    if (observer?.onRunFinished) this.notify(() => observer.onRunFinished!(result, context));
    this.resolve(result);
    // After resolve, so a Run started by the awaiting caller keeps the watchdog timer armed.
    if (this.timeoutMs !== Infinity) unwatch(this);
  }

  /** A bug in the executor itself: end the Run as failed rather than hang. */
  internalError(cause: unknown): void {
    if (this.phase === DONE) return;
    const i = Math.min(this.index, Math.max(0, this.steps.length - 1));
    const name = this.steps[i]?.name ?? "(none)";
    const error = new StepFailedError(name, i, cause);
    this.core.logger.error("internal error in the Run executor", { error: cause });
    this.finish(
      "failed",
      this.steps.length > 0 ? i : -1,
      { type: "retry-with-backoff", error },
      error,
      undefined,
    );
  }

  notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.core.logger.warn("a RunObserver callback threw; ignored", {
        runId: this.context.runId,
        error,
      });
    }
  }
}

function noop(): void {}
