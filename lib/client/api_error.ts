/**
 * The typed error for a request the API server refused, and predicates over it.
 *
 * @module
 */

import { redactSecrets } from "./redact.ts";
import { MAX_RETRY_AFTER_SECONDS } from "./retry.ts";
import type { Status, StatusCause, StatusDetails } from "./status.ts";

/** Reasons the API server uses, by HTTP code, for bodies that carry no `Status`. */
const REASON_BY_CODE: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Expired",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/**
 * Where a failed request went, for the error message.
 *
 * @example
 * ```ts
 * import { type ApiErrorRequest, KubernetesApiError } from "@staircase/staircase/client";
 *
 * const request: ApiErrorRequest = { method: "GET", path: "/api/v1/namespaces/default/configmaps/a" };
 * const err = KubernetesApiError.fromResponseBody(404, "", request);
 * console.log(err.request?.path, err.message);
 * ```
 */
export interface ApiErrorRequest {
  /** The HTTP method. */
  method: string;
  /** The request path (without the query, which may be long). */
  path: string;
}

/**
 * A request the API server answered with a failure `Status`, or a watch `ERROR` event.
 *
 * @example Handling a missing object
 * ```ts
 * import { isNotFound, KubernetesApiError } from "@staircase/staircase/client";
 *
 * const err = new KubernetesApiError({ kind: "Status", code: 404, reason: "NotFound", message: "gone" });
 * console.log(err instanceof KubernetesApiError, isNotFound(err)); // true true
 * ```
 */
export class KubernetesApiError extends Error {
  /** The HTTP status code. */
  readonly code: number;
  /** The machine-readable reason, e.g. `NotFound`. */
  readonly reason: string;
  /** Extra data from the `Status`. */
  readonly details?: StatusDetails;
  /** The individual causes, e.g. one per invalid field. */
  readonly causes: StatusCause[];
  /** The `Status` object as the server sent it (or as synthesized from the HTTP response). */
  readonly status: Status;
  /** The request that failed, when known. */
  readonly request?: ApiErrorRequest;
  /** Seconds to wait before retrying, from `Retry-After` or the `Status` details. */
  readonly retryAfterSeconds?: number;

  /**
   * Builds the error from a `Status` and, optionally, the request that produced it. The
   * texts of the `Status` (its message and each cause's message) are redacted with
   * `redactSecrets`, because servers and proxies echo what they were sent.
   */
  constructor(status: Status, request?: ApiErrorRequest, retryAfterSeconds?: number) {
    const safe = redactStatus(status);
    const code = typeof safe.code === "number" ? safe.code : 500;
    const reason = safe.reason || REASON_BY_CODE[code] || "Unknown";
    const where = request ? `${request.method} ${request.path}: ` : "";
    super(`${where}${code} ${reason}${safe.message ? `: ${safe.message}` : ""}`);
    this.name = "KubernetesApiError";
    this.code = code;
    this.reason = reason;
    this.details = safe.details;
    this.causes = safe.details?.causes ?? [];
    this.status = safe;
    this.request = request;
    this.retryAfterSeconds = clampSeconds(retryAfterSeconds ?? safe.details?.retryAfterSeconds);
  }

  /**
   * Builds the error from an HTTP status code and the response body text.
   *
   * @example
   * ```ts
   * import { KubernetesApiError } from "@staircase/staircase/client";
   * const err = KubernetesApiError.fromResponseBody(503, "overloaded");
   * console.log(err.reason); // "ServiceUnavailable"
   * ```
   */
  static fromResponseBody(
    httpCode: number,
    body: string,
    request?: ApiErrorRequest,
    retryAfterSeconds?: number,
  ): KubernetesApiError {
    let status: Status | undefined;
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === "object" && parsed !== null && (parsed as Status).kind === "Status") {
        status = parsed as Status;
      }
    } catch {
      // not JSON: synthesize a Status below
    }
    if (!status) {
      const text = body.trim();
      status = {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        code: httpCode,
        reason: REASON_BY_CODE[httpCode] ?? "Unknown",
        message: text.length > 300 ? `${text.slice(0, 300)}…` : text || undefined,
      };
    }
    // The HTTP code is the truth when the body disagrees or lacks one.
    if (!status.code) status = { ...status, code: httpCode };
    return new KubernetesApiError(status, request, retryAfterSeconds);
  }
}

function clampSeconds(value: unknown): number | undefined {
  if (typeof value !== "number" || !(value >= 0)) return undefined;
  return Math.min(value, MAX_RETRY_AFTER_SECONDS);
}

function redactText(text: unknown): string | undefined {
  return typeof text === "string" ? redactSecrets(text) : undefined;
}

/** A copy of `status` whose free texts are redacted. */
function redactStatus(status: Status): Status {
  if (typeof status !== "object" || status === null) return {};
  const out: Status = { ...status };
  if (status.message !== undefined) out.message = redactText(status.message);
  const details = status.details;
  if (details && typeof details === "object") {
    out.details = { ...details };
    if (Array.isArray(details.causes)) {
      out.details.causes = details.causes.map((c) =>
        c && typeof c === "object" && c.message !== undefined
          ? { ...c, message: redactText(c.message) }
          : c
      );
    }
  }
  return out;
}

function hasReason(err: unknown, reason: string, code: number): err is KubernetesApiError {
  return err instanceof KubernetesApiError && (err.reason === reason || err.code === code);
}

/**
 * Whether `err` says the object does not exist (404).
 *
 * @example
 * ```ts
 * import { isNotFound } from "@staircase/staircase/client";
 * console.log(isNotFound(new Error("x"))); // false
 * ```
 */
export function isNotFound(err: unknown): err is KubernetesApiError {
  return hasReason(err, "NotFound", 404);
}

/**
 * Whether `err` is a write conflict (409 `Conflict`, e.g. a stale resourceVersion or an apply
 * field conflict).
 *
 * @example
 * ```ts
 * import { isConflict, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isConflict(new KubernetesApiError({ code: 409, reason: "Conflict" }))); // true
 * ```
 */
export function isConflict(err: unknown): err is KubernetesApiError {
  return err instanceof KubernetesApiError && err.reason === "Conflict";
}

/**
 * Whether `err` says the object being created already exists (409 `AlreadyExists`).
 *
 * @example
 * ```ts
 * import { isAlreadyExists, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isAlreadyExists(new KubernetesApiError({ code: 409, reason: "AlreadyExists" }))); // true
 * ```
 */
export function isAlreadyExists(err: unknown): err is KubernetesApiError {
  return err instanceof KubernetesApiError && err.reason === "AlreadyExists";
}

/**
 * Whether `err` says a resourceVersion or continue token is too old (410 `Gone`/`Expired`):
 * a watcher must list again.
 *
 * @example
 * ```ts
 * import { isGone, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isGone(new KubernetesApiError({ code: 410, reason: "Expired" }))); // true
 * ```
 */
export function isGone(err: unknown): err is KubernetesApiError {
  return err instanceof KubernetesApiError &&
    (err.code === 410 || err.reason === "Gone" || err.reason === "Expired");
}

/**
 * Whether `err` says the object is invalid (422).
 *
 * @example
 * ```ts
 * import { isInvalid, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isInvalid(new KubernetesApiError({ code: 422, reason: "Invalid" }))); // true
 * ```
 */
export function isInvalid(err: unknown): err is KubernetesApiError {
  return hasReason(err, "Invalid", 422);
}

/**
 * Whether `err` says the caller is not allowed to do this (403).
 *
 * @example
 * ```ts
 * import { isForbidden, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isForbidden(new KubernetesApiError({ code: 403, reason: "Forbidden" }))); // true
 * ```
 */
export function isForbidden(err: unknown): err is KubernetesApiError {
  return hasReason(err, "Forbidden", 403);
}

/**
 * Whether `err` says the server is throttling the caller (429).
 *
 * @example
 * ```ts
 * import { isTooManyRequests, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isTooManyRequests(new KubernetesApiError({ code: 429 }))); // true
 * ```
 */
export function isTooManyRequests(err: unknown): err is KubernetesApiError {
  return hasReason(err, "TooManyRequests", 429);
}

/**
 * Whether `err` says the credentials were refused (401).
 *
 * @example
 * ```ts
 * import { isUnauthorized, KubernetesApiError } from "@staircase/staircase/client";
 * console.log(isUnauthorized(new KubernetesApiError({ code: 401 }))); // true
 * ```
 */
export function isUnauthorized(err: unknown): err is KubernetesApiError {
  return hasReason(err, "Unauthorized", 401);
}
