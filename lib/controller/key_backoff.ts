/**
 * {@linkcode KeyBackoff}: how long a key waits before its next try after failed Runs.
 *
 * @module
 */

import { Backoff } from "./backoff.ts";

/**
 * Settings of a {@linkcode KeyBackoff}.
 *
 * @example
 * ```ts
 * import { KeyBackoff } from "@staircase/staircase/controller";
 *
 * // 100 ms after the first failure of a key, doubling up to a minute, without jitter.
 * const backoff = new KeyBackoff({ initialMs: 100, maxMs: 60_000, jitter: 0 });
 * console.log(backoff.next("prod/web"), backoff.next("prod/web"), backoff.next("prod/api")); // 100 200 100
 * ```
 */
export interface KeyBackoffOptions {
  /**
   * The delay after the first failure (as controller-runtime's per-item limiter).
   *
   * @default {5}
   */
  readonly initialMs?: number;
  /**
   * The longest delay: the doubling stops here.
   *
   * @default {300000}
   */
  readonly maxMs?: number;
  /**
   * Random spread: each delay is multiplied by a factor in `[1 - jitter, 1]`, so keys that
   * failed together do not retry together.
   *
   * @default {0.2}
   */
  readonly jitter?: number;
  /**
   * The random source in `[0, 1)` (tests pass a fixed one).
   *
   * @default {Math.random}
   */
  readonly random?: () => number;
}

/**
 * Per-key {@linkcode Backoff}: `initialMs` doubling per consecutive failure up to `maxMs`,
 * with jitter; {@linkcode KeyBackoff.reset} after a successful Run starts over. Only failed
 * Runs grow it (spurious triggers do not: the work queue collapses them instead).
 *
 * @example
 * ```ts
 * import { KeyBackoff } from "@staircase/staircase/controller";
 *
 * const backoff = new KeyBackoff({ initialMs: 5, maxMs: 1_000, jitter: 0 });
 * console.log(backoff.next("default/a"), backoff.next("default/a")); // 5 10
 * backoff.reset("default/a");
 * console.log(backoff.next("default/a")); // 5
 * ```
 */
export class KeyBackoff {
  /** The first delay in milliseconds. */
  readonly initialMs: number;
  /** The cap in milliseconds. */
  readonly maxMs: number;
  /** The jitter fraction. */
  readonly jitter: number;
  readonly #random: () => number;
  /** One {@linkcode Backoff} per key that is failing; its `attempts` are the failures. */
  readonly #keys = new Map<string, Backoff>();

  /**
   * Creates the backoff.
   *
   * @param options The delays; every field has a default.
   * @throws {RangeError} If `initialMs` is not > 0, `maxMs` < `initialMs`, or `jitter` is
   * outside `[0, 1)`.
   */
  constructor(options: KeyBackoffOptions = {}) {
    const initial = options.initialMs ?? 5;
    const max = options.maxMs ?? 300_000;
    const jitter = options.jitter ?? 0.2;
    if (!(initial > 0) || !Number.isFinite(initial)) {
      throw new RangeError(`KeyBackoff: initialMs must be a finite number > 0, got ${initial}`);
    }
    if (!(max >= initial) || !Number.isFinite(max)) {
      throw new RangeError(`KeyBackoff: maxMs must be finite and ≥ initialMs, got ${max}`);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new RangeError(`KeyBackoff: jitter must be in [0, 1), got ${jitter}`);
    }
    this.initialMs = initial;
    this.maxMs = max;
    this.jitter = jitter;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Records one more failure of `key` and returns how long to wait before retrying it.
   *
   * @param key The key that failed.
   * @returns The delay in milliseconds.
   */
  next(key: string): number {
    let backoff = this.#keys.get(key);
    if (backoff === undefined) {
      backoff = new Backoff({
        initialMs: this.initialMs,
        maxMs: this.maxMs,
        jitter: this.jitter,
        resetAfterMs: 0, // only a successful Run (reset) starts the key over
        random: this.#random,
      });
      this.#keys.set(key, backoff);
    }
    return backoff.next();
  }

  /** How many failures in a row `key` has had. */
  failures(key: string): number {
    return this.#keys.get(key)?.attempts ?? 0;
  }

  /** Forgets `key`'s failures (after a successful Run, or when the object is gone). */
  reset(key: string): void {
    this.#keys.delete(key);
  }
}
