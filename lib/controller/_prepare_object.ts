// Internal: an object as an informer stores it: named, without managedFields unless kept,
// transformed, deeply frozen.

import { getLogger } from "@logtape/logtape";
import type { InformerOptions } from "./informer_options.ts";

const log = getLogger(["staircase", "controller", "informer"]);

function deepFreeze(object: object): void {
  Object.freeze(object);
  // Object.values is several times faster than for...in on JSON objects.
  const values: unknown[] = Array.isArray(object) ? object : Object.values(object);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) deepFreeze(value);
  }
}

function objectName(object: unknown): string {
  const metadata = (object as { metadata?: { name?: string; namespace?: string } }).metadata;
  return metadata?.namespace ? `${metadata.namespace}/${metadata.name}` : `${metadata?.name}`;
}

/**
 * The object as stored: managedFields dropped, transformed, frozen. An object without a name
 * or whose transform throws is logged and left out (`undefined`), so one bad object cannot
 * stop the watch; for a deletion the untransformed object is used instead.
 */
export function prepareObject<T>(
  raw: T,
  kind: string,
  options: Pick<InformerOptions<T>, "keepManagedFields" | "transform">,
  deletion = false,
): T | undefined {
  let object = raw;
  const metadata = (object as { metadata?: { managedFields?: unknown; name?: unknown } })
    .metadata;
  if (typeof metadata?.name !== "string" || metadata.name === "") {
    log.error(`a ${kind} without metadata.name was left out of the cache`);
    return undefined;
  }
  if (!options.keepManagedFields && metadata.managedFields !== undefined) {
    // A new metadata object rather than `delete`, which would turn it into a slower,
    // larger dictionary-mode object.
    const { managedFields: _, ...rest } = metadata;
    (object as { metadata?: unknown }).metadata = rest;
  }
  if (options.transform) {
    try {
      object = options.transform(object);
    } catch (err) {
      log.error(
        `the ${kind} cache's transform threw on ${JSON.stringify(objectName(raw))}: ${
          String(err)
        }; ${deletion ? "deleted as it came" : "left out of the cache"}`,
      );
      if (!deletion) return undefined;
      object = raw;
    }
  }
  if (typeof object === "object" && object !== null) deepFreeze(object);
  return object;
}
