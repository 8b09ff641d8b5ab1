/**
 * Rewrites CRD schemas so that validation-only combinators carry their meaning into types:
 * `allOf` branches are merged into one shape, and `oneOf`/`anyOf` branches over an object's
 * properties (typically `required` lists) become a union of complete object shapes.
 *
 * @module
 */

import type { SchemaObject } from "../common/schema.ts";

/** Keys a `oneOf`/`anyOf` branch may have for it to be read as a variant of the object. */
const VARIANT_KEYS = new Set(["required", "properties", "description", "not"]);

/**
 * Returns a copy of `schema` with `allOf` merged and object `oneOf`/`anyOf` turned into unions
 * of whole object shapes, recursively.
 *
 * @example
 * ```ts
 * import { normalizeSchema } from "./normalize.ts";
 * const schema = normalizeSchema({
 *   type: "object",
 *   properties: { a: { type: "string" }, b: { type: "string" } },
 *   allOf: [{ required: ["a"] }, { required: ["b"] }],
 * });
 * console.log(schema.required); // [ "a", "b" ]
 * ```
 *
 * @param schema A CRD `openAPIV3Schema` or a part of it.
 * @returns The normalized schema; the input is not modified.
 */
export function normalizeSchema(schema: SchemaObject): SchemaObject {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  let out: SchemaObject = { ...schema };
  if (Array.isArray(out.allOf)) {
    const branches = out.allOf;
    delete out.allOf;
    for (const branch of branches) out = mergeSchemas(out, branch);
  }
  if (out.properties !== undefined) {
    const properties: Record<string, SchemaObject> = {};
    for (const [name, prop] of Object.entries(out.properties)) {
      properties[name] = normalizeSchema(prop);
    }
    out.properties = properties;
  }
  if (out.items !== undefined && !Array.isArray(out.items)) out.items = normalizeSchema(out.items);
  if (typeof out.additionalProperties === "object" && out.additionalProperties !== null) {
    out.additionalProperties = normalizeSchema(out.additionalProperties);
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = out[key];
    if (!Array.isArray(branches) || out.properties === undefined) continue;
    if (!branches.every((b) => Object.keys(b).every((k) => VARIANT_KEYS.has(k)))) continue;
    if (!branches.some((b) => b.required !== undefined)) continue;
    // Each branch narrows the same object: the type is the union of the narrowed objects.
    const base: SchemaObject = { ...out };
    delete base.oneOf;
    delete base.anyOf;
    delete base.description;
    delete base.nullable;
    delete base.default;
    const variants = branches.map((b) => {
      const { description: _d, not: _n, ...rest } = b;
      return normalizeSchema(mergeSchemas(base, rest));
    });
    return {
      ...(out.description === undefined ? {} : { description: out.description }),
      ...(out.nullable === undefined ? {} : { nullable: out.nullable }),
      ...(out.default === undefined ? {} : { default: out.default }),
      anyOf: variants,
    };
  }
  return out;
}

/** Merges `extra` into `base`: required lists are joined, properties merged, other keys kept. */
function mergeSchemas(base: SchemaObject, extra: SchemaObject): SchemaObject {
  const out: SchemaObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (key === "required" && Array.isArray(value)) {
      out.required = [...new Set([...(out.required ?? []), ...(value as string[])])];
    } else if (key === "properties" && typeof value === "object" && value !== null) {
      const merged: Record<string, SchemaObject> = { ...(out.properties ?? {}) };
      for (const [name, prop] of Object.entries(value as Record<string, SchemaObject>)) {
        merged[name] = merged[name] === undefined ? prop : mergeSchemas(merged[name], prop);
      }
      out.properties = merged;
    } else if (key === "allOf" && Array.isArray(value)) {
      for (const branch of value as SchemaObject[]) Object.assign(out, mergeSchemas(out, branch));
    } else if (out[key] === undefined) {
      out[key] = value;
    }
  }
  return out;
}
