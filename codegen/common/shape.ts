/**
 * Structural signatures of schemas: two schemas with the same signature map to the same
 * TypeScript type (descriptions, formats, enums — open unions — and validation keywords aside).
 * The CRD generator uses them to reuse a built-in type (`Container`, `LabelSelector`, ...) for a
 * CRD shape that is structurally identical to it.
 *
 * @module
 */

import { FORBIDDEN, type SchemaObject } from "./schema.ts";

/** How a signature reads a schema. */
export interface ShapeOptions {
  /** References being expanded (a cycle such as JSONSchemaProps stops at its name). */
  expanding?: ReadonlySet<string>;
  /**
   * CRD (structural schema) meaning, as the CRD generator maps it: a required field with a
   * default is optional, an object without properties is `{}` or open. Built-in schemas: false.
   */
  structural: boolean;
  /** Resolves a `$ref` to its schema (built-in schemas only). */
  resolveRef?: (ref: string) => SchemaObject | undefined;
}

/**
 * Shapes with fewer fields are neither indexed nor reused: `{ name }` matches unrelated types
 * by chance. The index (`codegen/crd/builtin_shapes.ts`) and the CRD matcher both apply it.
 */
export const MIN_REUSE_FIELDS = 3;

const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/**
 * The signature of `schema`. Quantities are `q` on both sides: a CRD quantity
 * (int-or-string with the quantity pattern, as controller-gen writes it) and the built-in
 * `Quantity` (a string) are taken for one shape.
 *
 * @example
 * ```ts
 * import { shapeSignature } from "./shape.ts";
 *
 * const a = shapeSignature({ type: "object", required: ["x"], properties: { x: { type: "integer", format: "int32" } } }, { structural: true });
 * const b = shapeSignature({ type: "object", required: ["x"], properties: { x: { type: "number", description: "X." } } }, { structural: false });
 * console.log(a === b, a); // true {x!:n}
 * ```
 */
export function shapeSignature(schema: SchemaObject, options: ShapeOptions): string {
  if (schema === null || typeof schema !== "object") return "?";
  const sig = baseSignature(schema, options);
  return schema.nullable === true ? `${sig}|null` : sig;
}

function baseSignature(s: SchemaObject, o: ShapeOptions): string {
  if (s[FORBIDDEN] === true) return "never";
  if (typeof s.$ref === "string") return refSignature(s.$ref, o);
  if (s.allOf?.length === 1 && typeof s.allOf[0].$ref === "string" && s.properties === undefined) {
    return refSignature(s.allOf[0].$ref, o);
  }
  if (s["x-kubernetes-int-or-string"] === true) {
    return typeof s.pattern === "string" && s.pattern.includes("[KMGTPE]i") ? "q" : "ios";
  }
  const branches = s.allOf ?? s.oneOf ?? s.anyOf;
  if (branches !== undefined && s.type === undefined && s.properties === undefined) {
    const sep = s.allOf !== undefined ? "&" : "|";
    return `(${branches.map((b) => shapeSignature(b, o)).join(sep)})`;
  }
  if (s["x-kubernetes-embedded-resource"] === true) return `emb${objectSignature(s, o)}`;
  const type = s.type ?? (s.properties !== undefined ? "object" : undefined);
  switch (type) {
    case "string":
      return "s";
    case "integer":
    case "number":
      return "n";
    case "boolean":
      return "b";
    case "array":
      return `[${
        s.items === undefined || Array.isArray(s.items) ? "any" : shapeSignature(s.items, o)
      }]`;
    case "object":
      return objectSignature(s, o);
    default:
      return "any";
  }
}

function refSignature(ref: string, o: ShapeOptions): string {
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  if (name === QUANTITY) return "q";
  if (name === INT_OR_STRING) return "ios";
  const target = o.resolveRef?.(ref);
  if (target === undefined || o.expanding?.has(ref)) return `ref:${name}`;
  return shapeSignature(target, { ...o, expanding: new Set([...(o.expanding ?? []), ref]) });
}

function objectSignature(s: SchemaObject, o: ShapeOptions): string {
  const props = Object.keys(s.properties ?? {}).sort();
  const extra = s.additionalProperties;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  if (props.length === 0) {
    if (typeof extra === "object" && extra !== null) return `map<${shapeSignature(extra, o)}>`;
    if (!o.structural || extra === true) return "json";
    return preserve ? "open" : "empty";
  }
  const required = new Set(s.required ?? []);
  const fields = props.map((name) => {
    const prop = s.properties![name];
    const req = required.has(name) && !(o.structural && prop.default !== undefined);
    return `${name}${req ? "!" : "?"}:${shapeSignature(prop, o)}`;
  });
  const rest = typeof extra === "object" && extra !== null
    ? `+${shapeSignature(extra, o)}`
    : extra === true
    ? "+any"
    : preserve
    ? "+*"
    : "";
  return `{${fields.join(",")}${rest}}`;
}

/**
 * The number of fields in a signature (every `name!:` or `name?:`), a measure of how much a
 * match says: small shapes such as `{name}` match unrelated types by chance.
 *
 * @example
 * ```ts
 * import { signatureFields } from "./shape.ts";
 * console.log(signatureFields("{a!:s,b?:{c?:n}}")); // 3
 * ```
 */
export function signatureFields(signature: string): number {
  return signature.match(/[!?]:/g)?.length ?? 0;
}

/**
 * A short, stable hash of a signature (two 32-bit FNV-1a variants, 16 hex digits).
 *
 * @example
 * ```ts
 * import { signatureHash } from "./shape.ts";
 * console.log(signatureHash("{a!:s}").length); // 16
 * ```
 */
export function signatureHash(signature: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < signature.length; i++) {
    const c = signature.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000197) >>> 0;
  }
  return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
}
