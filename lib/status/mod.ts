/**
 * Status, conditions, events, finalizers and child resources for step-based controllers:
 * helpers that tolerate failure where the step model allows it.
 *
 * @example
 * ```ts
 * import { isTrue, setCondition } from "@staircase/staircase/status";
 *
 * const conditions = setCondition(undefined, { type: "Ready", status: "True", reason: "Synced" });
 * console.log(isTrue(conditions, "Ready")); // true
 * ```
 *
 * @module
 */

export * from "./event_sink.ts";
export * from "./status_writer.ts";
export * from "./conditions.ts";
export * from "./observed_generation.ts";
export * from "./apply_status_writer.ts";
export * from "./event_recorder.ts";
export * from "./event_recorder_options.ts";
export * from "./event_reference.ts";
export * from "./children.ts";
export * from "./object_identity.ts";
export * from "./service_address.ts";
export * from "./child_reads.ts";
export * from "./finalizer.ts";
export * from "./strict_status.ts";
export * from "./ensure_child.ts";
