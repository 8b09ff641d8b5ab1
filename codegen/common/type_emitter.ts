/**
 * Maps OpenAPI v3 schema objects (with Kubernetes extensions) to TypeScript
 * type expressions and declarations. Shared by the built-in API and the CRD
 * generators; anything it cannot map raises {@linkcode SchemaMappingError}
 * instead of degrading to `any`.
 *
 * @module
 */

import { renderJsDoc } from "./jsdoc.ts";
import { propertyKey } from "./naming.ts";
import { SchemaMappingError, type SchemaObject } from "./schema.ts";

/** How the emitter resolves references and names inline objects. */
export interface TypeEmitterOptions {
  /**
   * Turns a `$ref` into a type expression (usually a local or imported type
   * name). Required when schemas contain references.
   */
  resolveRef?: (ref: string, path: string) => string;
  /**
   * Called for an inline object schema (one with properties) at `path`. Return
   * a type name after arranging for its declaration (the callback may call
   * {@linkcode emitDeclaration} itself and deduplicate); return `undefined` to
   * keep the object inline.
   */
  nameInline?: (schema: SchemaObject, path: string) => string | undefined;
  /** The type name for any JSON value; default `JSONValue`. */
  jsonValueType?: string;
  /** The type name for any JSON object; default `JSONObject`. */
  jsonObjectType?: string;
  /** The type of `metadata` in embedded resources; default the JSON object type. */
  embeddedMetadataType?: string;
}

/** Keys that give a schema a TypeScript shape (others only constrain values). */
const SHAPE_KEYS = new Set(["type", "properties", "additionalProperties", "items", "$ref"]);

function carriesShape(schema: SchemaObject): boolean {
  return Object.keys(schema).some((k) => SHAPE_KEYS.has(k) && schema[k] !== undefined) ||
    schema["x-kubernetes-int-or-string"] === true ||
    schema["x-kubernetes-preserve-unknown-fields"] === true ||
    [schema.allOf, schema.oneOf, schema.anyOf].some((l) => l?.some(carriesShape));
}

function jsonValue(o: TypeEmitterOptions): string {
  return o.jsonValueType ?? "JSONValue";
}

function jsonObject(o: TypeEmitterOptions): string {
  return o.jsonObjectType ?? "JSONObject";
}

function unionOf(types: string[]): string {
  // `&` binds tighter than `|`, so members never need parentheses.
  return [...new Set(types)].join(" | ");
}

/** Parenthesizes a type that has a top-level `|`, for use as an intersection member. */
function wrapForIntersection(type: string): string {
  let depth = 0;
  let quote = "";
  for (const ch of type) {
    if (quote !== "") {
      if (ch === quote) quote = "";
    } else if (ch === '"') quote = ch;
    else if ("([{<".includes(ch)) depth++;
    else if (")]}>".includes(ch)) depth--;
    else if (ch === "|" && depth === 0) return `(${type})`;
  }
  return type;
}

function arrayOf(type: string): string {
  return /^[A-Za-z0-9_$.]+(\[\])*$/.test(type) ? `${type}[]` : `Array<${type}>`;
}

function literalUnion(schema: SchemaObject, path: string): string {
  const values = (schema.enum ?? []).filter((v) => v !== null);
  const literals = values.map((v) => {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") {
      return JSON.stringify(v);
    }
    throw new SchemaMappingError(path, `enum value ${JSON.stringify(v)} is not a scalar`);
  });
  const kinds = new Set(values.map((v) => typeof v));
  // Open unions: servers may add values later, so any value of the base type is accepted.
  // `& Record<never, never>` keeps the literals from collapsing into the base type (editors
  // still suggest them) and, unlike `& {}`, passes the `ban-types` lint rule.
  if (kinds.size === 1 && kinds.has("string")) literals.push("(string & Record<never, never>)");
  else if (kinds.size === 1 && kinds.has("number")) {
    literals.push("(number & Record<never, never>)");
  } else if (kinds.size === 0) throw new SchemaMappingError(path, "enum without values");
  return unionOf(literals);
}

/**
 * JSDoc tags describing a schema: `@default` and list-map keys.
 *
 * @example
 * ```ts
 * import { schemaDocTags } from "./type_emitter.ts";
 *
 * console.log(schemaDocTags({ type: "integer", default: 1 })); // ["@default 1"]
 * ```
 */
export function schemaDocTags(schema: SchemaObject): string[] {
  const tags: string[] = [];
  const mapKeys = schema["x-kubernetes-list-map-keys"];
  if (schema["x-kubernetes-list-type"] === "map" && Array.isArray(mapKeys)) {
    tags.push(`List type \`map\`, keyed by ${mapKeys.map((k) => `\`${k}\``).join(", ")}.`);
  }
  if (schema.default !== undefined) tags.push(`@default ${JSON.stringify(schema.default)}`);
  return tags;
}

function memberLines(
  schema: SchemaObject,
  path: string,
  o: TypeEmitterOptions,
  memberTypes: Readonly<Record<string, string>> = {},
): { lines: string[]; types: string[] } {
  const required = new Set(schema.required ?? []);
  const lines: string[] = [];
  const types: string[] = [];
  for (const name of Object.keys(schema.properties ?? {}).sort()) {
    const prop = schema.properties![name];
    if (prop === null || typeof prop !== "object") {
      throw new SchemaMappingError(
        `${path}/properties/${name}`,
        "property schema is not an object",
      );
    }
    const type = Object.hasOwn(memberTypes, name)
      ? memberTypes[name]
      : schemaToType(prop, `${path}/properties/${name}`, o);
    types.push(type);
    // `deno doc --lint` wants JSDoc on every member, so undocumented ones get a stub.
    const text = prop.description ?? refSiblingDescription(prop) ?? `The \`${name}\` field.`;
    const doc = renderJsDoc(text, schemaDocTags(prop));
    const optional = required.has(name) ? "" : "?";
    lines.push(`${doc}${propertyKey(name)}${optional}: ${type};`);
  }
  return { lines, types };
}

function refSiblingDescription(schema: SchemaObject): string | undefined {
  return schema.allOf?.length === 1 ? schema.allOf[0].description : undefined;
}

function indexSignature(
  schema: SchemaObject,
  path: string,
  o: TypeEmitterOptions,
  memberTypes: string[],
): string | undefined {
  const extra = schema.additionalProperties;
  let valueType: string | undefined;
  if (extra === true || (typeof extra === "object" && extra !== null)) {
    valueType = extra === true
      ? jsonValue(o)
      : schemaToType(extra, `${path}/additionalProperties`, o);
  } else if (schema["x-kubernetes-preserve-unknown-fields"] === true) {
    // Known members have named types that are not assignable to JSONValue.
    return "[key: string]: unknown;";
  }
  if (valueType === undefined) return undefined;
  const optional = memberTypes.length > (schema.required?.length ?? 0) ? ["undefined"] : [];
  return `[key: string]: ${unionOf([valueType, ...memberTypes, ...optional])};`;
}

function objectLiteral(
  schema: SchemaObject,
  path: string,
  o: TypeEmitterOptions,
  memberTypes?: Readonly<Record<string, string>>,
): string {
  const { lines, types } = memberLines(schema, path, o, memberTypes);
  const index = indexSignature(schema, path, o, types);
  if (index !== undefined) lines.push(index);
  return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n}`;
}

function objectType(schema: SchemaObject, path: string, o: TypeEmitterOptions): string {
  const hasProps = Object.keys(schema.properties ?? {}).length > 0;
  const extra = schema.additionalProperties;
  if (!hasProps) {
    if (typeof extra === "object" && extra !== null) {
      return `Record<string, ${schemaToType(extra, `${path}/additionalProperties`, o)}>`;
    }
    return jsonObject(o);
  }
  const named = o.nameInline?.(schema, path);
  return named ?? objectLiteral(schema, path, o);
}

function embeddedResource(schema: SchemaObject, path: string, o: TypeEmitterOptions): string {
  const meta = o.embeddedMetadataType ?? jsonObject(o);
  const base = `{\napiVersion: string;\nkind: string;\nmetadata?: ${meta};\n}`;
  const rest: SchemaObject = { ...schema, "x-kubernetes-embedded-resource": false };
  const props = { ...(schema.properties ?? {}) };
  for (const k of ["apiVersion", "kind", "metadata"]) delete props[k];
  rest.properties = props;
  if (Object.keys(props).length === 0 && schema.additionalProperties === undefined) {
    return schema["x-kubernetes-preserve-unknown-fields"] === true
      ? `${base} & ${jsonObject(o)}`
      : base;
  }
  return `${base} & ${wrapForIntersection(objectType(rest, path, o))}`;
}

function combinedType(
  schema: SchemaObject,
  path: string,
  o: TypeEmitterOptions,
): string | undefined {
  if (schema.allOf !== undefined) {
    const parts = schema.allOf.map((s, i) => schemaToType(s, `${path}/allOf/${i}`, o));
    const rest: SchemaObject = { ...schema, allOf: undefined, nullable: undefined };
    if (carriesShape(rest)) parts.push(schemaToType(rest, path, o));
    return [...new Set(parts)].map(wrapForIntersection).join(" & ");
  }
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches === undefined) return undefined;
  const key = schema.oneOf !== undefined ? "oneOf" : "anyOf";
  const rest: SchemaObject = { ...schema, oneOf: undefined, anyOf: undefined, nullable: undefined };
  // With a sibling type the branches only constrain values (structural schemas).
  if (carriesShape(rest)) return schemaToType(rest, path, o);
  if (!branches.some(carriesShape)) return jsonValue(o);
  return unionOf(branches.map((s, i) => schemaToType(s, `${path}/${key}/${i}`, o)));
}

function baseType(schema: SchemaObject, path: string, o: TypeEmitterOptions): string {
  if (typeof schema.$ref === "string") {
    if (o.resolveRef === undefined) throw new SchemaMappingError(path, "$ref without a resolver");
    return o.resolveRef(schema.$ref, path);
  }
  if (schema["x-kubernetes-int-or-string"] === true) return "number | string";
  if (schema["x-kubernetes-embedded-resource"] === true) return embeddedResource(schema, path, o);
  const combined = combinedType(schema, path, o);
  if (combined !== undefined) return combined;
  if (schema.enum !== undefined) return literalUnion(schema, path);
  const type = schema.type ??
    (schema.properties !== undefined || schema.additionalProperties !== undefined
      ? "object"
      : undefined);
  switch (type) {
    case undefined:
      // No type and no structure: any JSON value is valid here.
      return schema["x-kubernetes-preserve-unknown-fields"] === true || !carriesShape(schema)
        ? jsonValue(o)
        : unreachable(path);
    case "string":
      return "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array": {
      if (Array.isArray(schema.items)) {
        throw new SchemaMappingError(path, "tuple-style `items` arrays are not supported");
      }
      const items = schema.items === undefined
        ? jsonValue(o)
        : schemaToType(schema.items, `${path}/items`, o);
      return arrayOf(items);
    }
    case "object":
      return objectType(schema, path, o);
    default:
      throw new SchemaMappingError(path, `unsupported type ${JSON.stringify(type)}`);
  }
}

function unreachable(path: string): never {
  throw new SchemaMappingError(path, "schema has structure but no type");
}

/**
 * The TypeScript type expression for `schema`. `path` is the JSON path used in
 * error messages and passed to the callbacks.
 *
 * @example Mapping a small schema
 * ```ts
 * import { schemaToType } from "./type_emitter.ts";
 *
 * const type = schemaToType({ type: "array", items: { type: "string" }, nullable: true }, "#");
 * console.log(type); // string[] | null
 * ```
 */
export function schemaToType(
  schema: SchemaObject,
  path: string,
  options: TypeEmitterOptions = {},
): string {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    throw new SchemaMappingError(path, "schema is not an object");
  }
  const type = baseType(schema, path, options);
  return schema.nullable === true ? unionOf([type, "null"]) : type;
}

/**
 * A complete exported declaration for a named schema, with JSDoc: an
 * `interface` for objects with properties, a `type` alias otherwise.
 *
 * @example
 * ```ts
 * import { emitDeclaration } from "./type_emitter.ts";
 *
 * const text = emitDeclaration("Foo", { type: "object", properties: { a: { type: "string" } } }, "#");
 * console.log(text); // export interface Foo { a?: string; }
 * ```
 *
 * @param name The type name.
 * @param schema The schema.
 * @param path The JSON path, for errors and callbacks.
 * @param options How references and inline objects are handled.
 * @param extraTags More JSDoc tags.
 * @param memberTypes Types that replace the mapped type of top-level members (the literal
 * `apiVersion` and `kind` of a kind).
 * @returns The declaration.
 */
export function emitDeclaration(
  name: string,
  schema: SchemaObject,
  path: string,
  options: TypeEmitterOptions = {},
  extraTags: string[] = [],
  memberTypes: Readonly<Record<string, string>> = {},
): string {
  const doc = renderJsDoc(schema.description, [...schemaDocTags(schema), ...extraTags]);
  const plainObject = schema.$ref === undefined && schema.allOf === undefined &&
    schema.oneOf === undefined && schema.anyOf === undefined && schema.enum === undefined &&
    schema.nullable !== true && schema["x-kubernetes-embedded-resource"] !== true &&
    schema["x-kubernetes-int-or-string"] !== true &&
    (schema.type === "object" || schema.type === undefined) &&
    Object.keys(schema.properties ?? {}).length > 0;
  if (plainObject) {
    return `${doc}export interface ${name} ${objectLiteral(schema, path, options, memberTypes)}\n`;
  }
  const inlineOnly = { ...options, nameInline: undefined };
  const top = schema.type === "object" && schema.properties !== undefined ? inlineOnly : options;
  return `${doc}export type ${name} = ${schemaToType(schema, path, top)};\n`;
}
