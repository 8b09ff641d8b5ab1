// Internal: the per-step timeout of one executor's Runs.
//
// A timer per step would cost far more than a no-op step: in Deno 2.9 a setTimeout plus its
// clearTimeout take about 1.4 µs, a bare async step 30-50 ns (`bench/executor.ts` prints a bare
// loop with one timer per step: about 30x the loop without). So each executor keeps one
// ordinary interval timer that samples its running Runs four times per timeout. Every Run bumps
// `progress` when a step or status write starts; a Run whose progress has not moved for four
// ticks in a row has spent at least one full timeout on the same step and is expired. A step
// therefore times out after 1 to 1.25 timeouts. While no Run is active the timer is unref'd (it
// cannot keep the process alive), and the first tick that finds no Run clears it.

import { MAX_TIMER_MS } from "../client/_timers.ts";

/** What the timeouts need from a Run (the bookkeeping lives on the Run: no entry objects). */
export interface Expirable {
  /** Bumped whenever a step or status write starts. */
  readonly progress: number;
  /** The progress seen at the last tick (the timeouts' bookkeeping). */
  seenProgress: number;
  /** Ticks in a row that saw the same progress (the timeouts' bookkeeping). */
  stillTicks: number;
  /** Where the Run sits in the running list, -1 when it is not in it. */
  slot: number;
  /** Ends the current step (or status write) with a timeout. */
  expire(): void;
}

const SAMPLES = 4;

/** The per-step timeout of one executor: one interval timer over its running Runs. */
export class StepTimeouts {
  readonly #intervalMs: number;
  // An array with swap-removal (each Run knows its slot): cheaper than a Set per Run.
  readonly #running: Expirable[] = [];
  #timer: ReturnType<typeof setInterval> | undefined = undefined;
  #referenced = false;
  #idleCheckQueued = false;

  constructor(timeoutMs: number) {
    this.#intervalMs = Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(timeoutMs / SAMPLES)));
  }

  /** Starts watching `run` (before its first step). */
  add(run: Expirable): void {
    run.seenProgress = -1;
    run.stillTicks = 0;
    run.slot = this.#running.push(run) - 1;
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#referenced = true;
    } else if (!this.#referenced) {
      setReferenced(this.#timer, true);
      this.#referenced = true;
    }
  }

  /**
   * Stops watching `run` (it ended). Call it after resolving the Run's promise: when no Run is
   * left, the timer is unref'd a microtask later, so a caller that starts the next Run as soon
   * as it gets the result keeps the timer as it is (toggling it costs more than a no-op step).
   */
  delete(run: Expirable): void {
    const running = this.#running;
    const slot = run.slot;
    if (slot < 0 || running[slot] !== run) return;
    const last = running.pop()!;
    if (last !== run) {
      running[slot] = last;
      last.slot = slot;
    }
    run.slot = -1;
    if (running.length === 0 && this.#referenced && !this.#idleCheckQueued) {
      this.#idleCheckQueued = true;
      queueMicrotask(this.#idleCheck);
    }
  }

  readonly #idleCheck = (): void => {
    this.#idleCheckQueued = false;
    if (this.#running.length === 0 && this.#referenced && this.#timer !== undefined) {
      // An unref'd timer cannot keep the process alive; the next tick clears it.
      setReferenced(this.#timer, false);
      this.#referenced = false;
    }
  };

  #tick(): void {
    const running = this.#running;
    if (running.length === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#referenced = false;
      return;
    }
    // Backwards: expire() removes the Run, moving the last one into its slot.
    for (let i = running.length - 1; i >= 0; i--) {
      const run = running[i];
      if (run.progress !== run.seenProgress) {
        run.seenProgress = run.progress;
        run.stillTicks = 0;
      } else if (++run.stillTicks >= SAMPLES) {
        run.stillTicks = 0;
        run.expire();
      }
    }
  }
}

/**
 * Refs or unrefs a timer: Deno 2's global `setInterval` returns a Node-style `Timeout` (with its
 * own `ref`/`unref`; `Deno.unrefTimer` does not reach it), older ones a number.
 */
function setReferenced(timer: ReturnType<typeof setInterval>, referenced: boolean): void {
  const handle = timer as unknown as number | { ref(): unknown; unref(): unknown };
  if (typeof handle === "number") {
    if (referenced) Deno.refTimer(handle);
    else Deno.unrefTimer(handle);
  } else if (referenced) handle.ref();
  else handle.unref();
}
