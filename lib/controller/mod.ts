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
export * from "./watcher_options.ts";
export * from "./watch_handler.ts";
export * from "./informer.ts";
export * from "./informer_options.ts";
export * from "./informers.ts";
export * from "./work_queue.ts";
export * from "./key_backoff.ts";
export * from "./write_record.ts";
export * from "./read_your_writes.ts";
export * from "./predicates.ts";
export * from "./controller.ts";
export * from "./operator.ts";
export * from "./leadership.ts";
export * from "./leader_election.ts";
export * from "./leader_election_options.ts";
export * from "./leader_election_errors.ts";
export * from "./health.ts";
export * from "./shutdown.ts";
export * from "./controller_options.ts";
export * from "./informer_provider.ts";
export * from "./one_change_rule.ts";
export * from "./watch_options.ts";
