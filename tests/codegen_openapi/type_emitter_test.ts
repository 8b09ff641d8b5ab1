import { deepEqual as assertEquals, match as assertMatch, ok } from "node:assert/strict";
import {
  emitDeclaration,
  escapeJsDoc,
  pluralKind,
  propertyKey,
  renderJsDoc,
  SchemaMappingError,
  type SchemaObject,
  schemaToType,
} from "../../codegen/common/mod.ts";

function assertStringIncludes(text: string, part: string): void {
  ok(text.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
}

function assertThrows(fn: () => unknown, type: new (...args: never[]) => Error): Error {
  try {
    fn();
  } catch (error) {
    ok(error instanceof type, `expected ${type.name}, got ${error}`);
    return error;
  }
  throw new Error(`expected ${type.name} to be thrown`);
}

const refs = { resolveRef: (ref: string) => ref.slice(ref.lastIndexOf("/") + 1) };
const t = (schema: SchemaObject): string => schemaToType(schema, "#", refs);
const squash = (text: string): string => text.replace(/\s+/g, " ").trim();

Deno.test("scalars and formats", () => {
  assertEquals(t({ type: "string" }), "string");
  assertEquals(t({ type: "string", format: "date-time" }), "string");
  assertEquals(t({ type: "integer", format: "int32" }), "number");
  assertEquals(t({ type: "integer", format: "int64" }), "number");
  assertEquals(t({ type: "number", format: "double" }), "number");
  assertEquals(t({ type: "boolean" }), "boolean");
});

Deno.test("enum becomes an open union of literals", () => {
  assertEquals(
    t({ type: "string", enum: ["A", "B"] }),
    '"A" | "B" | (string & Record<never, never>)',
  );
  assertEquals(t({ type: "integer", enum: [1, 2] }), "1 | 2 | (number & Record<never, never>)");
  assertEquals(
    t({ type: "string", enum: ["A", null], nullable: true }),
    '"A" | (string & Record<never, never>) | null',
  );
});

Deno.test("int-or-string and the IntOrString oneOf", () => {
  assertEquals(t({ "x-kubernetes-int-or-string": true }), "number | string");
  assertEquals(
    t({ "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] }),
    "number | string",
  );
  assertEquals(
    t({ format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] }),
    "number | string",
  );
});

Deno.test("preserve-unknown-fields gives JSON types", () => {
  assertEquals(t({ "x-kubernetes-preserve-unknown-fields": true }), "JSONValue");
  assertEquals(t({ type: "object", "x-kubernetes-preserve-unknown-fields": true }), "JSONObject");
  assertEquals(t({ type: "object" }), "JSONObject");
  assertEquals(t({}), "JSONValue");
  const withProps = t({
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
    properties: { a: { type: "string" } },
  });
  assertEquals(
    squash(withProps),
    "{ /** The `a` field. */ a?: string; " +
      "/** Fields the schema does not declare; the server keeps them. */ [key: string]: unknown; }",
  );
});

Deno.test("structural schemas: open objects take any members, empty objects only {}", () => {
  const s = (schema: SchemaObject) => schemaToType(schema, "#", { structural: true });
  assertEquals(
    s({ type: "object", "x-kubernetes-preserve-unknown-fields": true }),
    "Record<string, unknown>",
  );
  assertEquals(s({ type: "object" }), "Record<string, never>");
  assertEquals(s({ type: "object", additionalProperties: true }), "JSONObject");
  assertEquals(s({ "x-kubernetes-preserve-unknown-fields": true }), "JSONValue");
});

Deno.test("additionalProperties maps, also combined with properties", () => {
  assertEquals(
    t({ type: "object", additionalProperties: { type: "string" } }),
    "Record<string, string>",
  );
  assertEquals(t({ type: "object", additionalProperties: true }), "JSONObject");
  const mixed = t({
    type: "object",
    required: ["a"],
    properties: { a: { type: "string" }, b: { type: "integer" } },
    additionalProperties: { type: "boolean" },
  });
  assertStringIncludes(mixed, "[key: string]: boolean | string | number | undefined;");
  assertStringIncludes(mixed, "a: string;");
  assertStringIncludes(mixed, "b?: number;");
});

Deno.test("arrays, including arrays of maps and of unions", () => {
  assertEquals(t({ type: "array", items: { type: "string" } }), "string[]");
  assertEquals(
    t({ type: "array", items: { type: "object", additionalProperties: { type: "string" } } }),
    "Array<Record<string, string>>",
  );
  assertEquals(
    t({ type: "array", items: { type: "array", items: { type: "integer" } } }),
    "number[][]",
  );
  assertEquals(
    t({ type: "array", items: { oneOf: [{ type: "string" }, { type: "integer" }] } }),
    "Array<string | number>",
  );
  assertEquals(t({ type: "array" }), "JSONValue[]");
});

Deno.test("nullable adds null", () => {
  assertEquals(t({ type: "string", nullable: true }), "string | null");
  assertEquals(t({ type: "array", items: { type: "string" }, nullable: true }), "string[] | null");
});

Deno.test("$ref through the resolver, allOf wrapping a $ref with default", () => {
  assertEquals(t({ $ref: "#/components/schemas/io.k8s.Foo" }), "io.k8s.Foo");
  assertEquals(
    t({ allOf: [{ $ref: "#/x/ObjectMeta" }], default: {}, description: "d" }),
    "ObjectMeta",
  );
  assertThrows(() => schemaToType({ $ref: "#/x/Y" }, "#/a"), SchemaMappingError);
});

Deno.test("allOf with several members is an intersection; oneOf/anyOf are unions", () => {
  assertEquals(t({ allOf: [{ $ref: "#/A" }, { $ref: "#/B" }] }), "A & B");
  assertEquals(t({ anyOf: [{ $ref: "#/A" }, { type: "string" }] }), "A | string");
  // With a sibling type the branches only constrain values.
  assertEquals(
    t({
      type: "object",
      oneOf: [{ required: ["a"] }, { required: ["b"] }],
      additionalProperties: { type: "string" },
    }),
    "Record<string, string>",
  );
});

Deno.test("embedded resources get apiVersion, kind and metadata", () => {
  const type = squash(
    t({
      type: "object",
      "x-kubernetes-embedded-resource": true,
      "x-kubernetes-preserve-unknown-fields": true,
    }),
  );
  assertEquals(
    type,
    "{ apiVersion: string; kind: string; metadata?: JSONObject; " +
      "/** Fields the schema does not declare; the server keeps them. */ [key: string]: unknown; }",
  );
  const typed = schemaToType(
    {
      type: "object",
      "x-kubernetes-embedded-resource": true,
      properties: { spec: { type: "string" } },
    },
    "#",
    { embeddedMetadataType: "ObjectMeta" },
  );
  assertStringIncludes(typed, "metadata?: ObjectMeta;");
  assertStringIncludes(typed, "spec?: string;");
});

Deno.test("required decides optional; odd and keyword names; JSDoc with default and map keys", () => {
  const text = emitDeclaration("Thing", {
    type: "object",
    description: "A thing. Ends */ early? No.",
    required: ["default"],
    properties: {
      default: { type: "string", description: "keyword name" },
      "timeout-seconds": { type: "integer", default: 30 },
      ports: {
        type: "array",
        items: { type: "object", properties: { name: { type: "string" } } },
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["name", "protocol"],
      },
    },
  }, "#");
  assertStringIncludes(text, "export interface Thing {");
  assertStringIncludes(text, "default: string;");
  assertStringIncludes(text, '"timeout-seconds"?: number;');
  assertStringIncludes(text, "@default 30");
  assertStringIncludes(text, "List type `map`, keyed by `name`, `protocol`.");
  assertStringIncludes(text, "Ends *\\/ early");
  assertEquals(text.split("*/").length - 1, text.split("/**").length - 1);
});

Deno.test("inline objects can be hoisted through the naming callback", () => {
  const named: string[] = [];
  const type = schemaToType(
    {
      type: "object",
      properties: { spec: { type: "object", properties: { a: { type: "string" } } } },
    },
    "#",
    {
      nameInline: (_s, path) => {
        named.push(path);
        return path === "#/properties/spec" ? "ThingSpec" : undefined;
      },
    },
  );
  assertMatch(type, /spec\?: ThingSpec;/);
  assertEquals(named, ["#", "#/properties/spec"]);
});

Deno.test("unmappable constructs throw with the JSON path", () => {
  const bad = (schema: SchemaObject, path: RegExp) => {
    const error = assertThrows(() => schemaToType(schema, "#/spec", refs), SchemaMappingError);
    assertMatch((error as Error).message, path);
  };
  bad({ type: "tuple" }, /^#\/spec: unsupported type "tuple"/);
  bad({
    type: "object",
    properties: { a: { type: "array", items: [{ type: "string" }] as unknown as SchemaObject } },
  }, /^#\/spec\/properties\/a: tuple/);
  bad({ type: "string", enum: [{ a: 1 }] }, /not a scalar/);
});

Deno.test("naming and JSDoc helpers", () => {
  assertEquals(propertyKey("class"), "class");
  assertEquals(propertyKey("a.b"), '"a.b"');
  assertEquals(pluralKind("NetworkPolicy", "networkpolicies"), "NetworkPolicies");
  assertEquals(pluralKind("Endpoints", "endpoints"), "Endpoints");
  assertEquals(pluralKind("Ingress", "ingresses"), "Ingresses");
  assertEquals(escapeJsDoc("a */ b /* c"), "a *\\/ b /\\* c");
  assertEquals(renderJsDoc(""), "");
  assertEquals(renderJsDoc("one"), "/** one */\n");
});
