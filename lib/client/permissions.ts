/**
 * Turns Deno permission failures into {@linkcode MissingPermissionError}s naming the exact flag.
 *
 * @module
 */

import { MissingPermissionError } from "./errors.ts";

/**
 * The kinds of Deno permission the client uses.
 *
 * @example
 * ```ts
 * import type { PermissionKind } from "@staircase/staircase/client";
 * const kind: PermissionKind = "net";
 * console.log(`--allow-${kind}`); // --allow-net
 * ```
 */
export type PermissionKind = "read" | "env" | "net" | "run";

/**
 * Whether `err` is a Deno permission refusal.
 *
 * @example
 * ```ts
 * import { isPermissionError } from "@staircase/staircase/client";
 * console.log(isPermissionError(new Deno.errors.NotCapable("no"))); // true
 * ```
 */
export function isPermissionError(err: unknown): boolean {
  return err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied;
}

/**
 * Returns a {@linkcode MissingPermissionError} for `err` when it is a permission refusal,
 * otherwise `err` unchanged.
 *
 * @example
 * ```ts
 * import { explainPermissionError } from "@staircase/staircase/client";
 * const err = explainPermissionError(
 *   new Deno.errors.NotCapable("Requires read access"),
 *   "reading the kubeconfig",
 *   "read",
 *   "/home/me/.kube/config",
 * );
 * console.log((err as Error).message);
 * ```
 */
export function explainPermissionError(
  err: unknown,
  what: string,
  kind: PermissionKind,
  target: string,
): unknown {
  if (!isPermissionError(err)) return err;
  return new MissingPermissionError(what, `--allow-${kind}=${target}`, { cause: err });
}
