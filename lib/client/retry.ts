/**
 * When and how long to wait before retrying a request.
 *
 * Only requests that are safe to repeat are retried: `GET`, `HEAD` and `OPTIONS`, and any
 * request its caller marks as idempotent. A mutating request that failed on the wire may have
 * been applied, so it is never repeated blindly.
 *
 * @module
 */

/**
 * Settings for retries.
 *
 * @example
 * ```ts
 * import { HttpRestClient, retryPolicy } from "@staircase/staircase/client";
 *
 * using client = new HttpRestClient({ server: "https://10.0.0.1:6443" }, {
 *   retry: { maxAttempts: 3, maxDelayMs: 2_000 },
 * });
 * console.log(retryPolicy({ maxAttempts: 3 }).baseDelayMs, client.connection.server); // 250 ...
 * ```
 */
export interface RetryOptions {
  /**
   * Attempts in total, including the first; 1 turns retries off.
   *
   * @default {5}
   */
  maxAttempts?: number;
  /**
   * The first backoff delay in milliseconds.
   *
   * @default {250}
   */
  baseDelayMs?: number;
  /**
   * The largest backoff delay in milliseconds.
   *
   * @default {10000}
   */
  maxDelayMs?: number;
  /**
   * The largest `Retry-After` honoured, in milliseconds.
   *
   * @default {60000}
   */
  maxRetryAfterMs?: number;
  /**
   * HTTP status codes worth retrying.
   *
   * @default {[429, 503, 504]}
   */
  statusCodes?: number[];
}

/**
 * {@linkcode RetryOptions} with every field filled in.
 *
 * @example
 * ```ts
 * import { type RetryPolicy, retryPolicy } from "@staircase/staircase/client";
 *
 * // Code that schedules retries reads every field without defaults of its own.
 * function worstCaseWaitMs(policy: RetryPolicy): number {
 *   return (policy.maxAttempts - 1) * Math.max(policy.maxDelayMs, policy.maxRetryAfterMs);
 * }
 * console.log(worstCaseWaitMs(retryPolicy({ maxAttempts: 2 }))); // 60000
 * ```
 */
export type RetryPolicy = Required<RetryOptions>;

/**
 * The retry defaults, filled in from `options`.
 *
 * @throws {RangeError} If a field is out of range: `maxAttempts` not a whole number >= 1, a
 * delay not a finite number > 0, `maxDelayMs` below `baseDelayMs`, or `statusCodes` not a list
 * of HTTP status codes.
 *
 * @example
 * ```ts
 * import { retryPolicy } from "@staircase/staircase/client";
 * console.log(retryPolicy({ maxAttempts: 3 }).statusCodes); // [ 429, 503, 504 ]
 * ```
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? 5,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    statusCodes: options.statusCodes ?? [429, 503, 504],
  };
  checkPolicy(policy);
  return policy;
}

/**
 * Refuses a policy that would retry forever (`maxAttempts` NaN or infinite), in a tight loop (a
 * delay of 0 or less) or never come back (an infinite delay), with a RangeError naming the
 * field.
 */
function checkPolicy(policy: RetryPolicy): void {
  const { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs, statusCodes } = policy;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be a whole number >= 1, got ${maxAttempts}`);
  }
  const delays = { baseDelayMs, maxDelayMs, maxRetryAfterMs };
  for (const [name, value] of Object.entries(delays)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`retry.${name} must be a finite number of ms > 0, got ${value}`);
    }
  }
  if (maxDelayMs < baseDelayMs) {
    throw new RangeError(
      `retry.maxDelayMs must be at least retry.baseDelayMs (${baseDelayMs}), got ${maxDelayMs}`,
    );
  }
  const badCode = Array.isArray(statusCodes)
    ? statusCodes.find((code) => !Number.isInteger(code) || code < 100 || code > 599)
    : statusCodes;
  if (!Array.isArray(statusCodes) || badCode !== undefined) {
    throw new RangeError(
      `retry.statusCodes must be a list of HTTP status codes (100-599), got ${
        JSON.stringify(badCode ?? statusCodes)
      }`,
    );
  }
}

/** Methods that never change state, so repeating them is always safe. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a request with this method may be retried.
 *
 * @example
 * ```ts
 * import { isRetryableMethod } from "@staircase/staircase/client";
 * console.log(isRetryableMethod("GET"), isRetryableMethod("POST")); // true false
 * console.log(isRetryableMethod("PUT", true)); // true: the caller vouched for it
 * ```
 */
export function isRetryableMethod(method: string, idempotent?: boolean): boolean {
  return idempotent ?? SAFE_METHODS.has(method);
}

/**
 * The delay before retry number `attempt` (1 for the first retry): capped exponential backoff
 * with jitter, or the server's `Retry-After` when it gave one.
 *
 * @example
 * ```ts
 * import { retryDelayMs, retryPolicy } from "@staircase/staircase/client";
 * const policy = retryPolicy();
 * console.log(retryDelayMs(policy, 1) <= 250, retryDelayMs(policy, 1, 2) >= 2000); // true true
 * ```
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterSeconds?: number,
): number {
  // Only a positive wait counts: "0", a past date or garbage would mean "retry at once",
  // which hammers a server that is asking for room.
  if (retryAfterSeconds !== undefined && retryAfterSeconds > 0) {
    // A little jitter on top keeps many clients from returning in lockstep.
    const base = Math.min(retryAfterSeconds * 1000, policy.maxRetryAfterMs);
    return base + Math.random() * Math.min(base * 0.1, 1000);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": at least half the backoff, so retries never come back immediately.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Parses a `Retry-After` header (seconds, or an HTTP date) into seconds, clamped to
 * {@linkcode MAX_RETRY_AFTER_SECONDS}. Garbage, negative values, `0` and past dates give
 * `undefined`, so the caller falls back to its backoff instead of retrying at once.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "@staircase/staircase/client";
 * console.log(parseRetryAfter("3")); // 3
 * ```
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  let seconds: number;
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    seconds = Number(text);
  } else if (/[a-z]/i.test(text)) {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    seconds = (date - now) / 1000;
  } else {
    return undefined; // "-5", "1e9", "Infinity", ...: not a Retry-After value
  }
  if (!(seconds > 0)) return undefined;
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

/** The longest `Retry-After` taken at its word, in seconds (one day). */
export const MAX_RETRY_AFTER_SECONDS = 86_400;
