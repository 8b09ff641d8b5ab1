/**
 * Names and declarations of the nested object types of one kind, deduplicated by structure:
 * two inline objects with the same shape share one declaration, named after the path where
 * the shape was first seen.
 *
 * @module
 */

import { pascalCase } from "../common/naming.ts";
import type { SchemaObject } from "../common/schema.ts";
import { emitDeclaration, type TypeEmitterOptions } from "../common/type_emitter.ts";

/**
 * Collects named declarations for inline objects while types are emitted.
 *
 * @example
 * ```ts
 * import { TypeRegistry } from "./type_registry.ts";
 * import { schemaToType } from "../common/type_emitter.ts";
 *
 * const registry = new TypeRegistry(new Set());
 * const point = { type: "object", properties: { x: { type: "integer" } } };
 * const options = registry.options("Shape", {});
 * const type = schemaToType({ type: "object", properties: { a: point, b: point } }, "", options);
 * console.log(type.includes("ShapeA"), registry.declarations.length); // true 2
 * ```
 */
export class TypeRegistry {
  /** Declarations in the order their shapes were first seen. */
  readonly declarations: string[] = [];
  #byShape = new Map<string, string>();
  #taken: Set<string>;

  /**
   * Creates a registry.
   *
   * @param taken Type names already used in the module; new names avoid them and are added.
   */
  constructor(taken: Set<string>) {
    this.#taken = taken;
  }

  /**
   * Emitter options whose `nameInline` names objects after `root` and the path below it.
   *
   * @param root The name prefix, usually the kind.
   * @param base Other emitter options (JSON type names, embedded metadata type).
   * @returns Options for {@linkcode schemaToType} and {@linkcode emitDeclaration}.
   */
  options(root: string, base: TypeEmitterOptions): TypeEmitterOptions {
    const options: TypeEmitterOptions = {
      ...base,
      nameInline: (schema, path) => this.#name(root, schema, path, options),
    };
    return options;
  }

  /**
   * Reserves a unique type name starting with `wanted`.
   *
   * @param wanted The preferred name.
   * @returns `wanted`, or `wanted` with a number appended if it is taken.
   */
  reserve(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.#taken.has(name); i++) name = `${wanted}${i}`;
    this.#taken.add(name);
    return name;
  }

  #name(root: string, schema: SchemaObject, path: string, options: TypeEmitterOptions): string {
    // The usage site documents description, default and nullability; the shape is the rest.
    const { description, nullable: _n, default: _d, ...shape } = schema;
    const key = canonicalJson(shape);
    const known = this.#byShape.get(key);
    if (known !== undefined) return known;
    const name = this.reserve(root + pathToName(path));
    this.#byShape.set(key, name);
    const slot = this.declarations.push("") - 1;
    const doc = description === undefined
      ? { description: `The object at \`${readablePath(path)}\` of ${root}.` }
      : { description };
    this.declarations[slot] = emitDeclaration(name, { ...shape, ...doc }, path, options);
    return name;
  }
}

/** `/properties/spec/properties/ports/items` → `SpecPorts`. */
function pathToName(path: string): string {
  const parts = path.split("/").filter((p) => p !== "");
  let name = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "properties" && i + 1 < parts.length) {
      name += pascalCase(parts[++i]).replace(/^_/, "") || "Field";
    } else if ((part === "anyOf" || part === "oneOf" || part === "allOf") && i + 1 < parts.length) {
      name += `Variant${Number(parts[++i]) + 1}`;
    } else if (part === "additionalProperties") {
      name += "Value";
    }
    // `items` adds nothing: an array of `Port` objects reads best as `Port[]`.
  }
  return name;
}

/**
 * Turns an emitter path (`/properties/spec/properties/ports/items`) into the object path
 * users know (`.spec.ports[]`).
 *
 * @example
 * ```ts
 * import { readablePath } from "./type_registry.ts";
 * console.log(readablePath("/properties/spec/properties/ports/items")); // .spec.ports[]
 * ```
 *
 * @param path The emitter's JSON path.
 * @returns The object path.
 */
export function readablePath(path: string): string {
  const parts = path.split("/").filter((p) => p !== "" && p !== "#");
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "properties" && i + 1 < parts.length) out += `.${parts[++i]}`;
    else if (part === "items") out += "[]";
    else if (part === "additionalProperties") out += "[*]";
    else if (/^(any|one|all)Of$/.test(part) && i + 1 < parts.length) {
      out += ` (variant ${Number(parts[++i]) + 1})`;
    } else out += `(${part})`;
  }
  return out === "" ? "." : out;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
