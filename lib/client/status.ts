/**
 * The `meta/v1` `Status` object the API server returns for failures and for some deletes.
 * The types are the generated ones of `apis/meta/v1` (the one declaration in the package),
 * re-exported here because every client call can answer with them.
 *
 * @module
 */

import type { Status } from "../apis/meta/v1/types.ts";

export type { Status, StatusCause, StatusDetails } from "../apis/meta/v1/types.ts";

/**
 * Whether a value is a `meta/v1` `Status` object.
 *
 * @example Telling a Status apart from an object after a delete
 * ```ts
 * import { isStatus } from "@staircase/staircase/client";
 *
 * const result: unknown = { kind: "Status", apiVersion: "v1", status: "Success" };
 * if (isStatus(result)) console.log(result.status); // Success
 * ```
 */
export function isStatus(value: unknown): value is Status {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "Status" &&
    ((value as { apiVersion?: unknown }).apiVersion ?? "v1") === "v1";
}
