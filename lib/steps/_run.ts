// Internal: one Run in progress.
//
// The Run is an async loop over the steps. Its result travels through a separate promise
// (`resolve`), so that a timeout can end the Run while a step is still pending; the loop notices
// `ended` when (if ever) the step settles, and stops.

import type { StatusWriteOptions, StatusWriter } from "../status/status_writer.ts";
import { badOutcome, isPlainNoModification } from "./_checks.ts";
import type { Expirable, StepTimeouts } from "./_timeouts.ts";
import type { RunContext } from "./context.ts";
import type { Context } from "./_context.ts";
import { RunAbortedError, StatusWriteError, StepFailedError, StepTimeoutError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { RunObserver } from "./observer.ts";
import type { StepOutcome } from "./outcome.ts";
import type { StatusOf, StatusPatch } from "./resource.ts";
import type {
  RunAction,
  RunEnd,
  RunError,
  RunResult,
  StatusWriteResult,
  StepResult,
  StepResultKind,
} from "./run_result.ts";
import type { AnyStep } from "./step.ts";

/** What the executor hands every Run. */
export interface RunSettings<R> {
  readonly stepTimeoutMs: number;
  /** Read the clock at every step boundary (per-step durations). */
  readonly timings: boolean;
  /**
   * Record every step as it finishes (timings, or an observer's `onStepFinished`); otherwise the
   * records of *no modification* steps are filled in from the plan's shared ones when needed.
   */
  readonly eachStep: boolean;
  readonly statusWriter: StatusWriter<R> | undefined;
  readonly logger: Logger;
  readonly observer: RunObserver<R> | undefined;
  readonly inSyncAction: RunAction;
  readonly timeouts: StepTimeouts | undefined;
}

// Untimed records of steps that reported no modification are the same in every Run of a plan:
// each plan's are made once and shared (frozen), which spares a no-op step an allocation. Only
// for frozen step lists (a builder's): a plain plan's steps may change between Runs.
const untimedRecords = new WeakMap<readonly { name: string }[], readonly StepResult[]>();

function untimedRecordsOf(steps: readonly { readonly name: string }[]): readonly StepResult[] {
  let records = untimedRecords.get(steps);
  if (records === undefined) {
    records = steps.map((step, index): StepResult =>
      Object.freeze({ name: step.name, index, kind: "no-modification", durationMs: NaN })
    );
    if (Object.isFrozen(steps)) untimedRecords.set(steps, records);
  }
  return records;
}

const REQUEUE: RunAction = Object.freeze({ type: "requeue" });
const ABANDON: RunAction = Object.freeze({ type: "abandon" });

/** One Run in progress. */
export class Run<R> implements Expirable {
  readonly settings: RunSettings<R>;
  readonly context: Context<R>;
  readonly steps: readonly AnyStep<R>[];
  readonly initialData: unknown;
  readonly shutdown: AbortSignal | undefined;
  /** Bumped when a step or status write starts (read by the timeouts). */
  progress = 0;
  /** The timeouts' bookkeeping. */
  seenProgress = -1;
  /** The timeouts' bookkeeping. */
  stillTicks = 0;
  /** The timeouts' bookkeeping. */
  slot = -1;
  #index = 0;
  #ended = false;
  #writing: AbortController | undefined = undefined;
  /** The start of the current step or status write (performance.now()), when timed. */
  #lap: number;
  /** The Run's start (performance.now()), when timed; untimed Runs use `context.runStart`. */
  readonly #start: number;
  #results: StepResult[] = [];
  #writes: StatusWriteResult[] | undefined = undefined;
  #resolve: (result: RunResult) => void = () => {};

  constructor(
    settings: RunSettings<R>,
    context: Context<R>,
    steps: readonly AnyStep<R>[],
    initialData: unknown,
    shutdown: AbortSignal | undefined,
  ) {
    this.settings = settings;
    this.context = context;
    this.steps = steps;
    this.initialData = initialData;
    this.shutdown = shutdown;
    this.#start = settings.timings ? performance.now() : NaN;
    this.#lap = this.#start;
  }

  /** Runs the plan; the promise never rejects. */
  start(): Promise<RunResult> {
    const promise = new Promise<RunResult>((resolve) => this.#resolve = resolve);
    const observer = this.settings.observer;
    if (observer?.onRunStarted) this.#notify(() => observer.onRunStarted!(this.context));
    this.settings.timeouts?.add(this);
    this.#loop();
    return promise;
  }

  /** The Run itself. Never rejects: a bug in the executor ends the Run as failed. */
  async #loop(): Promise<void> {
    try {
      const { steps, shutdown } = this;
      const { observer, timings, eachStep } = this.settings;
      const context = this.context;
      let data = this.initialData;
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i];
        if (shutdown?.aborted) {
          const error = new RunAbortedError(step.name, i, shutdown.reason);
          return this.#finish("aborted", i, ABANDON, error);
        }
        this.#index = i;
        this.progress++;
        let value: unknown;
        try {
          // A plain `await` (of a synchronous step's outcome too): cheaper here than testing for
          // a promise first.
          value = observer === undefined
            ? await step.run(context, data as never)
            : await this.#observedStep(observer, step, i, data);
        } catch (error) {
          if (!this.#ended) this.#stepFailed(i, timings ? this.#takeLap() : NaN, error);
          return;
        }
        if (this.#ended) return; // timed out meanwhile
        if (isPlainNoModification(value)) {
          // Without timings or an observer, such steps are recorded later (see #fillRecords).
          if (eachStep) this.#stepFinished(i, "no-modification", timings ? this.#takeLap() : NaN);
          data = (value as { data: unknown }).data;
          continue;
        }
        const durationMs = timings ? this.#takeLap() : NaN;
        const problem = badOutcome(value);
        if (problem !== undefined) return this.#stepFailed(i, durationMs, problem);
        const outcome = value as StepOutcome<unknown, StatusOf<R>>;
        this.#stepFinished(i, outcome.kind, durationMs);
        if (outcome.status !== undefined) {
          await this.#writeStatus(outcome.status, i);
          if (this.#ended) return; // a bug in the writer path ended the Run
        }
        if (outcome.kind === "no-modification") {
          data = outcome.data;
          continue;
        }
        const delay = outcome.requeueAfterMs;
        const action: RunAction = delay !== undefined
          ? { type: "requeue-after", requeueAfterMs: delay }
          : outcome.kind === "modified"
          ? REQUEUE
          : this.settings.inSyncAction;
        return this.#finish(outcome.kind, i, action, undefined, outcome.message);
      }
      this.#finish("in-sync", -1, this.settings.inSyncAction);
    } catch (error) {
      this.#internalError(error);
    }
  }

  /** Runs step `i` with the observer's hooks around it; settles as the step itself does. */
  #observedStep(
    observer: RunObserver<R>,
    step: AnyStep<R>,
    index: number,
    data: unknown,
  ): Promise<unknown> {
    if (observer.onStepStarted) {
      this.#notify(() => observer.onStepStarted!(step.name, index, this.context));
    }
    return observer.aroundStep
      ? this.#aroundStep(observer, step, index, data)
      : callStep(step, this.context, data);
  }

  /** Runs step `i` through the observer's aroundStep hook; settles as the step itself does. */
  async #aroundStep(
    observer: RunObserver<R>,
    step: AnyStep<R>,
    index: number,
    data: unknown,
  ): Promise<unknown> {
    const context = this.context;
    let settled: Promise<unknown> | undefined;
    const next = (): Promise<unknown> => settled ??= callStep(step, context, data);
    let hookFailed = false;
    try {
      await observer.aroundStep!({ name: step.name, index }, context, next);
    } catch (error) {
      hookFailed = true;
      if (settled === undefined) this.#observerFailed(error);
      else {
        // Either the step's own failure passed through the hook (fine), or the hook failed.
        settled.then(
          () => this.#observerFailed(error),
          (stepError) => stepError !== error && this.#observerFailed(error),
        );
      }
    }
    if (settled === undefined) {
      if (!hookFailed) {
        this.#observerFailed(new Error(`aroundStep did not call next() for step "${step.name}"`));
      }
      settled = callStep(step, context, data);
    }
    return await settled;
  }

  /** Called by the timeouts when the current step or status write has run too long. */
  expire(): void {
    if (this.#ended) return;
    const timeoutMs = this.settings.stepTimeoutMs;
    if (this.#writing !== undefined) {
      const message = `status write did not settle within ${timeoutMs} ms`;
      this.#writing.abort(new DOMException(message, "TimeoutError"));
      return;
    }
    const i = this.#index;
    const name = this.steps[i].name;
    const error = new StepTimeoutError(name, i, timeoutMs);
    this.#stepFinished(i, "timed-out", this.settings.timings ? this.#takeLap() : NaN);
    this.context.abortWith(error);
    this.#log("warn", error.message, { runId: this.context.runId, step: name });
    this.#finish("timed-out", i, { type: "retry-with-backoff", error }, error);
  }

  /** Step `i` threw, rejected or returned something that is not a valid outcome. */
  #stepFailed(i: number, durationMs: number, cause: unknown): void {
    const name = this.steps[i].name;
    const shutdown = this.shutdown;
    if (shutdown?.aborted) {
      this.#stepFinished(i, "aborted", durationMs);
      const error = new RunAbortedError(name, i, shutdown.reason, cause);
      return this.#finish("aborted", i, ABANDON, error);
    }
    this.#stepFinished(i, "failed", durationMs);
    const error = new StepFailedError(name, i, cause);
    this.#log("warn", error.message, { runId: this.context.runId, step: name, error: cause });
    this.#finish("failed", i, { type: "retry-with-backoff", error }, error);
  }

  /** Records how step `i` ended and tells the observer. */
  #stepFinished(i: number, kind: StepResultKind, durationMs: number): void {
    this.#fillRecords(i);
    const result: StepResult = kind === "no-modification" && !this.settings.timings
      ? untimedRecordsOf(this.steps)[i]
      : { name: this.steps[i].name, index: i, kind, durationMs };
    this.#results.push(result);
    const observer = this.settings.observer;
    if (observer?.onStepFinished) {
      this.#notify(() => observer.onStepFinished!(result, this.context));
    }
  }

  /**
   * Adds the records of the untimed *no modification* steps before step `end` that the loop did
   * not record one by one (without timings or an observer, it records none of them).
   */
  #fillRecords(end: number): void {
    const results = this.#results;
    if (results.length >= end) return;
    const shared = untimedRecordsOf(this.steps);
    if (results.length === 0) this.#results = shared.slice(0, end);
    else for (let i = results.length; i < end; i++) results.push(shared[i]);
  }

  /** Writes a status best effort under the step timeout: records the result, never throws. */
  async #writeStatus(status: StatusPatch<StatusOf<R>>, i: number): Promise<void> {
    const stepName = this.steps[i].name;
    const writer = this.settings.statusWriter;
    const timeout = this.#writing = new AbortController();
    this.progress++;
    let cause: unknown = undefined;
    let ok = false;
    try {
      if (writer === undefined) {
        throw new Error("no StatusWriter is configured (RunExecutorOptions.statusWriter)");
      }
      const shutdown = this.shutdown;
      const signal = shutdown ? AbortSignal.any([timeout.signal, shutdown]) : timeout.signal;
      const options: StatusWriteOptions = { signal, runId: this.context.runId, stepName };
      await Promise.race([
        Promise.resolve().then(() => writer.write(this.context.resource, status, options)),
        new Promise<never>((_resolve, reject) => {
          timeout.signal.addEventListener("abort", () => reject(timeout.signal.reason));
        }),
      ]);
      ok = true;
    } catch (error) {
      cause = error;
    }
    this.#writing = undefined;
    const durationMs = this.settings.timings ? this.#takeLap() : NaN;
    const error = ok ? undefined : new StatusWriteError(stepName, i, cause);
    if (error !== undefined) {
      // Best effort by design: the next Run starts from observed state anyway.
      this.#log("warn", error.message, { runId: this.context.runId, step: stepName, error: cause });
    }
    const write: StatusWriteResult = { stepName, stepIndex: i, ok, durationMs, error };
    (this.#writes ??= []).push(write);
    const observer = this.settings.observer;
    if (observer?.onStatusWritten) {
      this.#notify(() => observer.onStatusWritten!(write, this.context));
    }
  }

  /** Ends the Run with `end`; `endedIndex` is the step that ended it (-1: none). */
  #finish(
    end: RunEnd,
    endedIndex: number,
    action: RunAction,
    error?: RunError,
    message?: string,
  ): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#fillRecords(endedIndex < 0 ? this.steps.length : endedIndex);
    this.context.close();
    const context = this.context;
    const result: RunResult = {
      runId: this.context.runId,
      runStart: context.runStart,
      // Untimed Runs reuse the Date.now() of runStart: half the cost of a performance.now()
      // pair, at millisecond resolution (a Run's API calls take milliseconds).
      durationMs: this.settings.timings
        ? performance.now() - this.#start
        : Date.now() - context.runStart,
      end,
      controller: this.context.controller,
      endedBy: endedIndex < 0
        ? undefined
        : { name: this.steps[endedIndex].name, index: endedIndex },
      message: typeof message === "string" ? message : undefined,
      error,
      steps: this.#results,
      statusWrites: this.#writes ?? [],
      action,
    };
    const observer = this.settings.observer;
    if (observer?.onRunFinished) this.#notify(() => observer.onRunFinished!(result, context));
    this.#resolve(result);
    // After resolving, so that a next Run the caller starts at once finds the timer as it is.
    this.settings.timeouts?.delete(this);
  }

  /** A bug in the executor itself: end the Run as failed rather than leave it hanging. */
  #internalError(cause: unknown): void {
    if (this.#ended) return;
    const steps = this.steps;
    const i = Math.min(this.#index, Math.max(0, steps.length - 1));
    const error = new StepFailedError(steps[i]?.name ?? "(none)", i, cause);
    this.#log("error", "internal error in the Run executor", { error: cause });
    this.#finish("failed", steps.length > 0 ? i : -1, { type: "retry-with-backoff", error }, error);
  }

  /** Time since the last lap (a step's or status write's duration); starts the next lap. */
  #takeLap(): number {
    const now = performance.now();
    const lap = now - this.#lap;
    this.#lap = now;
    return lap;
  }

  /** Calls an observer callback; one that throws or rejects is logged and otherwise ignored. */
  #notify(callback: () => unknown): void {
    try {
      const returned = callback();
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === "function") {
        Promise.resolve(returned).catch((error) => this.#observerFailed(error));
      }
    } catch (error) {
      this.#observerFailed(error);
    }
  }

  #observerFailed(error: unknown): void {
    this.#log("warn", "a RunObserver callback failed; ignored", {
      runId: this.context.runId,
      error,
    });
  }

  /** Logs through the executor's logger; a logger that throws must not break (or hang) a Run. */
  #log(level: "warn" | "error", message: string, properties: Record<string, unknown>): void {
    try {
      this.settings.logger[level](message, properties);
    } catch {
      // Nowhere left to report it.
    }
  }
}

/** Calls a step, turning a synchronous throw into a rejection. */
function callStep<R>(step: AnyStep<R>, context: RunContext<R>, data: unknown): Promise<unknown> {
  try {
    return Promise.resolve(step.run(context, data as never));
  } catch (error) {
    return Promise.reject(error);
  }
}
