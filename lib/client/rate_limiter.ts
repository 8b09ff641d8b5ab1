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
  /** Requests per second, sustained. */
  qps: number;
  /** Requests allowed at once after a quiet period. Default: `max(1, qps)`. */
  burst?: number;
}

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
    if (!(options.qps > 0)) {
      throw new RangeError(`rate limiter qps must be > 0, got ${options.qps}`);
    }
    this.#qps = options.qps;
    this.#burst = Math.max(1, options.burst ?? Math.ceil(options.qps));
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
