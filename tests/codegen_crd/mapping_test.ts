// One assertion group per schema-mapping row of the CRD generator (issue 5), on the output
// generated from tests/codegen_crd/fixtures.
import { doesNotMatch, equal, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { generateCrdFiles, type GeneratedFile } from "../../codegen/crd/generate.ts";
import { readCrdSources } from "../../codegen/crd/read.ts";

const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));
const offline = `${fixtures}/offline`;
let cache: GeneratedFile[] | undefined;
async function files(): Promise<GeneratedFile[]> {
  cache ??= await generateCrdFiles(
    (await readCrdSources([fixtures, offline])).crds.map((c) => c.crd),
  );
  return cache;
}
async function file(path: string): Promise<string> {
  const found = (await files()).find((f) => f.path === path);
  ok(found, `missing ${path}`);
  return found.content;
}
const v1Types = () => file("example.staircase.dev/v1/types.ts");
const v1Mod = () => file("example.staircase.dev/v1/mod.ts");

/** The body of `export interface name { ... }` in `text`. */
function iface(text: string, name: string): string {
  const start = text.indexOf(`export interface ${name} {`);
  ok(start >= 0, `no interface ${name}`);
  return text.slice(start, text.indexOf("\n}\n", start));
}

Deno.test("enum becomes an open union of literals", async () => {
  match(
    await v1Types(),
    /mode\?: "Fast" \| "Slow" \| "with space" \| \(string & Record<never, never>\);/,
  );
  match(
    await v1Types(),
    /status: "True" \| "False" \| "Unknown" \| \(string & Record<never, never>\);/,
  );
});

Deno.test("int-or-string, int32/int64, number and date-time", async () => {
  const spec = iface(await v1Types(), "WidgetSpec");
  match(spec, /port\?: number \| string;/);
  match(spec, /replicas\?: number;/);
  match(spec, /size\?: number;/);
  match(spec, /ratio\?: number;/);
  match(spec, /createdAt\?: string;/);
});

Deno.test("preserve-unknown-fields becomes an open object or a JSON value", async () => {
  const spec = iface(await v1Types(), "WidgetSpec");
  match(spec, /config\?: Record<string, unknown>;/);
  match(spec, /extra\?: JSONValue;/);
  match(await v1Types(), /import type \{ JSONValue \} from/);
});

Deno.test("additionalProperties becomes Record, also next to properties", async () => {
  match(iface(await v1Types(), "WidgetSpec"), /labels\?: Record<string, string>;/);
  const text = await file("offline.staircase.dev/v1/types.ts");
  const annotated = iface(text, "MixtureSpecAnnotated");
  match(annotated, /primary\?: string;/);
  match(annotated, /\[key: string\]: string \| undefined;/);
});

Deno.test("embedded resources have apiVersion, kind and metadata", async () => {
  match(
    iface(await v1Types(), "WidgetSpec"),
    /template\?: \{\n\s+apiVersion: string;\n\s+kind: string;\n\s+metadata\?: ObjectMeta;\n.*\n\s+\[key: string\]: unknown;\n\s+\};/,
  );
});

Deno.test("arrays, arrays of maps and nested arrays", async () => {
  const spec = iface(await v1Types(), "WidgetSpec");
  match(spec, /selectors\?: Array<Record<string, string>>;/);
  match(spec, /matrix\?: number\[\]\[\];/);
  match(spec, /ports\?: WidgetSpecPorts\[\];/);
});

Deno.test("oneOf over required lists becomes a union of object shapes", async () => {
  const text = await v1Types();
  match(
    iface(text, "WidgetSpec"),
    /source\?: WidgetSpecSourceVariant1 \| WidgetSpecSourceVariant2;/,
  );
  // oneOf: exactly one branch matches, so each variant excludes the other's field.
  match(iface(text, "WidgetSpecSourceVariant1"), /\n\s+git: string;[^]*\n\s+image\?: never;/);
  match(iface(text, "WidgetSpecSourceVariant2"), /\n\s+git\?: never;[^]*\n\s+image: string;/);
});

Deno.test("anyOf/oneOf with typed branches become unions of the branch types", async () => {
  const spec = iface(await file("offline.staircase.dev/v1/types.ts"), "MixtureSpec");
  match(spec, /value\?: string \| string\[\];/);
  match(spec, /shape\?: MixtureSpecShapeVariant1 \| MixtureSpecShapeVariant2;/);
});

Deno.test("allOf is merged into one shape; value-only anyOf keeps the base type", async () => {
  const text = await v1Types();
  match(iface(text, "WidgetSpecLimits"), /\n\s+cpu: string;[^]*\n\s+memory: string;/);
  match(iface(text, "WidgetSpec"), /tiers\?: string;/);
});

Deno.test("list-type map keys, defaults and descriptions are in JSDoc", async () => {
  const text = await v1Types();
  match(text, /List type `map`, keyed by `name`, `protocol`\./);
  match(text, /List type `map`, keyed by `type`\./);
  match(text, /@default "Fast"/);
  match(text, /@default 1\n/);
  match(text, /@default "TCP"/);
  match(text, /\* How many copies to run\./);
});

Deno.test("comment terminators in descriptions are escaped", async () => {
  const text = await v1Types();
  match(text, /ends a comment \*\\\/ early/);
  doesNotMatch(text, /ends a comment \*\/ early/);
});

Deno.test("non-identifier property names are quoted; keyword names work", async () => {
  const spec = iface(await v1Types(), "WidgetSpec");
  match(spec, /"timeout-seconds"\?: number;/);
  match(spec, /\n\s+default\?: string;/);
  match(spec, /\n\s+class\?: string;/);
  match(spec, /\n\s+delete\?: boolean;/);
});

Deno.test("nullable adds null; required decides optionality", async () => {
  const text = await v1Types();
  const spec = iface(text, "WidgetSpec");
  match(spec, /nickname\?: string \| null;/);
  // Required with a default: optional on input (the server fills it in).
  match(spec, /\n\s+mode\?: /);
  match(spec, /\n\s+primary: WidgetSpecPrimary;/);
  match(iface(text, "WidgetSpecPorts"), /\n\s+name: string;[^]*\n\s+number\?: number;/);
  match(
    iface(await file("ops.staircase.dev/v1alpha1/types.ts"), "Backup"),
    /\n\s+spec: BackupSpec;/,
  );
});

Deno.test("identical nested shapes share one type per property name", async () => {
  const text = await v1Types();
  // primary and secondary have one shape but are different fields: each has its own name
  // (shared_test.ts covers sharing across kinds).
  match(iface(text, "WidgetSpec"), /secondary\?: WidgetSpecSecondary;/);
  equal(text.match(/export interface WidgetSpecPrimary /g)?.length, 1);
  match(iface(text, "GadgetSpec"), /owner\?: GadgetSpecOwner;/);
});

Deno.test("the resource type has apiVersion, kind, ObjectMeta; the list type ListMeta", async () => {
  const text = await v1Types();
  const widget = iface(text, "Widget");
  match(widget, /apiVersion: "example\.staircase\.dev\/v1";/);
  match(widget, /kind: "Widget";/);
  match(widget, /metadata\?: ObjectMeta;/);
  match(iface(text, "WidgetList"), /metadata\?: ListMeta;\n[^]*items: Widget\[\];/);
});

Deno.test("every served version is generated; deprecated ones are marked", async () => {
  const paths = (await files()).map((f) => f.path);
  ok(paths.includes("example.staircase.dev/v1beta1/types.ts"));
  ok(!paths.some((p) => p.includes("v1alpha1") && p.startsWith("example")), "unserved version");
  const types = await file("example.staircase.dev/v1beta1/types.ts");
  match(types, /@deprecated example\.staircase\.dev\/v1beta1 Widget is deprecated; use v1\n/);
  const mod = await file("example.staircase.dev/v1beta1/mod.ts");
  match(
    mod,
    /@deprecated example\.staircase\.dev\/v1beta1 Widget is deprecated; use v1\n\s+\*\/\n\s+getWidget\(/,
  );
  doesNotMatch(await v1Types(), /@deprecated/);
});

Deno.test("namespaced and cluster-scoped kinds get the matching API shape", async () => {
  const mod = await v1Mod();
  const [cluster, namespaced] = mod.split("export class ExampleStaircaseDevV1NamespacedApi");
  match(cluster, /getGadget\(name: string/);
  doesNotMatch(cluster, /getWidget\(/);
  match(cluster, /listWidgetsForAllNamespaces\(/);
  match(namespaced, /getWidget\(name: string/);
  doesNotMatch(namespaced, /Gadget\(/);
  doesNotMatch(await file("ops.staircase.dev/v1alpha1/mod.ts"), /NamespacedApi|namespace\(/);
});

Deno.test("status and scale methods only where declared", async () => {
  const mod = await v1Mod();
  match(mod, /patchWidgetStatus<K extends "apply" \| "json" \| "merge">\(/);
  match(mod, /getWidgetScale\(name: string, opts\?: GetOptions\): Promise<Scale>/);
  doesNotMatch(mod, /GadgetStatus\(|GadgetScale\(/);
  const beta = await file("example.staircase.dev/v1beta1/mod.ts");
  match(beta, /getWidgetStatus\(/);
  doesNotMatch(beta, /WidgetScale\(/);
  const backup = await file("ops.staircase.dev/v1alpha1/mod.ts");
  match(backup, /replaceBackupStatus\(/);
  doesNotMatch(backup, /BackupScale\(/);
});

Deno.test("patch kinds are merge, json and apply only", async () => {
  for (const f of await files()) {
    doesNotMatch(f.content, /strategic/, f.path);
    if (f.path.endsWith("mod.ts")) match(f.content, /<K extends "apply" \| "json" \| "merge">/);
  }
});

Deno.test("no any anywhere; every file carries the generated header", async () => {
  for (const f of await files()) {
    doesNotMatch(f.content, /:\s*any\b|<any>|\bany\[\]|as any/, f.path);
    ok(f.content.startsWith("// Code generated by staircase codegen. DO NOT EDIT."), f.path);
  }
});

Deno.test("default imports point at the published package", async () => {
  match(await v1Types(), /from "jsr:@staircase\/staircase@\d+\.\d+\.\d+\/apis\/meta\/v1";/);
  match(await v1Mod(), /from "jsr:@staircase\/staircase@\d+\.\d+\.\d+\/client";/);
});
