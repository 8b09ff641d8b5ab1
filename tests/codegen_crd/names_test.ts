// Generated names and awkward schemas: kinds named like imported, runtime or global types,
// nested names colliding with kinds, odd property names, and the whole fixture output passing
// `deno fmt --check` and `deno check`.
import { doesNotMatch, equal, match, ok, rejects } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { emitApiModule } from "../../codegen/common/api_emitter.ts";
import { CrdInputError } from "../../codegen/crd/errors.ts";
import { generateCrdFiles, type GeneratedFile } from "../../codegen/crd/generate.ts";
import { parseCrdDocuments, readCrdSources } from "../../codegen/crd/read.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const fixtures = here("./fixtures");
const offline = here("./fixtures/offline");

let cache: GeneratedFile[] | undefined;
async function namesFile(name: "types.ts" | "mod.ts"): Promise<string> {
  cache ??= await generateCrdFiles(
    (await readCrdSources([`${offline}/names.yaml`])).crds.map((c) => c.crd),
  );
  const found = cache.find((f) => f.path === `names.staircase.dev/v1/${name}`);
  ok(found, `missing ${name}`);
  return found.content;
}

/** The body of the interface `name` (exported or not) in `text`. */
function iface(text: string, name: string): string {
  const start = text.search(new RegExp(`^(export )?interface ${name} \\{`, "m"));
  ok(start >= 0, `no interface ${name}`);
  return text.slice(start, text.indexOf("\n}\n", start));
}

Deno.test("a kind named like an imported or global type is exported under its own name", async () => {
  const types = await namesFile("types.ts");
  // The imports and the global Record keep their meaning inside the module.
  match(types, /^import type \{ ListMeta, ObjectMeta \} from /m);
  match(types, /^interface ObjectMetaKind \{/m);
  match(types, /^interface RecordKind \{/m);
  match(types, /^export type \{ ObjectMetaKind as ObjectMeta, RecordKind as Record \};$/m);
  doesNotMatch(types, /export interface (ObjectMeta|Record) /);
  match(iface(types, "ObjectMetaKind"), /metadata\?: ObjectMeta;/);
  match(iface(types, "ObjectMetaList"), /items: ObjectMetaKind\[\];/);
  match(iface(types, "RecordSpec"), /labels\?: Record<string, string>;/);
  match(iface(types, "RecordSpec"), /values\?: Array<string \| number>;/);
});

Deno.test("object types named like runtime types or globals are aliased in mod.ts", async () => {
  const mod = await namesFile("mod.ts");
  match(mod, /\n\s+ObjectList as ObjectListType,/);
  match(mod, /\n\s+Promise as PromiseType,/);
  match(mod, /\n\s+Status as StatusType,/);
  // The runtime's ObjectList, Status and the global Promise are still the real ones.
  match(mod, /#resource<T, L extends ObjectList<T>>/);
  match(mod, /getStatus\(name: string, opts\?: GetOptions\): Promise<StatusType>/);
  match(mod, /deleteStatus\(name: string, opts\?: DeleteOptions\): Promise<StatusType \| Status>/);
  match(mod, /getStatusScale\(name: string, opts\?: GetOptions\): Promise<Scale>/);
  match(mod, /getPromise\(name: string, opts\?: GetOptions\): Promise<PromiseType>/);
  match(mod, /listObjects\(opts\?: ListOptions\): Promise<ObjectListType>/);
});

Deno.test("emitApiModule leaves names alone when nothing collides", () => {
  const text = emitApiModule({
    className: "AIoV1Api",
    groupVersion: "a.io/v1",
    runtimeImport: "./client.ts",
    typesImport: "./types.ts",
    exampleImport: "./mod.ts",
    resources: [{
      group: "a.io",
      version: "v1",
      kind: "Widget",
      plural: "widgets",
      namespaced: false,
      typeName: "Widget",
      listTypeName: "WidgetList",
      verbs: ["get", "list"],
      patchKinds: ["merge"],
    }],
  });
  match(text, /import type \{ Widget, WidgetList \} from "\.\/types\.ts";/);
  doesNotMatch(text, / as /);
});

Deno.test("nested names never take a kind's name; status.spec is its own type", async () => {
  const types = await namesFile("types.ts");
  // `ObjectSpec` is a kind of the same group-version, so Object's spec type gets a suffix.
  match(iface(types, "Object"), /spec\?: ObjectSpec2;/);
  match(iface(types, "ObjectSpec"), /kind: "ObjectSpec";/);
  match(iface(types, "ObjectSpec2"), /list\?: ObjectSpecList2;/);
  match(iface(types, "ObjectStatus"), /spec\?: ObjectStatusSpec;/);
  match(iface(types, "ObjectStatusSpec"), /z\?: string;/);
});

Deno.test("odd property names, nested arrays, empty and open objects", async () => {
  const spec = iface(await namesFile("types.ts"), "ObjectSpec2");
  for (
    const line of [
      /\n\s+constructor\?: string;/,
      /\n\s+__proto__\?: string;/,
      /\n\s+toString\?: number;/,
      /\n\s+"héllo wörld"\?: string;/,
      /\n\s+"日本"\?: string;/,
      /\n\s+"123abc"\?: string;/,
      /\n\s+deep\?: ObjectSpecDeep\[\]\[\]\[\];/,
      /\n\s+intOrStrings\?: Array<number \| string>;/,
      /\n\s+emptyProps\?: Record<string, never>;/,
      /\n\s+bareObject\?: Record<string, never>;/,
      /\n\s+mixed\?: ObjectSpecMixed;/,
    ]
  ) match(spec, line);
  const types = await namesFile("types.ts");
  match(iface(types, "ObjectSpecDeep"), /inner\?: ObjectSpecDeepInner\[\]\[\];/);
  match(
    iface(types, "ObjectSpecMixed"),
    /known\?: string;\n\s+\/\*\*.*\*\/\n\s+\[key: string\]: unknown;/,
  );
});

Deno.test("every member of every generated type has JSDoc; articles read right", async () => {
  const { crds } = await readCrdSources([fixtures, offline]);
  for (const f of await generateCrdFiles(crds.map((c) => c.crd))) {
    if (!f.path.endsWith("types.ts")) continue;
    const lines = f.content.split("\n");
    lines.forEach((line, i) => {
      // Direct members of declarations (inline literals such as embedded resources aside).
      if (/^ {2}("[^"]*"|[\w$]+)\??: /.test(line)) {
        ok(lines[i - 1].trimEnd().endsWith("*/"), `${f.path}:${i + 1} undocumented: ${line}`);
      }
    });
  }
  const types = await namesFile("types.ts");
  match(types, /\* An Object object\./);
  match(types, /\* An Error object\./);
  match(types, /\* A Record object\./);
});

Deno.test("a kind that is not an identifier is a clear input error", async () => {
  const { crds } = parseCrdDocuments(
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: foo-bars.a.io}
spec:
  group: a.io
  scope: Cluster
  names: {plural: foo-bars, kind: Foo-Bar}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]`,
    "k.yaml",
  );
  await rejects(
    () => generateCrdFiles(crds.map((c) => c.crd)),
    (err: unknown) =>
      err instanceof CrdInputError &&
      /^foo-bars\.a\.io: spec\.names\.kind "Foo-Bar" is not a valid TypeScript identifier/
        .test(err.message),
  );
});

Deno.test("the output for every fixture CRD is deno fmt and deno check clean", async () => {
  const out = await Deno.makeTempDir({ prefix: "crd-names-" });
  try {
    const { crds } = await readCrdSources([fixtures, offline]);
    const files = await generateCrdFiles(crds.map((c) => c.crd), {
      outDir: out,
      runtimeImport: here("../../lib/client/mod.ts"),
      metaImport: here("../../lib/apis/meta/v1/mod.ts"),
    });
    ok(files.some((f) => f.path.startsWith("names.staircase.dev/")));
    const paths = files.map((f) => `${out}/${f.path}`);
    for (const f of files) {
      await Deno.mkdir(`${out}/${f.path.replace(/\/[^/]+$/, "")}`, { recursive: true });
      await Deno.writeTextFile(`${out}/${f.path}`, f.content);
    }
    for (
      const args of [
        ["fmt", "--check", "--line-width=100", ...paths],
        ["check", "--config", here("../../deno.json"), ...paths],
      ]
    ) {
      const result = await new Deno.Command(Deno.execPath(), {
        args,
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      equal(result.code, 0, `deno ${args[0]}: ${new TextDecoder().decode(result.stderr)}`);
    }
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
