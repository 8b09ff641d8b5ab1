// Internal: the RunResult the executor returns.
//
// Per-step records are built on first read of `steps`: every step but the last that ran reported
// no modification, so a Run only has to remember how many steps ran, how the last one ended and
// (with timings) the durations. That spares the hot path one object per step.

import type {
  RunAction,
  RunEndReason,
  RunError,
  RunResult,
  StatusWriteResult,
  StepResult,
  StepResultKind,
} from "./run_result.ts";
import type { RunContext } from "./context.ts";
import type { AnyStep } from "./step.ts";

/** A RunResult whose `steps` and `endedBy` are materialised on first read. */
export class LazyRunResult implements RunResult {
  readonly durationMs: number;
  readonly reason: RunEndReason;
  readonly detail: string | undefined;
  readonly error: RunError | undefined;
  readonly statusWrites: readonly StatusWriteResult[];
  readonly action: RunAction;
  readonly #context: RunContext<unknown>;
  readonly #plan: readonly AnyStep<never>[];
  readonly #ran: number;
  readonly #lastKind: StepResultKind;
  readonly #durations: ArrayLike<number> | undefined;
  readonly #endedIndex: number;
  #steps: readonly StepResult[] | undefined;

  constructor(
    context: RunContext<unknown>,
    durationMs: number,
    reason: RunEndReason,
    endedIndex: number,
    detail: string | undefined,
    error: RunError | undefined,
    statusWrites: readonly StatusWriteResult[],
    action: RunAction,
    plan: readonly AnyStep<never>[],
    ran: number,
    lastKind: StepResultKind,
    durations: ArrayLike<number> | undefined,
  ) {
    this.#context = context;
    this.durationMs = durationMs;
    this.reason = reason;
    this.detail = detail;
    this.error = error;
    this.statusWrites = statusWrites;
    this.action = action;
    this.#plan = plan;
    this.#endedIndex = endedIndex;
    this.#ran = ran;
    this.#lastKind = lastKind;
    this.#durations = durations;
  }

  get runId(): string {
    return this.#context.runId;
  }

  get runStart(): number {
    return this.#context.runStart;
  }

  get endedBy(): { readonly name: string; readonly index: number } | undefined {
    const i = this.#endedIndex;
    return i < 0 ? undefined : { name: this.#plan[i].name, index: i };
  }

  get steps(): readonly StepResult[] {
    if (this.#steps === undefined) {
      const steps: StepResult[] = [];
      const last = this.#ran - 1;
      for (let i = 0; i <= last; i++) {
        steps.push({
          name: this.#plan[i].name,
          index: i,
          kind: i === last ? this.#lastKind : "no-modification",
          durationMs: this.#durations?.[i] ?? NaN,
        });
      }
      this.#steps = Object.freeze(steps);
    }
    return this.#steps;
  }

  /** A plain-object copy, so `JSON.stringify` and structured logging see every field. */
  toJSON(): RunResult {
    return {
      runId: this.runId,
      runStart: this.runStart,
      durationMs: this.durationMs,
      reason: this.reason,
      endedBy: this.endedBy,
      detail: this.detail,
      error: this.error,
      steps: this.steps,
      statusWrites: this.statusWrites,
      action: this.action,
    };
  }
}
