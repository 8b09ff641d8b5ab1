/**
 * A client-side token-bucket rate limiter (QPS with bursts), like client-go's.
 *
 * @module
 */

import { sleep } from "./sleep.ts";

/**
 * Settings for {@linkcode RateLimiter}.
 *
 * @example
 * ```ts
 * import type { RateLimiterOptions } from "./rate_limiter.ts";
 * const limit: RateLimiterOptions = { qps: 50, burst: 100 };
 * console.log(limit);
 * ```
 */
export interface RateLimiterOptions {
  /** Requests per second, sustained: a finite number of at least `MIN_QPS`. */
  qps: number;
  /**
   * Requests allowed at once after a quiet period: a whole number of at least 1.
   *
   * @default {max(1, ceil(qps))}
   */
  burst?: number;
}

/**
 * The smallest `qps` a {@linkcode RateLimiter} accepts: one request per 2^31 - 1 ms, the
 * longest delay a timer can wait.
 *
 * @example
 * ```ts
 * import { MIN_QPS } from "@staircase/staircase/client";
 * console.log(MIN_QPS > 0);
 * ```
 */
export const MIN_QPS: number = 1000 / 2_147_483_647;

/**
 * A token bucket: holds up to `burst` tokens, refilled at `qps` per second; each request
 * takes one, waiting for it when the bucket is empty.
 *
 * @example
 * ```ts
 * import { RateLimiter } from "./rate_limiter.ts";
 *
 * const limiter = new RateLimiter({ qps: 50, burst: 100 });
 * await limiter.acquire();
 * ```
 */
export class RateLimiter {
  readonly #qps: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  /** Creates a full bucket. */
  constructor(options: RateLimiterOptions) {
    const { qps, burst } = options;
    // Below MIN_QPS the wait for one token no longer fits a timer (about 24.8 days).
    if (typeof qps !== "number" || !Number.isFinite(qps) || qps < MIN_QPS) {
      throw new RangeError(
        `rate limiter qps must be a finite number of at least ${MIN_QPS} (one request per ` +
          `24 days), got ${qps}`,
      );
    }
    if (burst !== undefined && (!Number.isSafeInteger(burst) || burst < 1)) {
      throw new RangeError(`rate limiter burst must be a whole number of at least 1, got ${burst}`);
    }
    this.#qps = qps;
    this.#burst = burst ?? Math.max(1, Math.ceil(qps));
    this.#tokens = this.#burst;
    this.#last = performance.now();
  }

  /** Waits until a request may be sent. Rejects if `signal` aborts while waiting. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
    this.#last = now;
    // Taking the token now (possibly going negative) reserves a place in line.
    this.#tokens -= 1;
    if (this.#tokens >= 0) return;
    try {
      await sleep((-this.#tokens / this.#qps) * 1000, signal);
    } catch (err) {
      this.#tokens += 1; // give the reservation back
      throw err;
    }
  }
}
