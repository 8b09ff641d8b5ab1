/**
 * Comparing resourceVersions: since Kubernetes 1.35 (KEP-5504) the resourceVersions of one
 * resource type are comparable decimal integers, so "has the cache seen my write?" is a
 * comparison instead of a guess.
 *
 * @module
 */

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Thrown by {@linkcode compareResourceVersions} for a resourceVersion that is not a canonical
 * decimal integer (an older server, or a value that is not a resourceVersion at all).
 *
 * @example
 * ```ts
 * import { compareResourceVersions, ResourceVersionError } from "@staircase/staircase/client";
 *
 * try {
 *   compareResourceVersions("12", "abc");
 * } catch (error) {
 *   console.log(error instanceof ResourceVersionError); // true
 * }
 * ```
 */
export class ResourceVersionError extends Error {
  /** The value that could not be compared. */
  readonly resourceVersion: string;

  /**
   * Creates the error.
   *
   * @param resourceVersion The offending value.
   */
  constructor(resourceVersion: string) {
    super(
      `resourceVersion ${
        JSON.stringify(String(resourceVersion).slice(0, 40))
      } is not a decimal integer: it cannot be compared (KEP-5504 needs Kubernetes 1.35 or later)`,
    );
    this.name = "ResourceVersionError";
    this.resourceVersion = resourceVersion;
  }
}

/**
 * Orders two resourceVersions of the same resource type: negative when `a` is older, zero when
 * equal, positive when `a` is newer. Values of any length compare exactly (no float rounding).
 *
 * @param a A resourceVersion.
 * @param b Another resourceVersion of the same resource type.
 * @returns A number whose sign gives the order.
 * @throws {ResourceVersionError} If either value is not a canonical decimal integer.
 *
 * @example
 * ```ts
 * import { compareResourceVersions } from "@staircase/staircase/client";
 *
 * console.log(compareResourceVersions("999", "1000") < 0); // true
 * ```
 */
export function compareResourceVersions(a: string, b: string): number {
  if (typeof a !== "string" || !DECIMAL.test(a)) throw new ResourceVersionError(a);
  if (typeof b !== "string" || !DECIMAL.test(b)) throw new ResourceVersionError(b);
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
