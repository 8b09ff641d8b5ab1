/**
 * Status, conditions, events and finalizers for step-based controllers: helpers that tolerate
 * failure where the step model allows it.
 *
 * @example
 * ```ts
 * import type { EventSink } from "@staircase/staircase/status";
 *
 * const events: EventSink = { record: (event) => console.log(event.reason) };
 * events.record({ type: "Normal", reason: "Synced", action: "Reconcile" });
 * ```
 *
 * @module
 */

export * from "./event_sink.ts";
export * from "./status_writer.ts";
