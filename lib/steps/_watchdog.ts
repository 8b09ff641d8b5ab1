// Internal: one shared timer enforces every Run's per-step timeout.
//
// Why not a setTimeout per step: arming and clearing a timer costs microseconds, far more than
// running a no-op step. Instead each active Run exposes when its current step started (`t`, when
// step timings are on) or a progress counter (when they are off, sampled by the timer). The
// timer fires at the earliest possible deadline, expires Runs whose deadline passed and re-arms.
// It stays armed across back-to-back Runs and is cleared once no Run is active.

/** What the watchdog needs from a Run. */
export interface Watched {
  /** Whether `t` holds the current step's start (performance.now()). */
  readonly timed: boolean;
  /** The current step's (or status write's) start, when `timed`. */
  readonly t: number;
  /** Bumped whenever a step or status write starts. */
  readonly progress: number;
  /** The per-step timeout. */
  readonly timeoutMs: number;
  /** The watchdog's bookkeeping for untimed Runs. */
  seenProgress: number;
  /** When the watchdog first saw the current `progress` (untimed Runs). */
  seenAt: number;
  /** Ends the current step (or status write) with a timeout. */
  expire(): void;
  /** Intrusive list links (cheaper than a Set: no identity hash per Run). */
  watchPrev: Watched | undefined;
  /** Intrusive list links. */
  watchNext: Watched | undefined;
}

// Untimed Runs are sampled this many times per timeout: a timeout fires late by at most 1/4.
const SAMPLES = 4;
// setTimeout's largest delay.
const MAX_DELAY = 2 ** 31 - 1;

// The active Runs, as an intrusive doubly-linked list.
let head: Watched | undefined;
let size = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let armedAt = Infinity;
let armedDelay = Infinity;
let idleCheckQueued = false;
let idleHops = 0;
const IDLE_HOPS = 3;

/** Starts watching `run` (its first step has started). */
export function watch(run: Watched): void {
  run.watchPrev = undefined;
  run.watchNext = head;
  if (head !== undefined) head.watchPrev = run;
  head = run;
  size++;
  idleHops = 0; // activity: a pending idle check starts counting again
  if (run.timed) {
    const due = run.t + run.timeoutMs;
    if (due < armedAt) arm(run.timeoutMs, run.t);
  } else {
    const interval = run.timeoutMs / SAMPLES;
    if (interval < armedDelay) arm(interval, performance.now());
  }
}

/** Stops watching `run` (it finished). */
export function unwatch(run: Watched): void {
  const { watchPrev: prev, watchNext: next } = run;
  if (prev === undefined && head !== run) return; // not watched
  if (prev !== undefined) prev.watchNext = next;
  else head = next;
  if (next !== undefined) next.watchPrev = prev;
  run.watchPrev = run.watchNext = undefined;
  size--;
  if (size === 0 && timer !== undefined && !idleCheckQueued) {
    // Deferred by a few microtasks so a Run started by whoever awaited this one keeps the timer
    // (re-arming costs microseconds; a Run of no-op steps costs less than one).
    idleCheckQueued = true;
    idleHops = 0;
    queueMicrotask(idleCheck);
  }
}

function idleCheck(): void {
  if (size === 0 && ++idleHops < IDLE_HOPS) {
    queueMicrotask(idleCheck);
    return;
  }
  idleCheckQueued = false;
  if (size === 0 && timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
    armedAt = Infinity;
    armedDelay = Infinity;
  }
}

function arm(delay: number, now: number): void {
  if (timer !== undefined) clearTimeout(timer);
  const ms = Math.min(MAX_DELAY, Math.max(1, Math.ceil(delay)));
  timer = setTimeout(fire, ms);
  armedAt = now + ms;
  armedDelay = ms;
}

function dueOf(run: Watched, now: number): number {
  if (run.timed) return run.t + run.timeoutMs;
  if (run.progress !== run.seenProgress) {
    run.seenProgress = run.progress;
    run.seenAt = now;
  }
  return run.seenAt + run.timeoutMs;
}

function fire(): void {
  timer = undefined;
  armedAt = Infinity;
  armedDelay = Infinity;
  const now = performance.now();
  // expire() may unwatch the Run: read the link first.
  for (let run = head, after; run !== undefined; run = after) {
    after = run.watchNext;
    if (dueOf(run, now) <= now) run.expire();
  }
  let next = Infinity;
  for (let run = head; run !== undefined; run = run.watchNext) {
    const due = dueOf(run, now);
    next = Math.min(next, run.timed ? due : Math.min(due, now + run.timeoutMs / SAMPLES));
  }
  if (next < Infinity) arm(next - now, now);
}
