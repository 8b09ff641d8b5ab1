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
import { FORBIDDEN, SchemaMappingError, type SchemaObject } from "./schema.ts";

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
  /**
   * Structural-schema (CustomResourceDefinition) semantics: the server prunes fields a schema
   * does not declare (an object without properties only keeps `{}`), fills in defaults (a
   * required field with a default is optional on input), and objects that preserve unknown
   * fields take any members (`Record<string, unknown>`, with or without declared properties).
   * Built-in types keep the OpenAPI meaning.
   *
   * @default {false}
   */
  structural?: boolean;
}

/** The JSDoc of the index signature of objects that preserve unknown fields. */
const UNKNOWN_FIELDS_DOC = "Fields the schema does not declare; the server keeps them.";

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
  // ⟦n⟧ is a name placeholder of the CRD generator's type registry.
  return /^([A-Za-z0-9_$.]|⟦\d+⟧)+(\[\])*$/.test(type) ? `${type}[]` : `Array<${type}>`;
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
  if (schema["x-kubernetes-int-or-string"] === true) {
    tags.push(
      "An integer or a string: the server refuses a fractional number such as `0.5` (422).",
    );
  }
  if (schema.default !== undefined) tags.push(`@default ${JSON.stringify(schema.default)}`);
  return tags;
}

/**
 * Whether `schema` is an object the server prunes to `{}`: `type: object` without properties,
 * additional properties, preserved unknown fields or embedded resource (structural schemas).
 *
 * @example
 * ```ts
 * import { isPrunedEmptyObject } from "./type_emitter.ts";
 *
 * console.log(isPrunedEmptyObject({ type: "object" })); // true
 * console.log(isPrunedEmptyObject({ type: "object", "x-kubernetes-preserve-unknown-fields": true })); // false
 * ```
 */
export function isPrunedEmptyObject(schema: SchemaObject): boolean {
  return schema.type === "object" && Object.keys(schema.properties ?? {}).length === 0 &&
    (schema.additionalProperties === undefined || schema.additionalProperties === false) &&
    schema["x-kubernetes-preserve-unknown-fields"] !== true &&
    schema["x-kubernetes-embedded-resource"] !== true &&
    schema.$ref === undefined &&
    ![schema.allOf, schema.oneOf, schema.anyOf].some((l) => l?.some(carriesShape));
}

/** Notes on a member that only structural schemas need (pruning, server defaults). */
function structuralNotes(prop: SchemaObject, requiredWithDefault: boolean): string[] {
  const notes: string[] = [];
  let inner = prop;
  while (inner.type === "array" && inner.items !== undefined && !Array.isArray(inner.items)) {
    inner = inner.items;
  }
  if (isPrunedEmptyObject(inner)) {
    notes.push(
      "Only an empty object survives here: the schema declares no fields and does not preserve " +
        "unknown ones, so the server prunes everything sent.",
    );
  }
  if (requiredWithDefault) {
    notes.push("Required by the schema, optional on input: the server fills in the default.");
  }
  return notes;
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
    const defaulted = o.structural === true && required.has(name) && prop.default !== undefined;
    const notes = o.structural === true ? structuralNotes(prop, defaulted) : [];
    const doc = renderJsDoc(text, [...notes, ...schemaDocTags(prop)]);
    const optional = required.has(name) && !defaulted ? "" : "?";
    lines.push(`${doc}${propertyKey(name)}${optional}: ${type};`);
  }
  return { lines, types };
}

function refSiblingDescription(schema: SchemaObject): string | undefined {
  return schema.allOf?.length === 1 ? schema.allOf[0].description : undefined;
}

/**
 * The member lines (with JSDoc) of an object schema's declared properties, sorted by name,
 * without an index signature: for callers that add members of their own.
 *
 * @example
 * ```ts
 * import { objectMembers } from "./type_emitter.ts";
 *
 * const lines = objectMembers({ type: "object", properties: { a: { type: "string" } } }, "#");
 * console.log(lines.length, lines[0].endsWith("a?: string;")); // 1 true
 * ```
 */
export function objectMembers(
  schema: SchemaObject,
  path: string,
  options: TypeEmitterOptions = {},
): string[] {
  return memberLines(schema, path, options).lines;
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
    return `${renderJsDoc(UNKNOWN_FIELDS_DOC)}[key: string]: unknown;`;
  }
  if (valueType === undefined) return undefined;
  const optional = memberTypes.length > (schema.required?.length ?? 0) ? ["undefined"] : [];
  return `${renderJsDoc("Entries besides the declared fields.")}[key: string]: ${
    unionOf([valueType, ...memberTypes, ...optional])
  };`;
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
    if (o.structural === true && extra !== true) {
      // Preserved fields may hold values typed by interfaces, which JSONObject refuses.
      if (schema["x-kubernetes-preserve-unknown-fields"] === true) return "Record<string, unknown>";
      if (isPrunedEmptyObject(schema)) return "Record<string, never>";
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
    // One object type: an intersection with JSONObject would refuse the typed metadata.
    return schema["x-kubernetes-preserve-unknown-fields"] === true
      ? `{\napiVersion: string;\nkind: string;\nmetadata?: ${meta};\n${
        renderJsDoc(UNKNOWN_FIELDS_DOC)
      }[key: string]: unknown;\n}`
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
  if (schema[FORBIDDEN] === true) return "never";
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
