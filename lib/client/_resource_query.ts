// Internal: how a ResourceClient's options become query strings, request bodies and path
// segments.

import type { JSONValue } from "./contract.ts";
import type { DeleteOptions, ListOptions, WriteOptions } from "./resource_options.ts";

export function listQuery(opts: ListOptions = {}): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.labelSelector) q.set("labelSelector", opts.labelSelector);
  if (opts.fieldSelector) q.set("fieldSelector", opts.fieldSelector);
  if (opts.limit !== undefined) q.set("limit", String(opts.limit));
  if (opts.continue) q.set("continue", opts.continue);
  if (opts.resourceVersion !== undefined) q.set("resourceVersion", opts.resourceVersion);
  if (opts.resourceVersionMatch) q.set("resourceVersionMatch", opts.resourceVersionMatch);
  if (opts.timeoutSeconds !== undefined) q.set("timeoutSeconds", String(opts.timeoutSeconds));
  return q;
}

export function writeQuery(opts: WriteOptions = {}): URLSearchParams {
  const q = new URLSearchParams();
  if (opts.dryRun) q.set("dryRun", "All");
  if (opts.fieldManager) q.set("fieldManager", opts.fieldManager);
  if (opts.fieldValidation) q.set("fieldValidation", opts.fieldValidation);
  return q;
}

export function deleteBody(opts: DeleteOptions): JSONValue | undefined {
  if (
    opts.gracePeriodSeconds === undefined && !opts.propagationPolicy && !opts.preconditions
  ) return undefined;
  return {
    apiVersion: "v1",
    kind: "DeleteOptions",
    gracePeriodSeconds: opts.gracePeriodSeconds,
    propagationPolicy: opts.propagationPolicy,
    preconditions: opts.preconditions,
  };
}

/**
 * `value` when it is usable as one path segment (a name or namespace); `what` names it in
 * the error.
 *
 * @throws {TypeError} If it is empty, `.` or `..`.
 */
export function checkSegment(value: string, what: string): string {
  // An empty name would address the whole collection (delete("") would delete everything);
  // "." and ".." survive encodeURIComponent and fetch resolves them, so delete("..") would
  // otherwise address the parent path (the namespace itself).
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`${what} must be a non-empty string`);
  }
  if (value === "." || value === "..") {
    throw new TypeError(`${what} cannot be "${value}": it would address another path`);
  }
  return value;
}
