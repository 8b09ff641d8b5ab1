/**
 * Environment variables the operator reads when its permissions allow it.
 *
 * @module
 */

/**
 * The value of `name`, or `undefined` when it is unset, empty, or not readable with the
 * process's permissions (the compiled binary allows only the variables it needs). Never asks
 * for a permission.
 *
 * @param name The variable's name.
 * @returns Its value, if set and readable.
 *
 * @example
 * ```ts
 * import { readableEnv } from "./env.ts";
 *
 * console.log(readableEnv("POD_NAMESPACE") ?? "default");
 * ```
 */
export function readableEnv(name: string): string | undefined {
  const allowed = Deno.permissions.querySync({ name: "env", variable: name });
  return allowed.state === "granted" ? Deno.env.get(name) || undefined : undefined;
}
