// Internal: one Run in progress, and the context its steps see.
//
// The Run is an async loop over the steps. Its result travels through a separate promise
// (`resolve`), so that a timeout can end the Run while a step is still pending; the loop notices
// `ended` when (if ever) the step settles, and stops.

import type { RestClient } from "../client/contract.ts";
import type { ObjectCache } from "../controller/cache.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { StatusWriteOptions, StatusWriter } from "../status/status_writer.ts";
import { checkDelay, describe } from "./_checks.ts";
import type { Expirable, StepTimeouts } from "./_timeouts.ts";
import type { RunContext } from "./context.ts";
import { RunAbortedError, StatusWriteError, StepFailedError, StepTimeoutError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { RunObserver } from "./observer.ts";
import type { StepOutcome } from "./outcome.ts";
import type { RunResource, StatusOf, StatusPatch } from "./resource.ts";
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
  readonly timings: boolean;
  readonly statusWriter: StatusWriter<R> | undefined;
  readonly logger: Logger;
  readonly observer: RunObserver<R> | undefined;
  readonly inSyncAction: RunAction;
  readonly timeouts: StepTimeouts | undefined;
}

/** What one Run gets besides the settings. */
export interface RunInput<R> {
  readonly resource: RunResource<R>;
  readonly steps: readonly AnyStep<R>[];
  readonly initialData: unknown;
  readonly shutdown: AbortSignal | undefined;
  readonly runId: string;
  readonly client: RestClient;
  readonly cache: ObjectCache;
  readonly events: EventSink;
  readonly controller: string | undefined;
}

const REQUEUE: RunAction = Object.freeze({ type: "requeue" });
const ABANDON: RunAction = Object.freeze({ type: "abandon" });

// Run ids: a random per-process prefix and a counter (cheaper than a UUID per Run). 64 random
// bits make two processes (or two copies of this module) picking the same prefix negligible.
const ID_PREFIX =
  Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0"))
    .join("") + "-";
let idCount = 0;

/** A fresh Run id: unique within the process, and across processes in all likelihood. */
export function nextRunId(): string {
  return ID_PREFIX + ++idCount;
}

/** The context steps see: plain fields, and the signal and logger made on first use. */
class Context<R> implements RunContext<R> {
  readonly resource: RunResource<R>;
  readonly client: RestClient;
  readonly cache: ObjectCache;
  readonly events: EventSink;
  readonly controller: string | undefined;
  readonly runStart: number;
  readonly runId: string;
  readonly #run: Run<R>;
  #logger: Logger | undefined = undefined;

  constructor(run: Run<R>, input: RunInput<R>, runStart: number) {
    this.#run = run;
    this.resource = input.resource;
    this.client = input.client;
    this.cache = input.cache;
    this.events = input.events;
    this.controller = input.controller;
    this.runStart = runStart;
    this.runId = input.runId;
  }

  get signal(): AbortSignal {
    return this.#run.signal();
  }

  get logger(): Logger {
    if (this.#logger === undefined) {
      const base = this.#run.settings.logger;
      const properties = { runId: this.runId, controller: this.controller };
      this.#logger = base.with ? base.with(properties) : base;
    }
    return this.#logger;
  }
}

/** One Run in progress. */
export class Run<R> implements Expirable {
  readonly settings: RunSettings<R>;
  readonly input: RunInput<R>;
  readonly context: Context<R>;
  /** Bumped when a step or status write starts (read by the timeouts). */
  progress = 0;
  #index = 0;
  #ended = false;
  #writing: AbortController | undefined = undefined;
  /** The start of the current step or status write (performance.now()), when timed. */
  #lap: number;
  readonly #start: number;
  readonly #steps: StepResult[] = [];
  readonly #writes: StatusWriteResult[] = [];
  #signal: AbortController | undefined = undefined;
  #timeoutError: StepTimeoutError | undefined = undefined;
  #resolve: (result: RunResult) => void = () => {};

  constructor(settings: RunSettings<R>, input: RunInput<R>) {
    this.settings = settings;
    this.input = input;
    // The one clock reading every step shares, taken before the first step.
    this.context = new Context(this, input, Date.now());
    this.#start = this.#lap = settings.timings ? performance.now() : NaN;
  }

  /** Runs the plan; the promise never rejects. */
  start(): Promise<RunResult> {
    const promise = new Promise<RunResult>((resolve) => this.#resolve = resolve);
    const observer = this.settings.observer;
    if (observer?.onRunStarted) this.#notify(() => observer.onRunStarted!(this.context));
    this.settings.timeouts?.add(this);
    this.#loop().catch((error) => this.#internalError(error));
    return promise;
  }

  /** The context's signal, made on first use. */
  signal(): AbortSignal {
    if (this.#signal === undefined) {
      const controller = this.#signal = new AbortController();
      const shutdown = this.input.shutdown;
      if (this.#timeoutError !== undefined) controller.abort(this.#timeoutError);
      else if (shutdown?.aborted) controller.abort(shutdown.reason);
      else if (shutdown !== undefined && !this.#ended) {
        shutdown.addEventListener("abort", this.#onShutdown);
      }
    }
    return this.#signal.signal;
  }

  readonly #onShutdown = (): void => {
    this.#signal?.abort(this.input.shutdown?.reason);
  };

  async #loop(): Promise<void> {
    const { steps, shutdown } = this.input;
    const { observer, timings } = this.settings;
    const context = this.context;
    let data = this.input.initialData;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      if (shutdown?.aborted) {
        const error = new RunAbortedError(step.name, i, shutdown.reason);
        return this.#finish("aborted", i, ABANDON, error);
      }
      this.#index = i;
      this.progress++;
      if (observer?.onStepStarted) {
        this.#notify(() => observer.onStepStarted!(step.name, i, context));
      }
      let value: unknown;
      try {
        value = observer?.aroundStep
          ? await this.#aroundStep(observer, step, i, data)
          : step.run(context, data as never);
        if (typeof (value as PromiseLike<unknown> | undefined)?.then === "function") {
          value = await value;
        }
      } catch (error) {
        if (!this.#ended) this.#stepFailed(i, timings ? this.#takeLap() : NaN, error);
        return;
      }
      if (this.#ended) return; // timed out meanwhile
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
    try {
      await observer.aroundStep!({ name: step.name, index }, context, next);
    } catch (error) {
      // Either the step's own failure passed through the hook, or the hook failed.
      if (settled === undefined) this.#observerFailed(error);
      else {settled.then(() =>
          this.#observerFailed(error), (e) =>
          e !== error && this.#observerFailed(error));}
    }
    if (settled === undefined) {
      this.#observerFailed(new Error(`aroundStep did not call next() for step "${step.name}"`));
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
    const name = this.input.steps[i].name;
    const error = this.#timeoutError = new StepTimeoutError(name, i, timeoutMs);
    this.#stepFinished(i, "timed-out", this.settings.timings ? this.#takeLap() : NaN);
    this.#signal?.abort(error);
    this.#log("warn", error.message, { runId: this.input.runId, step: name });
    this.#finish("timed-out", i, { type: "retry-with-backoff", error }, error);
  }

  /** Step `i` threw, rejected or returned something that is not a valid outcome. */
  #stepFailed(i: number, durationMs: number, cause: unknown): void {
    const name = this.input.steps[i].name;
    const shutdown = this.input.shutdown;
    if (shutdown?.aborted) {
      this.#stepFinished(i, "aborted", durationMs);
      const error = new RunAbortedError(name, i, shutdown.reason, cause);
      return this.#finish("aborted", i, ABANDON, error);
    }
    this.#stepFinished(i, "failed", durationMs);
    const error = new StepFailedError(name, i, cause);
    this.#log("warn", error.message, { runId: this.input.runId, step: name, error: cause });
    this.#finish("failed", i, { type: "retry-with-backoff", error }, error);
  }

  /** Records how step `i` ended and tells the observer. */
  #stepFinished(i: number, kind: StepResultKind, durationMs: number): void {
    const result: StepResult = { name: this.input.steps[i].name, index: i, kind, durationMs };
    this.#steps.push(result);
    const observer = this.settings.observer;
    if (observer?.onStepFinished) {
      this.#notify(() => observer.onStepFinished!(result, this.context));
    }
  }

  /** Writes a status best effort under the step timeout: records the result, never throws. */
  async #writeStatus(status: StatusPatch<StatusOf<R>>, i: number): Promise<void> {
    const stepName = this.input.steps[i].name;
    const writer = this.settings.statusWriter;
    const timeout = this.#writing = new AbortController();
    this.progress++;
    let cause: unknown = undefined;
    let ok = false;
    try {
      if (writer === undefined) {
        throw new Error("no StatusWriter is configured (RunExecutorOptions.statusWriter)");
      }
      const shutdown = this.input.shutdown;
      const signal = shutdown ? AbortSignal.any([timeout.signal, shutdown]) : timeout.signal;
      const options: StatusWriteOptions = { signal, runId: this.input.runId, stepName };
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
      this.#log("warn", error.message, { runId: this.input.runId, step: stepName, error: cause });
    }
    const write: StatusWriteResult = { stepName, stepIndex: i, ok, durationMs, error };
    this.#writes.push(write);
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
    this.input.shutdown?.removeEventListener("abort", this.#onShutdown);
    this.settings.timeouts?.delete(this);
    const context = this.context;
    const result: RunResult = {
      runId: this.input.runId,
      runStart: context.runStart,
      durationMs: this.settings.timings
        ? performance.now() - this.#start
        : Date.now() - context.runStart,
      end,
      controller: this.input.controller,
      endedBy: endedIndex < 0
        ? undefined
        : { name: this.input.steps[endedIndex].name, index: endedIndex },
      message: typeof message === "string" ? message : undefined,
      error,
      steps: this.#steps,
      statusWrites: this.#writes,
      action,
    };
    const observer = this.settings.observer;
    if (observer?.onRunFinished) this.#notify(() => observer.onRunFinished!(result, context));
    this.#resolve(result);
  }

  /** A bug in the executor itself: end the Run as failed rather than leave it hanging. */
  #internalError(cause: unknown): void {
    if (this.#ended) return;
    const steps = this.input.steps;
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
      runId: this.input.runId,
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

/** Why `value` is not a valid outcome (an error to fail the step with), or undefined. */
function badOutcome(value: unknown): Error | undefined {
  if (value === null || typeof value !== "object") {
    return new TypeError(`resolved with ${describe(value)}, not a StepOutcome`);
  }
  const { kind, status, requeueAfterMs } = value as Record<string, unknown>;
  if (kind !== "no-modification" && kind !== "modified" && kind !== "blocked") {
    return new TypeError(`resolved with ${describe(value)}, not a StepOutcome`);
  }
  if (
    status !== undefined && (typeof status !== "object" || status === null || Array.isArray(status))
  ) {
    // A null or array status would replace the whole status in a merge patch: refuse it.
    const what = status === null ? "null" : Array.isArray(status) ? "an array" : typeof status;
    return new TypeError(`the outcome's status must be an object (or undefined), got ${what}`);
  }
  if (kind !== "no-modification") {
    try {
      checkDelay(requeueAfterMs);
    } catch (error) {
      return error as RangeError;
    }
  }
  return undefined;
}
