// Internal: the state machine of one Run.
//
// The Run is an async loop awaiting each step. The Run's result travels through a separate
// promise, so the shared watchdog (see _watchdog.ts) can end a Run whose step is still pending,
// without a Promise.race and a timer per step; the loop notices on resumption and stops. The
// hot path per step (a plain *no modification*) is: call run(), await it, check the outcome's
// kind and status, and, when timed, read the clock once (the end of step i is the start of step
// i + 1) and store one duration. No StepResult objects are made until `steps` is read.

import type { RestClient } from "../client/contract.ts";
import { RunAbortedError, StepFailedError, StepTimeoutError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { RunObserver } from "./observer.ts";
import type { NoModificationOutcome, StepOutcome } from "./outcome.ts";
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
import { RunSignal } from "./_run_signal.ts";
import { badStatus, performStatusWrite, type StatusWriteHost } from "./_status_write.ts";
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
export class ActiveRun<R> implements Watched, ContextOwner, StatusWriteHost<R> {
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
  /** No shutdown signal and no per-step observer callbacks: the loop's fast path applies. */
  readonly plain: boolean;
  /** Per-step durations, when timed. */
  readonly durations: number[] | undefined;
  writes: StatusWriteResult[] | undefined = undefined;
  resolve: (result: RunResult) => void = noop;
  runSignal: RunSignal | undefined = undefined;
  abortReason: unknown = undefined;
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
    const observer = core.observer;
    this.plain = shutdown === undefined && observer?.onStepStarted === undefined &&
      observer?.onStepFinished === undefined;
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
    return (this.runSignal ??= new RunSignal(this.shutdown, this.abortReason, this.phase === DONE))
      .signal;
  }

  /**
   * The Run itself, kept small: an await saves the async frame's live registers, so the hot
   * path holds few locals and hands everything but a plain *no modification* to `settle`.
   * After every await it checks `phase`: the watchdog may have ended the Run (timeout) while a
   * step was pending, in which case the late settlement is ignored.
   */
  async loop(): Promise<void> {
    const steps = this.steps;
    const context = this.context;
    const count = steps.length;
    const plain = this.plain;
    let data = this.initial;
    let i = 0;
    try {
      for (; i < count; i++) {
        if (!plain && this.beforeStep(i)) return;
        this.index = i;
        this.progress++;
        let value: unknown;
        try {
          value = await steps[i].run(context, data as never);
        } catch (error) {
          if (this.phase === RUNNING) this.fail(i, this.timed ? this.lap() : NaN, error);
          return;
        }
        if (this.phase !== RUNNING) return; // ended by the watchdog meanwhile
        if (this.timed) this.durations![i] = this.lap();
        if (
          plain && typeof value === "object" && value !== null &&
          (value as StepOutcome<unknown>).kind === "no-modification" &&
          (value as StepOutcome<unknown>).status === undefined
        ) {
          data = (value as NoModificationOutcome<unknown>).data;
          continue;
        }
        let go = this.settle(i, value);
        if (go !== true && go !== false) go = await go;
        if (!go) return;
        data = (value as NoModificationOutcome<unknown>).data;
      }
      this.finish("in-sync", -1, count, "no-modification", this.core.inSyncAction, undefined);
    } catch (error) {
      // A bug in the executor itself must end the Run, never leave it hanging.
      this.internalError(i, error);
    }
  }

  /** Before step `i` when the Run is not plain: shutdown check and observer. True: stop. */
  beforeStep(i: number): boolean {
    const shutdown = this.shutdown;
    if (shutdown !== undefined && shutdown.aborted) {
      const error = new RunAbortedError(this.steps[i].name, i, shutdown.reason);
      // Steps before i all said no modification.
      this.finish("aborted", i, i, "no-modification", ABANDON, error);
      return true;
    }
    const observer = this.core.observer;
    if (observer?.onStepStarted) {
      const name = this.steps[i].name;
      this.notify(() => observer.onStepStarted!(name, i, this.context));
    }
    return false;
  }

  /** All but the fast path after step `i` settled: true (or a promise of it) to go on. */
  settle(i: number, value: unknown): boolean | Promise<boolean> {
    const d = this.timed ? this.durations![i] : NaN;
    if (value === null || typeof value !== "object") {
      this.fail(i, d, new TypeError(`resolved with ${describe(value)}, not a StepOutcome`));
      return false;
    }
    const outcome = value as StepOutcome<unknown>;
    const kind = outcome.kind;
    const status = outcome.status;
    const problem = status === undefined ? undefined : badStatus(status);
    if (problem !== undefined) {
      this.fail(i, d, new TypeError(problem));
      return false;
    }
    if (kind === "no-modification") {
      this.stepFinished(i, kind, d);
      if (status === undefined) return true;
      return this.writeStatus(status, i).then(() => this.phase === RUNNING);
    }
    if (kind !== "modified" && kind !== "wait") {
      this.fail(i, d, new TypeError(`resolved with ${describe(value)}, not a StepOutcome`));
      return false;
    }
    const delay = outcome.requeueAfterMs;
    try {
      checkDelay(delay);
    } catch (error) {
      this.fail(i, d, error);
      return false;
    }
    this.stepFinished(i, kind, d);
    const action: RunAction = delay !== undefined
      ? { type: "requeue-after", delayMs: delay }
      : kind === "modified"
      ? REQUEUE
      : this.core.inSyncAction;
    const detail = typeof outcome.reason === "string" ? outcome.reason : undefined;
    if (status === undefined) {
      this.finish(kind, i, i + 1, kind, action, undefined, detail);
      return false;
    }
    return this.writeStatus(status, i).then(() => {
      if (this.phase === RUNNING) this.finish(kind, i, i + 1, kind, action, undefined, detail);
      return false;
    });
  }

  /** Time since the last lap (a step's or status write's duration); starts the next lap. */
  lap(): number {
    const now = performance.now();
    const d = now - this.t;
    this.t = now;
    return d;
  }

  /** Step `i` threw, rejected or resolved with something that is not a valid outcome. */
  fail(i: number, d: number, cause: unknown): void {
    if (this.timed) this.durations![i] = d;
    const name = this.steps[i].name;
    const shutdown = this.shutdown;
    if (shutdown !== undefined && shutdown.aborted) {
      this.stepFinished(i, "aborted", d);
      const error = new RunAbortedError(name, i, shutdown.reason, cause);
      this.finish("aborted", i, i + 1, "aborted", ABANDON, error);
      return;
    }
    this.stepFinished(i, "failed", d);
    const error = new StepFailedError(name, i, cause);
    this.log("warn", error.message, { runId: this.context.runId, step: name, error: cause });
    this.finish("failed", i, i + 1, "failed", { type: "retry-with-backoff", error }, error);
  }

  /** Called by the watchdog when the current step or status write exceeded the timeout. */
  expire(): void {
    if (this.phase === WRITING) {
      const cause = new DOMException(
        `status write did not settle within ${this.timeoutMs} ms`,
        "TimeoutError",
      );
      this.writeExpired?.(cause);
      return;
    }
    if (this.phase !== RUNNING) return;
    const i = this.index;
    const name = this.steps[i].name;
    const error = new StepTimeoutError(name, i, this.timeoutMs);
    const d = this.timed ? this.lap() : NaN;
    if (this.timed) this.durations![i] = d;
    this.stepFinished(i, "timed-out", d);
    this.abortReason = error;
    this.runSignal?.abort(error);
    this.log("warn", error.message, { runId: this.context.runId, step: name });
    const action: RunAction = { type: "retry-with-backoff", error };
    this.finish("timed-out", i, i + 1, "timed-out", action, error);
  }

  /** Tells the observer, if it listens, that step `i` ended with `kind`. */
  stepFinished(i: number, kind: StepResultKind, durationMs: number): void {
    const observer = this.core.observer;
    if (observer?.onStepFinished) {
      const result: StepResult = { name: this.steps[i].name, index: i, kind, durationMs };
      this.notify(() => observer.onStepFinished!(result, this.context));
    }
  }

  /** Writes a status best effort: records the result, never throws. */
  async writeStatus(status: object, stepIndex: number): Promise<void> {
    this.phase = WRITING;
    this.progress++;
    const name = this.steps[stepIndex].name;
    const write = await performStatusWrite(this, this.core.statusWriter, status, name, stepIndex);
    (this.writes ??= []).push(write);
    const observer = this.core.observer;
    if (observer?.onStatusWritten) {
      this.notify(() => observer.onStatusWritten!(write, this.context));
    }
    this.phase = RUNNING;
    this.progress++;
  }

  /** A status write's duration (see {@linkcode lap}), NaN when untimed. */
  writeLap(): number {
    return this.timed ? this.lap() : NaN;
  }

  /** Ends the Run: `ran` steps ran; all but the last said no modification. */
  finish(
    reason: RunEndReason,
    endedIndex: number,
    ran: number,
    lastKind: StepResultKind,
    action: RunAction,
    error?: RunError,
    detail?: string,
  ): void {
    this.phase = DONE;
    this.runSignal?.dispose();
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
      ran,
      lastKind,
      this.durations,
    );
    const observer = this.core.observer;
    if (observer?.onRunFinished) this.notify(() => observer.onRunFinished!(result, context));
    this.resolve(result);
    // After resolve, so a Run started by the awaiting caller keeps the watchdog timer armed.
    if (this.timeoutMs !== Infinity) unwatch(this);
  }

  /** A bug in the executor itself (while at step `i`): end the Run as failed rather than hang. */
  internalError(i: number, cause: unknown): void {
    if (this.phase === DONE) return;
    const count = this.steps.length;
    const at = Math.min(i, Math.max(0, count - 1));
    const name = this.steps[at]?.name ?? "(none)";
    const error = new StepFailedError(name, at, cause);
    this.log("error", "internal error in the Run executor", { error: cause });
    const action: RunAction = { type: "retry-with-backoff", error };
    this.finish("failed", count > 0 ? at : -1, Math.min(i + 1, count), "failed", action, error);
  }

  /**
   * Calls an observer callback: one that throws, or returns a promise that rejects (an async
   * callback), is logged and otherwise ignored.
   */
  notify(callback: () => unknown): void {
    try {
      const returned = callback();
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
        Promise.resolve(returned).catch((error) => this.observerFailed(error));
      }
    } catch (error) {
      this.observerFailed(error);
    }
  }

  observerFailed(error: unknown): void {
    this.log("warn", "a RunObserver callback failed; ignored", {
      runId: this.context.runId,
      error,
    });
  }

  /** Logs through the executor's logger; a logger that throws must not break (or hang) a Run. */
  log(level: "warn" | "error", message: string, properties: Record<string, unknown>): void {
    try {
      this.core.logger[level](message, properties);
    } catch {
      // Nowhere left to report it.
    }
  }
}

function noop(): void {}
