/**
 * Rewrites CRD schemas so that validation-only combinators carry their meaning into types:
 * `allOf` branches are merged into one shape, and `oneOf`/`anyOf` branches over an object's
 * properties (typically `required` lists) become a union of complete object shapes.
 *
 * @module
 */

import { FORBIDDEN, type SchemaObject } from "../common/schema.ts";

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
  // Every oneOf/anyOf, the object's own and those of allOf branches: all of them apply.
  const groups: { key: "oneOf" | "anyOf"; branches: SchemaObject[] }[] = [];
  const takeGroups = (from: SchemaObject): SchemaObject => {
    const rest = { ...from };
    for (const key of ["oneOf", "anyOf"] as const) {
      if (Array.isArray(rest[key])) groups.push({ key, branches: rest[key] });
      delete rest[key];
    }
    return rest;
  };
  out = takeGroups(out);
  if (Array.isArray(out.allOf)) {
    const branches = out.allOf;
    delete out.allOf;
    for (const branch of branches) out = mergeSchemas(out, takeGroups(branch));
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
  const variantGroups = groups.filter(({ branches }) =>
    out.properties !== undefined &&
    branches.every((b) => Object.keys(b).every((k) => VARIANT_KEYS.has(k))) &&
    branches.some((b) => b.required !== undefined)
  );
  // Other combinators only constrain values (a sibling type gives the shape); keep one of each.
  for (const { key, branches } of groups) {
    if (!variantGroups.some((g) => g.branches === branches)) out[key] ??= branches;
  }
  if (variantGroups.length === 0) return out;
  // Each branch narrows the same object: a group is the union of the narrowed objects, and
  // several groups (one per allOf branch) all apply: an intersection of such unions.
  const base: SchemaObject = { ...out };
  for (const key of ["oneOf", "anyOf", "description", "nullable", "default"]) delete base[key];
  const unions = variantGroups.map(({ key, branches }) => ({
    anyOf: branches.map((_, i) => normalizeSchema(variant(base, branches, i, key === "oneOf"))),
  }));
  return {
    ...(out.description === undefined ? {} : { description: out.description }),
    ...(out.nullable === undefined ? {} : { nullable: out.nullable }),
    ...(out.default === undefined ? {} : { default: out.default }),
    ...(unions.length === 1 ? unions[0] : { allOf: unions }),
  };
}

/**
 * The object `base` narrowed by branch `i`: its required fields, and `never` for the fields
 * it excludes. A `not` of required lists excludes those fields. With `exclusive` (oneOf: one
 * branch only may match), a field that alone would make another branch match is excluded too,
 * so `{ a, b }` does not type-check where the server accepts only one of them.
 */
function variant(
  base: SchemaObject,
  branches: SchemaObject[],
  i: number,
  exclusive: boolean,
): SchemaObject {
  const { description: _d, not, ...narrowing } = branches[i];
  const out = mergeSchemas(base, narrowing);
  const required = new Set(out.required ?? []);
  const excluded = new Set<string>();
  for (const name of singleRequirements(not as SchemaObject | undefined)) excluded.add(name);
  if (exclusive) {
    branches.forEach((other, j) => {
      if (j === i) return;
      const missing = (other.required ?? []).filter((name) => !required.has(name));
      if (missing.length === 1) excluded.add(missing[0]);
    });
  }
  const properties: Record<string, SchemaObject> = { ...(out.properties ?? {}) };
  for (const name of excluded) {
    if (required.has(name) || properties[name] === undefined) continue;
    properties[name] = { [FORBIDDEN]: true, description: properties[name].description };
  }
  return { ...out, properties };
}

/** The fields of `{required: [a]}` and `{anyOf: [{required: [a]}, {required: [b]}]}`. */
function singleRequirements(schema: SchemaObject | undefined): string[] {
  if (schema === undefined || schema === null || typeof schema !== "object") return [];
  const own = schema.required?.length === 1 ? schema.required : [];
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]
    .flatMap((b) => (b.required?.length === 1 ? b.required : []));
  return [...own, ...nested];
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
