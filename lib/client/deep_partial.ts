/**
 * A type where every property, at every depth, is optional, for patch bodies.
 *
 * Arrays keep their element type whole, because merge patches replace arrays.
 * `null` is allowed everywhere so a merge patch can delete a field.
 *
 * @example
 * ```ts
 * import type { DeepPartial } from "@staircase/staircase/client";
 *
 * interface Thing { metadata: { name: string; labels?: Record<string, string> }; spec: { size: number } }
 * const patch: DeepPartial<Thing> = { metadata: { labels: { tier: "web" } } };
 * console.log(patch); // { metadata: { labels: { tier: "web" } } }
 * ```
 */
export type DeepPartial<T> = T extends ReadonlyArray<unknown> ? T | null
  : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null }
  : T | null;
