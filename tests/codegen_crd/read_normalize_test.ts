// Unit tests of CRD reading and schema normalization.
import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { CrdInputError, CrdSchemaError } from "../../codegen/crd/errors.ts";
import { generateCrdFiles } from "../../codegen/crd/generate.ts";
import { normalizeSchema } from "../../codegen/crd/normalize.ts";
import { parseCrdDocuments } from "../../codegen/crd/read.ts";
import { readablePath } from "../../codegen/crd/type_registry.ts";

const crdYaml = (extra: string) =>
  `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: xs.a.io}
spec:
  group: a.io
  names: {plural: xs, kind: X}
${extra}`;

Deno.test("empty documents are ignored; names default to plural.group", () => {
  const text = "---\n---\n" + crdYaml(`  scope: Cluster
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]`)
    .replace("metadata: {name: xs.a.io}\n", "metadata: {}\n");
  const { crds, notes } = parseCrdDocuments(text, "t.yaml");
  equal(crds.length, 1);
  equal(crds[0].crd.metadata?.name, "xs.a.io");
  equal(crds[0].origin, "t.yaml (document 2)");
  deepStrictEqual(notes, []);
});

Deno.test("incomplete or outdated CRDs are input errors naming the document", () => {
  const cases: [string, RegExp][] = [
    [crdYaml("  scope: Somewhere\n  versions: []"), /t\.yaml \(document 1\): .*spec\.scope/],
    [crdYaml("  scope: Cluster\n  versions: []"), /has no spec\.versions/],
    [
      crdYaml("  scope: Cluster").replace("names: {plural: xs, kind: X}", "names: {plural: xs}"),
      /spec\.names\.kind/,
    ],
    [
      crdYaml("  scope: Cluster\n  versions: [{name: v1}]").replace("/v1\n", "/v1beta1\n"),
      /apiextensions\.k8s\.io\/v1beta1 CRDs are not supported/,
    ],
    ["- just\n- a list\n", /^$/],
  ];
  for (const [text, pattern] of cases.slice(0, 4)) {
    throws(() => parseCrdDocuments(text, "t.yaml"), (err: unknown) => {
      return err instanceof CrdInputError && pattern.test(err.message) && err.documentIndex === 1;
    });
  }
  deepStrictEqual(parseCrdDocuments(cases[4][0], "l.yaml").notes, [
    "l.yaml (document 1): skipped, not an object",
  ]);
});

Deno.test("allOf merges required lists and nested properties", () => {
  const out = normalizeSchema({
    type: "object",
    properties: { a: { type: "object", properties: { b: { type: "string" } } } },
    allOf: [{ required: ["a"] }, { properties: { a: { required: ["b"] } } }],
  });
  deepStrictEqual(out, {
    type: "object",
    required: ["a"],
    properties: { a: { type: "object", required: ["b"], properties: { b: { type: "string" } } } },
  });
});

Deno.test("oneOf with only value constraints is left to the emitter", () => {
  const schema = { type: "string", oneOf: [{ enum: ["a"] }, { pattern: "^b" }] };
  deepStrictEqual(normalizeSchema(schema), schema);
});

Deno.test("readable paths", () => {
  equal(
    readablePath("/properties/spec/properties/ports/items/properties/name"),
    ".spec.ports[].name",
  );
  equal(readablePath("/properties/m/additionalProperties"), ".m[*]");
  equal(readablePath(""), ".");
});

Deno.test("schema errors carry crd, version and path", async () => {
  const crd = parseCrdDocuments(
    crdYaml(`  scope: Cluster
  versions:
    - name: v2
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {m: {type: object, additionalProperties: {$ref: "#/x"}}}}`),
    "r.yaml",
  ).crds[0].crd;
  let caught: unknown;
  try {
    await generateCrdFiles([crd]);
  } catch (err) {
    caught = err;
  }
  equal(caught instanceof CrdSchemaError, true, String(caught));
  const err = caught as CrdSchemaError;
  deepStrictEqual([err.crd, err.version, err.path], ["xs.a.io", "v2", ".spec.m[*]"]);
});
