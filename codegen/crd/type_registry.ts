/**
 * Names and declarations of the nested object types of one group-version, shared by its kinds:
 * identical shapes seen under the same property name are declared once. Names are given when
 * every kind has been rendered: the shortest path a shape is seen at, capped in length. Until
 * then declarations and references hold placeholders that {@linkcode TypeRegistry.resolve}
 * replaces.
 *
 * @module
 */

import { pascalCase } from "../common/naming.ts";
import type { SchemaObject } from "../common/schema.ts";
import { signatureHash } from "../common/shape.ts";
import type { BuiltinTypes } from "./builtin_types.ts";
import { emitDeclaration, type TypeEmitterOptions } from "../common/type_emitter.ts";

/** Names longer than this keep the kind and the last path segments that fit. */
export const MAX_TYPE_NAME_LENGTH = 60;

interface Shape {
  /** Candidate names: the kind, then the path segments, for every place the shape is seen. */
  candidates: { root: string; segments: string[]; path: string }[];
  /** The named shapes directly inside this one, and the path from this one to them. */
  children: { suffix: string; id: number }[];
}

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
 * const type = schemaToType({ type: "object", properties: { a: point, b: { type: "array", items: point } } }, "", options);
 * console.log(registry.resolve(type)); // { a?: ShapeA; b?: ShapeA[] } (formatted)
 * ```
 */
export class TypeRegistry {
  /** Declarations in the order their shapes were first seen (with placeholders). */
  readonly declarations: string[] = [];
  #byKey = new Map<string, number>();
  #shapes: Shape[] = [];
  #taken: Set<string>;
  #names: string[] | undefined;
  #emitting: { id: number; path: string }[] = [];
  #builtins: BuiltinTypes | undefined;
  #builtinByKey = new Map<string, string | undefined>();
  #hashes = new WeakMap<object, string>();

  /**
   * Creates a registry.
   *
   * @param taken Type names already used in the module; new names avoid them and are added.
   * @param builtins Built-in types to reuse for identical shapes; none when absent.
   */
  constructor(taken: Set<string>, builtins?: BuiltinTypes) {
    this.#taken = taken;
    this.#builtins = builtins;
  }

  /**
   * Emitter options whose `nameInline` names objects after `root` and the path below it.
   *
   * @param root The name prefix, usually the kind.
   * @param base Other emitter options (JSON type names, embedded metadata type).
   * @returns Options for `schemaToType` and `emitDeclaration`.
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

  /**
   * Replaces the placeholders in `text` with the final names and descriptions. The first call
   * gives every shape its name, so call it only after all kinds have been rendered.
   *
   * @param text Declarations or member types holding placeholders.
   * @returns The text with names.
   */
  resolve(text: string): string {
    this.#names ??= this.#assignNames();
    const names = this.#names;
    return text
      .replace(/⟦(\d+)⟧/g, (_, i) => names[Number(i)])
      .replace(/⟦D(\d+)⟧/g, (_, i) => this.#description(Number(i)));
  }

  #name(root: string, schema: SchemaObject, path: string, options: TypeEmitterOptions): string {
    // The usage site documents description, default and nullability; the shape is the rest.
    const { description, nullable: _n, default: _d, ...shape } = schema;
    // Identical shapes under different property names (configMapKeyRef, secretKeyRef) are
    // different things: each keeps a name of its own.
    const key = `${lastProperty(path)}\u0000${this.#hash(shape)}`;
    if (this.#builtins !== undefined) {
      if (!this.#builtinByKey.has(key)) {
        this.#builtinByKey.set(key, this.#builtins.match(shape, lastProperty(path)));
      }
      const builtin = this.#builtinByKey.get(key);
      if (builtin !== undefined) return builtin;
    }
    const parent = this.#emitting.at(-1);
    let id = this.#byKey.get(key);
    if (id !== undefined) {
      // Its nested shapes are seen here too: their shortest name may start at this place.
      this.#addCandidate(id, root, path);
    } else {
      id = this.#shapes.push({
        candidates: [{ root, segments: pathSegments(path), path }],
        children: [],
      }) - 1;
      this.#byKey.set(key, id);
      const slot = this.declarations.push("") - 1;
      this.#emitting.push({ id, path });
      try {
        this.declarations[slot] = emitDeclaration(
          placeholder(id),
          { ...shape, description: description ?? `⟦D${id}⟧` },
          path,
          options,
        );
      } finally {
        this.#emitting.pop();
      }
    }
    if (parent !== undefined) {
      this.#shapes[parent.id].children.push({ suffix: path.slice(parent.path.length), id });
    }
    return placeholder(id);
  }

  #addCandidate(id: number, root: string, path: string): void {
    const shape = this.#shapes[id];
    shape.candidates.push({ root, segments: pathSegments(path), path });
    for (const child of shape.children) this.#addCandidate(child.id, root, path + child.suffix);
  }

  /** A structural hash of a parsed schema value, computed once per object (bottom-up). */
  #hash(value: unknown): string {
    if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "u";
    const known = this.#hashes.get(value);
    if (known !== undefined) return known;
    const text = Array.isArray(value)
      ? `[${value.map((v) => this.#hash(v)).join(",")}]`
      : `{${
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => `${JSON.stringify(k)}:${this.#hash(v)}`)
          .join(",")
      }}`;
    // Short texts stay as they are; long ones are hashed so parents stay short.
    const hash = text.length <= 32 ? text : `#${signatureHash(text)}${text.length}`;
    this.#hashes.set(value, hash);
    return hash;
  }

  #assignNames(): string[] {
    const names: string[] = [];
    this.#shapes.forEach((shape, id) => {
      const best = shape.candidates.map(nameOf).sort((a, b) =>
        a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
      )[0];
      names[id] = this.reserve(best);
    });
    return names;
  }

  #description(id: number): string {
    const shape = this.#shapes[id];
    const first = shortest(shape.candidates);
    const more = new Set(shape.candidates.map((c) => `${c.root}${readablePath(c.path)}`)).size - 1;
    return `The object at \`${readablePath(first.path)}\` of ${first.root}` +
      (more > 0 ? ` (and ${more} more place${more === 1 ? "" : "s"})` : "") + ".";
  }
}

/** Stands for a name until names are given (brackets no schema or identifier uses). */
function placeholder(id: number): string {
  return `⟦${id}⟧`;
}

function shortest<T extends { root: string; segments: string[] }>(list: T[]): T {
  return [...list].sort((a, b) => {
    const [x, y] = [nameOf(a), nameOf(b)];
    return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
  })[0];
}

/** The kind and path segments as a name, keeping the last segments that fit the cap. */
function nameOf({ root, segments }: { root: string; segments: string[] }): string {
  let kept = segments;
  while (kept.length > 1 && (root + kept.join("")).length > MAX_TYPE_NAME_LENGTH) {
    kept = kept.slice(1);
  }
  return root + kept.join("");
}

/** The raw name of the last property in an emitter path, `""` when there is none. */
function lastProperty(path: string): string {
  const parts = path.split("/");
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === "properties") return parts[i + 1];
  }
  return "";
}

/**
 * `/properties/spec/properties/ports/items` → `["Spec", "Ports"]`. Union variants add
 * `VariantN` only at the end: objects inside a variant are named like the object's own fields.
 */
function pathSegments(path: string): string[] {
  const parts = path.split("/").filter((p) => p !== "");
  const segments: { text: string; variant: boolean }[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === "properties" && i + 1 < parts.length) {
      segments.push({ text: pascalCase(parts[++i]).replace(/^_/, "") || "Field", variant: false });
    } else if ((part === "anyOf" || part === "oneOf" || part === "allOf") && i + 1 < parts.length) {
      segments.push({ text: `Variant${Number(parts[++i]) + 1}`, variant: true });
    } else if (part === "additionalProperties") {
      segments.push({ text: "Value", variant: false });
    }
    // `items` adds nothing: an array of `Port` objects reads best as `Port[]`.
  }
  let lastField = -1;
  segments.forEach((s, i) => {
    if (!s.variant) lastField = i;
  });
  return segments.filter((s, i) => !s.variant || i > lastField).map((s) => s.text);
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
