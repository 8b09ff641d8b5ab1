// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * A yes/no existence check for cache and lock paths.
 *
 * @module
 */

/**
 * Whether `path` exists (any kind of file; false on any error).
 *
 * @example
 * ```ts
 * import { pathExists } from "./path_exists.ts";
 * console.log(await pathExists("/")); // true
 * ```
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
