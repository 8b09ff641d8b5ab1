/**
 * Capped exponential backoff with jitter, reset after a quiet period: the delay policy of
 * watch reconnects (and of per-key retries in the controller).
 *
 * @module
 */

/**
 * Options of {@linkcode Backoff}. The defaults are kube-rs's watcher backoff.
 *
 * @example Per-key retries of failed Runs
 * ```ts
 * import { Backoff, type BackoffOptions } from "@staircase/staircase/controller";
 *
 * const options: BackoffOptions = { initialMs: 5, maxMs: 1_000_000, resetAfterMs: 0 };
 * console.log(new Backoff(options).next() <= 5); // true
 * ```
 */
export interface BackoffOptions {
  /**
   * The first delay, in ms: a finite number > 0.
   *
   * @default {800}
   */
  readonly initialMs?: number;
  /**
   * The cap: no delay is longer, in ms; finite, and at least `initialMs`.
   *
   * @default {30000}
   */
  readonly maxMs?: number;
  /**
   * Each delay is this many times the previous one (before jitter and the cap).
   *
   * @default {2}
   */
  readonly factor?: number;
  /**
   * The share of each delay that is random: a delay `d` becomes a value drawn uniformly from
   * `[(1 - jitter) * d, d]`, so replicas that failed together do not retry together. `0`
   * turns jitter off; it must stay below 1, so that no delay can be 0.
   *
   * @default {0.5}
   */
  readonly jitter?: number;
  /**
   * When `next()` is called after this long without a call (the operation went well for that
   * long), the sequence starts again at `initialMs`. `0` or `Infinity` turns it off (call
   * {@linkcode Backoff.reset} yourself).
   *
   * @default {120000}
   */
  readonly resetAfterMs?: number;
  /**
   * The clock, in ms (for tests).
   *
   * @default {performance.now}
   */
  readonly now?: () => number;
  /**
   * The random source, in `[0, 1)` (for tests).
   *
   * @default {Math.random}
   */
  readonly random?: () => number;
}

/**
 * `value` if it is a number in the range (bounds inclusive unless `exclusive` says otherwise);
 * otherwise a RangeError naming the option. Zero delays or zero-width jitter ranges that would
 * retry in a tight loop, and infinite delays that would never retry, are out of range.
 */
function checkNumber(
  name: string,
  value: number,
  min: number,
  max: number,
  exclusive: { min?: boolean; max?: boolean } = {},
): number {
  const inRange = typeof value === "number" &&
    (exclusive.min ? value > min : value >= min) &&
    (exclusive.max ? value < max : value <= max);
  if (!inRange) {
    const range = `${exclusive.min ? "(" : "["}${min}, ${max}${exclusive.max ? ")" : "]"}`;
    throw new RangeError(`Backoff: ${name} must be a number in ${range}, got ${String(value)}`);
  }
  return value;
}

/**
 * Capped exponential backoff with jitter. Call {@linkcode Backoff.next} after each failure for
 * the delay to wait before the next attempt, and {@linkcode Backoff.reset} after a success
 * (or let `resetAfterMs` reset it after a long enough quiet period).
 *
 * With the defaults the delays are 800 ms, 1.6 s, 3.2 s, ... up to 30 s, each reduced by up
 * to half at random, and start again at 800 ms after 120 s without a failure (kube-rs's
 * watcher defaults).
 *
 * @example
 * ```ts
 * import { Backoff } from "@staircase/staircase/controller";
 *
 * const backoff = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0 });
 * console.log([1, 2, 3, 4, 5].map(() => backoff.next())); // [ 100, 200, 400, 800, 1000 ]
 * backoff.reset();
 * console.log(backoff.next()); // 100
 * ```
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #resetAfterMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  #attempts = 0;
  #exponent = 0;
  #lastFailure = -Infinity;

  /**
   * Creates a backoff policy.
   *
   * @param options Delays, jitter and reset period (kube-rs's watcher defaults when omitted).
   * @throws {RangeError} If an option is out of range: `initialMs` not a finite number > 0,
   *   `maxMs` not finite or below `initialMs`, `factor` not finite or below 1, `jitter` outside
   *   `[0, 1)`, `resetAfterMs` negative or NaN.
   */
  constructor(options: BackoffOptions = {}) {
    this.#initialMs = checkNumber("initialMs", options.initialMs ?? 800, 0, Infinity, {
      min: true,
      max: true,
    });
    this.#maxMs = checkNumber("maxMs", options.maxMs ?? 30_000, this.#initialMs, Infinity, {
      max: true,
    });
    this.#factor = checkNumber("factor", options.factor ?? 2, 1, Infinity, { max: true });
    this.#jitter = checkNumber("jitter", options.jitter ?? 0.5, 0, 1, { max: true });
    this.#resetAfterMs = checkNumber("resetAfterMs", options.resetAfterMs ?? 120_000, 0, Infinity);
    this.#now = options.now ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.#attempts;
  }

  /**
   * The delay to wait before the next attempt, in ms; advances the sequence.
   *
   * @returns A delay in `[(1 - jitter) * d, d]` where `d = min(maxMs, initialMs * factor^n)`.
   */
  next(): number {
    const now = this.#now();
    if (
      this.#resetAfterMs > 0 && this.#resetAfterMs !== Infinity &&
      now - this.#lastFailure >= this.#resetAfterMs
    ) {
      this.#attempts = 0;
      this.#exponent = 0;
    }
    this.#lastFailure = now;
    this.#attempts++;
    const base = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#exponent);
    // Past the cap the exponent stops growing (no Infinity after ~1000 failures).
    if (base < this.#maxMs) this.#exponent++;
    return base * (1 - this.#jitter * this.#random());
  }

  /** Starts the sequence again at `initialMs` (after a success). */
  reset(): void {
    this.#attempts = 0;
    this.#exponent = 0;
    this.#lastFailure = -Infinity;
  }
}
