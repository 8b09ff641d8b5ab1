/**
 * An abortable delay.
 *
 * @module
 */

import { MAX_TIMER_MS } from "./_timers.ts";

/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason when it aborts first.
 *
 * @example
 * ```ts
 * import { sleep } from "./sleep.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    // A timer longer than 2^31 - 1 ms fires at once: wait in steps instead.
    const until = performance.now() + ms;
    const step = (): void => {
      const left = until - performance.now();
      if (left > 0) {
        timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
        return;
      }
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    let timer = setTimeout(step, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
