/**
 * The version of staircase, sent in the `User-Agent` of every request.
 *
 * @example
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(`staircase ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
