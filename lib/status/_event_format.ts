// Internal: the shape of the Events the recorder writes (validation, keys, bodies, times).

import type { Event } from "../apis/events.k8s.io/v1/types.ts";
import type { EventInput } from "./event_sink.ts";

/** The API server's limit on `note` (bytes). */
export const NOTE_LIMIT_BYTES = 1024;
/** The API server's limit on reason, action and reportingInstance (characters). */
export const NAME_LIMIT = 128;
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Whether `name` is valid as `reportingController` (a qualified name, at most 128 chars). */
export function isReportingName(name: string): boolean {
  return name.length <= NAME_LIMIT && QUALIFIED_NAME.test(name);
}

/** MicroTime: RFC 3339 with exactly six fractional digits, as the API server parses it. */
export function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

const encoder = new TextEncoder();

export function truncateUtf8(text: string, limitBytes: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short notes need no encoding at all.
  if (text.length * 3 <= limitBytes || encoder.encode(text).length <= limitBytes) return text;
  let bytes = 0;
  let out = "";
  for (const char of text) {
    bytes += encoder.encode(char).length;
    if (bytes > limitBytes - 3) break;
    out += char;
  }
  return out + "…";
}

export function eventNamePrefix(name: string | undefined): string {
  const cleaned = (name ?? "").toLowerCase().replace(/[^a-z0-9.-]/g, "-").slice(0, 200)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "");
  return cleaned === "" ? "event" : cleaned;
}

export function defaultInstance(controller: string): string {
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted") {
      const host = Deno.hostname();
      if (host !== "" && host.length <= NAME_LIMIT) return host;
    }
  } catch {
    // No permission API or no host name: fall back to a random id below.
  }
  const base = controller.slice(controller.lastIndexOf("/") + 1).slice(0, 100);
  return `${base}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Why `event` cannot be written, or undefined when it can. */
export function eventProblem(event: EventInput): string | undefined {
  if (typeof event !== "object" || event === null) return "the Event is not an object";
  if (event.type !== "Normal" && event.type !== "Warning") {
    return `type ${JSON.stringify(event.type)} must be Normal or Warning`;
  }
  for (const field of ["reason", "action"] as const) {
    const value = event[field];
    if (typeof value !== "string" || value === "" || value.length > NAME_LIMIT) {
      return `${field} must be a non-empty string of at most 128 characters`;
    }
  }
  if (event.note !== undefined && typeof event.note !== "string") return "note must be a string";
  if (typeof event.regarding !== "object" || event.regarding === null) {
    return "no regarding object (record through forObject(), or set event.regarding)";
  }
  return undefined;
}

/**
 * What makes two occurrences the same Event (client-go's isomorphism): the objects, type,
 * reason, action and note. The regarding object's resourceVersion is left out on purpose.
 */
export function seriesKey(event: EventInput, note: string | undefined): string {
  const regarding = event.regarding;
  return JSON.stringify([
    regarding?.apiVersion,
    regarding?.kind,
    regarding?.namespace,
    regarding?.name,
    regarding?.uid,
    regarding?.fieldPath,
    event.related?.apiVersion,
    event.related?.kind,
    event.related?.namespace,
    event.related?.name,
    event.related?.uid,
    event.type,
    event.reason,
    event.action,
    note,
  ]);
}

/** The Event as first created (name, namespace and series are added at write time). */
export function eventBody(
  event: EventInput,
  note: string | undefined,
  now: number,
  controller: string,
  instance: string,
): Event {
  const body: Event = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    eventTime: microTime(now),
    type: event.type,
    reason: event.reason,
    action: event.action,
    regarding: { ...event.regarding },
    reportingController: controller,
    reportingInstance: instance,
  };
  if (note !== undefined) body.note = note;
  if (event.related !== undefined) body.related = { ...event.related };
  return body;
}
