/**
 * The `meta/v1` `Status` object the API server returns for failures and for some deletes.
 *
 * @module
 */

/**
 * One cause of a failure, e.g. one invalid field.
 *
 * @example
 * ```ts
 * import type { StatusCause } from "./status.ts";
 * const cause: StatusCause = { reason: "FieldValueInvalid", field: "spec.replicas" };
 * console.log(cause.field);
 * ```
 */
export interface StatusCause {
  /** A machine-readable cause, e.g. `FieldValueInvalid`. */
  reason?: string;
  /** A human-readable description. */
  message?: string;
  /** The field the cause is about, e.g. `spec.replicas`. */
  field?: string;
}

/**
 * Extra data about a failure.
 *
 * @example
 * ```ts
 * import type { StatusDetails } from "./status.ts";
 * const details: StatusDetails = { name: "web", kind: "deployments", causes: [] };
 * console.log(details.name);
 * ```
 */
export interface StatusDetails {
  /** The name of the object concerned. */
  name?: string;
  /** The API group of the object concerned. */
  group?: string;
  /** The kind of the object concerned. */
  kind?: string;
  /** The UID of the object concerned. */
  uid?: string;
  /** The individual causes. */
  causes?: StatusCause[];
  /** Seconds the client should wait before retrying. */
  retryAfterSeconds?: number;
}

/**
 * The `meta/v1` `Status` shape.
 *
 * @example Telling a Status apart from an object after a delete
 * ```ts
 * import type { Status } from "./status.ts";
 * import { isStatus } from "./status.ts";
 *
 * const result: unknown = { kind: "Status", apiVersion: "v1", status: "Success" };
 * if (isStatus(result)) console.log((result as Status).status);
 * ```
 */
export interface Status {
  /** Always `Status`. */
  kind?: string;
  /** Always `v1`. */
  apiVersion?: string;
  /** List metadata. */
  metadata?: { resourceVersion?: string; selfLink?: string; continue?: string };
  /** `Success` or `Failure`. */
  status?: "Success" | "Failure" | (string & Record<never, never>);
  /** A human-readable description. */
  message?: string;
  /** A machine-readable reason, e.g. `NotFound`, `Conflict`, `AlreadyExists`. */
  reason?: string;
  /** Extra data about the failure. */
  details?: StatusDetails;
  /** The HTTP status code. */
  code?: number;
}

/**
 * Whether a value is a `meta/v1` `Status` object.
 *
 * @example
 * ```ts
 * import { isStatus } from "./status.ts";
 * console.log(isStatus({ kind: "Status", apiVersion: "v1" })); // true
 * ```
 */
export function isStatus(value: unknown): value is Status {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "Status" &&
    ((value as { apiVersion?: unknown }).apiVersion ?? "v1") === "v1";
}
