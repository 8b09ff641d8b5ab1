/**
 * The {@linkcode EventSink}: how steps report Kubernetes Events without being able to fail.
 *
 * @module
 */

/**
 * A reference to an object an Event is about (`regarding`) or related to.
 *
 * @example
 * ```ts
 * import {
 *   type EventInput,
 *   type EventObjectReference,
 *   withRegarding,
 * } from "@staircase/staircase/status";
 *
 * const ref: EventObjectReference = {
 *   apiVersion: "v1",
 *   kind: "ConfigMap",
 *   name: "web-config",
 *   namespace: "default",
 *   uid: "1234",
 * };
 * const heard: EventInput[] = [];
 * const events = withRegarding({ record: (event) => void heard.push(event) }, ref);
 * events.record({ type: "Normal", reason: "Synced", action: "Reconcile" });
 * console.log(heard[0].regarding?.kind, heard[0].regarding?.name); // ConfigMap web-config
 * ```
 */
export interface EventObjectReference {
  /** The object's apiVersion. */
  readonly apiVersion?: string;
  /** The object's kind. */
  readonly kind?: string;
  /** The object's name. */
  readonly name?: string;
  /** The object's namespace. */
  readonly namespace?: string;
  /** The object's UID. */
  readonly uid?: string;
  /** The object's resourceVersion. */
  readonly resourceVersion?: string;
  /** A field path inside the object, e.g. `spec.containers{web}`. */
  readonly fieldPath?: string;
}

/**
 * One Event as a step reports it (`events.k8s.io/v1` fields). The recorder fills in the
 * reporting controller and instance, times and series.
 *
 * @example
 * ```ts
 * import type { EventInput, EventSink } from "@staircase/staircase/status";
 *
 * const event: EventInput = {
 *   type: "Normal",
 *   reason: "ConfigMapCreated",
 *   action: "Create",
 *   note: "created ConfigMap web-config",
 * };
 * // What a step does with it: `context.events.record(event)`; here a sink that prints.
 * const events: EventSink = { record: (e) => console.log(`${e.type} ${e.reason}: ${e.note}`) };
 * events.record(event); // Normal ConfigMapCreated: created ConfigMap web-config
 * ```
 */
export interface EventInput {
  /** `Normal` or `Warning`. */
  readonly type: "Normal" | "Warning";
  /** A short CamelCase machine-readable reason, e.g. `ConfigMapCreated` (at most 128 chars). */
  readonly reason: string;
  /** What was done or failed, CamelCase, e.g. `Create` (at most 128 characters). */
  readonly action: string;
  /** A human-readable description (at most 1 KiB). */
  readonly note?: string;
  /** The object the Event is about; default: the resource of the Run. */
  readonly regarding?: EventObjectReference;
  /** A second object involved, e.g. the child that was created. */
  readonly related?: EventObjectReference;
}

/**
 * Where steps send Events (`context.events`). Recording is always allowed to fail: `record`
 * never throws and never blocks the step; failures are logged and counted by the recorder.
 *
 * @example
 * ```ts
 * import type { EventInput, EventSink } from "@staircase/staircase/status";
 *
 * // A step's helper takes the sink; a test passes one that keeps what it hears.
 * function announce(events: EventSink, name: string): void {
 *   events.record({ type: "Normal", reason: "Created", action: "Create", note: `created ${name}` });
 * }
 * const heard: EventInput[] = [];
 * announce({ record: (event) => void heard.push(event) }, "web-config");
 * console.log(heard[0].note); // created web-config
 * ```
 */
export interface EventSink {
  /** Reports an Event, best effort. */
  record(event: EventInput): void;
}
