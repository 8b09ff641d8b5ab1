/**
 * staircase's controller runtime: watchers, caches, the work queue and controllers that run
 * step-based reconcilers when watched objects change.
 *
 * @example
 * ```ts
 * import { objectKey } from "@staircase/staircase/controller";
 *
 * console.log(objectKey({ metadata: { name: "web", namespace: "default" } })); // default/web
 * ```
 *
 * @module
 */

export * from "./cache.ts";
export * from "./backoff.ts";
export * from "./label_selector.ts";
export * from "./store.ts";
export * from "./watcher.ts";
export * from "./informer.ts";
export * from "./informers.ts";
