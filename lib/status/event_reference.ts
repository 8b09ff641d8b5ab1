/**
 * {@linkcode objectReference}: the reference to an object that Events carry, and
 * {@linkcode withRegarding}: a sink whose Events are about one object by default.
 *
 * @module
 */

import type { EventInput, EventObjectReference, EventSink } from "./event_sink.ts";
import type { ObjectIdentity } from "./object_identity.ts";

/**
 * Builds the {@linkcode EventObjectReference} of an object for an Event's `regarding` or
 * `related` (apiVersion, kind, name, namespace, uid).
 *
 * @param object The object, with `apiVersion`, `kind` and `metadata`.
 * @returns The reference.
 *
 * @example
 * ```ts
 * import { objectReference } from "@staircase/staircase/status";
 *
 * const ref = objectReference({
 *   apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web", namespace: "prod", uid: "42" },
 * });
 * console.log(ref); // { apiVersion: "v1", kind: "ConfigMap", name: "web", namespace: "prod", uid: "42" }
 * ```
 */
export function objectReference(object: ObjectIdentity): EventObjectReference {
  const ref: Record<string, string> = {};
  if (object?.apiVersion) ref.apiVersion = object.apiVersion;
  if (object?.kind) ref.kind = object.kind;
  const meta = object?.metadata;
  if (meta?.name) ref.name = meta.name;
  if (meta?.namespace) ref.namespace = meta.namespace;
  if (meta?.uid) ref.uid = meta.uid;
  return ref;
}

/**
 * A view of `sink` whose Events are about `regarding` unless they name another object: what a
 * controller hands each Run as `context.events` (the Run's resource as the default subject).
 * Never throws, like the sink it wraps should not.
 *
 * @param sink Where Events go (e.g. an `EventRecorder`).
 * @param regarding The default subject.
 * @returns The view.
 *
 * @example
 * ```ts
 * import { type EventInput, objectReference, withRegarding } from "@staircase/staircase/status";
 *
 * const seen: EventInput[] = [];
 * const app = { apiVersion: "example.com/v1", kind: "App", metadata: { name: "web", namespace: "prod" } };
 * const events = withRegarding({ record: (e) => void seen.push(e) }, objectReference(app));
 * events.record({ type: "Normal", reason: "Synced", action: "Reconcile" });
 * console.log(seen[0].regarding?.name); // web
 * ```
 */
export function withRegarding(sink: EventSink, regarding: EventObjectReference): EventSink {
  return {
    record: (event: EventInput): void => {
      try {
        sink.record(event?.regarding === undefined ? { ...event, regarding } : event);
      } catch {
        // Recording is always allowed to fail: a sink that throws must not fail the step.
      }
    },
  };
}
