// The CRD generator on a large CRD set of its own (issue 13): 150 CustomResourceDefinitions of
// about 24 MB of YAML, shaped like operator CRDs (pod templates, containers, volumes, selectors
// and resource requirements inlined from the built-in schemas as controller-gen writes them; a
// second served version for every fourth). Target: the whole set in under 2 s.
//
//   deno run -A bench/codegen.ts [rounds]
//
// Rows, each the median of `rounds` runs (default 3), with ratios to a baseline:
// - read: YAML parsing of the set by the generator's reader, beside the `yaml` package's
//   parseAllDocuments (the reader before) and beside JSON.parse of the same documents (the
//   floor); and the JSON fast path (the same set as .json files).
// - format: one formatter pass for all files, beside one `deno fmt` process per file (before).
// - total: read + generate + format, beside the 2 s target; and the same without the reuse of
//   built-in types (the set is built from built-in shapes, so reuse shrinks its output more than
//   it would for real CRDs).

import { parseAllDocuments, stringify } from "yaml";
import { formatTypeScript, formatTypeScriptFiles } from "../codegen/common/format.ts";
import { generateCrdFiles } from "../codegen/crd/generate.ts";
import { readCrdSources } from "../codegen/crd/read.ts";
import type { SchemaObject } from "../codegen/common/schema.ts";
import { loadSpecs } from "../codegen/openapi/specs.ts";
import { DEFAULT_SPECS_DIR } from "../codegen/openapi/main.ts";
import { median } from "./_stats.ts";

const rounds = Number(Deno.args[0] ?? 3);
const CRDS = 150;
const TARGET_MS = 2000;

type Schemas = Map<string, SchemaObject>;
const PREFIX = "#/components/schemas/";
const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

/** A built-in schema inlined the way controller-gen writes it into a CRD. */
function inline(schemas: Schemas, name: string, stack: string[] = []): SchemaObject {
  const short = name.slice(name.lastIndexOf(".") + 1);
  if (short === "Quantity") {
    return {
      anyOf: [{ type: "integer" }, { type: "string" }],
      pattern: QUANTITY_PATTERN,
      "x-kubernetes-int-or-string": true,
    };
  }
  if (short === "IntOrString") {
    return { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true };
  }
  if (short === "Time" || short === "MicroTime") return { type: "string", format: "date-time" };
  if (stack.includes(name) || stack.length > 12) {
    return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  }
  return convert(schemas, schemas.get(name)!, [...stack, name]);
}

function convert(schemas: Schemas, s: SchemaObject, stack: string[]): SchemaObject {
  if (s.$ref !== undefined) return inline(schemas, s.$ref.slice(PREFIX.length), stack);
  let out: SchemaObject = {};
  if (s.allOf?.length === 1 && s.allOf[0].$ref !== undefined) {
    out = { ...inline(schemas, s.allOf[0].$ref.slice(PREFIX.length), stack) };
  }
  for (const [k, v] of Object.entries(s)) {
    if (k === "allOf" || k === "default" || k.startsWith("x-kubernetes-patch")) continue;
    if (k === "x-kubernetes-group-version-kind" || k === "x-kubernetes-unions") continue;
    if (k === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, SchemaObject>).map((
          [p, ps],
        ) => [p, convert(schemas, ps, stack)]),
      );
    } else if (k === "items" || k === "additionalProperties") {
      (out as Record<string, unknown>)[k] = typeof v === "object"
        ? convert(schemas, v as SchemaObject, stack)
        : v;
    } else out[k] = v;
  }
  if (out.properties !== undefined && out.type === undefined) out.type = "object";
  return out;
}

/** The CRD set: documents by file name. */
async function makeCrdSet(): Promise<Map<string, unknown>> {
  const schemas: Schemas = new Map();
  for (const { document } of await loadSpecs(DEFAULT_SPECS_DIR)) {
    for (const [n, s] of Object.entries(document.components?.schemas ?? {})) schemas.set(n, s);
  }
  const core = (n: string) => inline(schemas, `io.k8s.api.core.v1.${n}`);
  const template = core("PodTemplateSpec");
  const container = core("Container");
  const volume = core("Volume");
  const resources = core("ResourceRequirements");
  const selector = inline(schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector");
  const condition = inline(schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.Condition");
  const set = new Map<string, unknown>();
  for (let i = 0; i < CRDS; i++) {
    const kind = `Bench${i}`;
    const group = `g${i % 13}.bench.staircase.dev`;
    const big = i % 25 === 0;
    const spec: SchemaObject = {
      type: "object",
      description: `${kind} is the desired state, number ${i}.`,
      required: ["size"],
      properties: {
        size: { type: "integer", format: "int32", default: 1 },
        [`field${i}`]: { type: "string" },
        selector,
        resources,
        containers: { type: "array", items: container },
        ...(i % 3 === 0 ? { volumes: { type: "array", items: volume } } : {}),
        ...(big ? { template } : {}),
        mode: { type: "string", enum: ["Fast", "Slow"] },
      },
    };
    const schema: SchemaObject = {
      type: "object",
      properties: {
        apiVersion: { type: "string" },
        kind: { type: "string" },
        metadata: { type: "object" },
        spec,
        status: {
          type: "object",
          properties: {
            conditions: {
              type: "array",
              items: condition,
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["type"],
            },
            observedGeneration: { type: "integer", format: "int64" },
          },
        },
      },
    };
    const version = (name: string, storage: boolean) => ({
      name,
      served: true,
      storage,
      subresources: { status: {} },
      schema: { openAPIV3Schema: schema },
    });
    set.set(`${kind.toLowerCase()}.${group}`, {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${kind.toLowerCase()}s.${group}` },
      spec: {
        group,
        scope: "Namespaced",
        names: { kind, plural: `${kind.toLowerCase()}s`, listKind: `${kind}List` },
        versions: i % 4 === 0 ? [version("v1", true), version("v1beta1", false)] : [
          version("v1", true),
        ],
      },
    });
  }
  return set;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

if (import.meta.main) {
  const set = await makeCrdSet();
  const yamlDir = await Deno.makeTempDir({ prefix: "staircase-bench-yaml-" });
  const jsonDir = await Deno.makeTempDir({ prefix: "staircase-bench-json-" });
  const outDir = await Deno.makeTempDir({ prefix: "staircase-bench-out-" });
  let yamlBytes = 0;
  const yamlTexts: string[] = [];
  const jsonTexts: string[] = [];
  for (const [name, doc] of set) {
    const yamlText = stringify(doc, { lineWidth: 0 });
    const jsonText = JSON.stringify(doc);
    yamlBytes += yamlText.length;
    yamlTexts.push(yamlText);
    jsonTexts.push(jsonText);
    await Deno.writeTextFile(`${yamlDir}/${name}.yaml`, yamlText);
    await Deno.writeTextFile(`${jsonDir}/${name}.json`, jsonText);
  }
  console.log(
    `CRD set: ${set.size} CRDs, ${(yamlBytes / 1e6).toFixed(1)} MB of YAML, ` +
      `median of ${rounds} rounds`,
  );
  const rows = {
    readYaml: [] as number[],
    yamlPackage: [] as number[],
    jsonParse: [] as number[],
    readJson: [] as number[],
    formatOnce: [] as number[],
    formatEach: [] as number[],
    total: [] as number[],
    totalNoReuse: [] as number[],
  };
  let fileCount = 0;
  for (let r = 0; r < rounds; r++) {
    rows.yamlPackage.push(await time(() => yamlTexts.map((t) => parseAllDocuments(t))));
    rows.jsonParse.push(await time(() => jsonTexts.map((t) => JSON.parse(t))));
    rows.readYaml.push(await time(() => readCrdSources([yamlDir])));
    rows.readJson.push(await time(() => readCrdSources([jsonDir])));
    const { crds } = await readCrdSources([jsonDir]);
    const unformatted = await generateCrdFiles(crds.map((c) => c.crd), {
      outDir,
      format: false,
    });
    fileCount = unformatted.length;
    rows.formatOnce.push(
      await time(() => formatTypeScriptFiles(unformatted.map((f) => f.content))),
    );
    if (r === 0) {
      // One process per file, as before: slow, so measured once.
      rows.formatEach.push(
        await time(() => Promise.all(unformatted.map((f) => formatTypeScript(f.content)))),
      );
    }
    rows.total.push(
      await time(async () => {
        const read = await readCrdSources([yamlDir]);
        await generateCrdFiles(read.crds.map((c) => c.crd), { outDir });
      }),
    );
    rows.totalNoReuse.push(
      await time(async () => {
        const read = await readCrdSources([yamlDir]);
        // A meta import of another form turns the reuse of built-in types off.
        await generateCrdFiles(read.crds.map((c) => c.crd), { outDir, metaImport: "meta.ts" });
      }),
    );
  }
  const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<
    keyof typeof rows,
    number
  >;
  console.log(`read YAML (generator)      ${ms(m.readYaml)}`);
  console.log(
    `  yaml package (before)    ${ms(m.yamlPackage)}   generator: ${
      ratio(m.readYaml, m.yamlPackage)
    } of it`,
  );
  console.log(
    `  JSON.parse (floor)       ${ms(m.jsonParse)}   generator YAML: ${
      ratio(m.readYaml, m.jsonParse)
    } of it`,
  );
  console.log(
    `read JSON (fast path)      ${ms(m.readJson)}   ${
      ratio(m.readJson, m.jsonParse)
    } of JSON.parse`,
  );
  console.log(`format ${fileCount} files, one pass ${ms(m.formatOnce)}`);
  console.log(
    `  one process per file     ${ms(m.formatEach)}   one pass: ${
      ratio(m.formatOnce, m.formatEach)
    } of it`,
  );
  console.log(
    `total (read YAML, generate, format) ${ms(m.total)}   ${
      ratio(m.total, TARGET_MS)
    } of the ${TARGET_MS} ms target`,
  );
  console.log(
    `  without built-in reuse   ${ms(m.totalNoReuse)}   ${
      ratio(m.totalNoReuse, TARGET_MS)
    } of the target (this set is built from built-in shapes; real sets reuse less)`,
  );
  for (const dir of [yamlDir, jsonDir, outDir]) await Deno.remove(dir, { recursive: true });
}
