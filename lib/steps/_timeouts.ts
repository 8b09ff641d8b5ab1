// Internal: the per-step timeout of one executor's Runs.
//
// A timer per step would cost far more than a no-op step (in Deno 2.9, setTimeout plus
// clearTimeout take 1-4 µs; a bare async step about 50 ns), so each executor keeps one interval
// timer that samples its running Runs four times per timeout. Every Run bumps `progress` when a
// step or status write starts; a Run whose progress has not moved for four ticks in a row has
// spent at least one full timeout on the same step and is expired. A step therefore times out
// after 1 to 1.25 timeouts. While no Run is active the timer is unref'd (it cannot keep the
// process alive), and the first tick that finds no Run clears it.

/** What the timeouts need from a Run. */
export interface Expirable {
  /** Bumped whenever a step or status write starts. */
  readonly progress: number;
  /** Ends the current step (or status write) with a timeout. */
  expire(): void;
}

const SAMPLES = 4;
// setInterval's largest delay.
const MAX_INTERVAL = 2 ** 31 - 1;

interface Sampled {
  /** The progress seen at the last tick. */
  progress: number;
  /** Ticks in a row that saw the same progress. */
  still: number;
}

/** The per-step timeout of one executor: one interval timer over its running Runs. */
export class StepTimeouts {
  readonly #intervalMs: number;
  readonly #running = new Map<Expirable, Sampled>();
  #timer: ReturnType<typeof setInterval> | undefined = undefined;
  #referenced = false;

  constructor(timeoutMs: number) {
    this.#intervalMs = Math.min(MAX_INTERVAL, Math.max(1, Math.ceil(timeoutMs / SAMPLES)));
  }

  /** Starts watching `run` (before its first step). */
  add(run: Expirable): void {
    this.#running.set(run, { progress: -1, still: 0 });
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#referenced = true;
    } else if (!this.#referenced) {
      Deno.refTimer(Number(this.#timer));
      this.#referenced = true;
    }
  }

  /** Stops watching `run` (it ended). */
  delete(run: Expirable): void {
    this.#running.delete(run);
    if (this.#running.size === 0 && this.#timer !== undefined) {
      // Not cleared here: the next Run, often started right away, would pay for a new timer.
      Deno.unrefTimer(Number(this.#timer));
      this.#referenced = false;
    }
  }

  #tick(): void {
    if (this.#running.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    for (const [run, seen] of this.#running) {
      if (run.progress !== seen.progress) {
        seen.progress = run.progress;
        seen.still = 0;
      } else if (++seen.still >= SAMPLES) {
        seen.still = 0;
        run.expire();
      }
    }
  }
}
