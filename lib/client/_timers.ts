// Internal: the longest delay a timer can wait.
//
// setTimeout and setInterval take a signed 32-bit delay: a longer one (a requeue 60 days out, a
// timeout option of 1e12) fires at once, with a TimeoutOverflowWarning. Options that set a
// deadline are checked against MAX_TIMER_MS; timers whose callback reads the clock again and
// re-arms are capped with timerDelay.

/** The longest delay `setTimeout`/`setInterval` honour: 2^31 - 1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `ms` clamped to what a timer can wait, for a timer whose callback checks the clock again and
 * re-arms when it fired early.
 */
export function timerDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_TIMER_MS);
}

/**
 * Whether `value` is a number of ms a timer can wait: at most MAX_TIMER_MS, and at least `min`
 * (above it, with `above`). NaN, Infinity and non-numbers are not.
 */
export function isTimerMs(value: unknown, min = 0, above = false): value is number {
  return typeof value === "number" && (above ? value > min : value >= min) &&
    value <= MAX_TIMER_MS;
}
