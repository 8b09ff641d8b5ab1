import { deepEqual, equal, ok } from "node:assert/strict";
import { emitApiModule } from "../../codegen/common/mod.ts";
import { GENERATED_HEADER } from "../../codegen/common/format.ts";
import {
  DEFAULT_OUT_DIR,
  DEFAULT_SHAPES_FILE,
  DEFAULT_SPECS_DIR,
  parseArgs,
  run,
} from "../../codegen/openapi/main.ts";
import { apiClassName, moduleDir, placeSchemas } from "../../codegen/openapi/model.ts";
import { discoverResources } from "../../codegen/openapi/resources.ts";
import { loadSpecs, parseGroupVersionPath } from "../../codegen/openapi/specs.ts";

const docs = await loadSpecs(DEFAULT_SPECS_DIR);
const doc = (group: string, version: string) => {
  const found = docs.find((d) => d.group === group && d.version === version);
  if (found === undefined) throw new Error(`no stored document for ${group}/${version}`);
  return found;
};

Deno.test("the committed lib/apis matches a fresh generation from the stored documents", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "staircase-apis-" });
  try {
    const written = await run({ specs: DEFAULT_SPECS_DIR, out: tmp, check: false });
    ok(written.includes("core/v1/api.ts") && written.includes("meta/v1/types.ts"));
    for (const path of written) {
      const fresh = await Deno.readTextFile(`${tmp}/${path}`);
      const committed = await Deno.readTextFile(`${DEFAULT_OUT_DIR}/${path}`).catch(() => "");
      ok(fresh === committed, `${path} differs; run \`deno task codegen:apis\``);
    }
    // The committed lib/apis and the CRD generator's index of built-in shapes are up to date.
    deepEqual(
      await run({
        specs: DEFAULT_SPECS_DIR,
        out: DEFAULT_OUT_DIR,
        check: true,
        shapes: DEFAULT_SHAPES_FILE,
      }),
      [],
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("every served group-version gets a module", () => {
  const served = docs.map((d) => moduleDir(d.group, d.version));
  for (const gv of ["core/v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "autoscaling/v2"]) {
    ok(served.includes(gv), gv);
  }
  equal(apiClassName("", "v1"), "CoreV1Api");
  equal(apiClassName("coordination.k8s.io", "v1"), "CoordinationV1Api");
  const placements = placeSchemas(docs);
  equal(placements.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")?.module, "meta/v1");
  equal(placements.get("io.k8s.apimachinery.pkg.api.resource.Quantity")?.module, "meta/v1");
  equal(placements.get("io.k8s.api.apps.v1.Deployment")?.module, "apps/v1");
  equal(placements.get("io.k8s.api.core.v1.PodSpec")?.module, "core/v1");
});

Deno.test("resources: scope, verbs, subresources and patch kinds come from the paths", () => {
  const core = discoverResources(doc("", "v1"));
  const cm = core.find((r) => r.plural === "configmaps")!;
  equal(cm.kind, "ConfigMap");
  equal(cm.namespaced, true);
  deepEqual(cm.verbs, [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
  ]);
  deepEqual(cm.patchKinds, ["apply", "json", "merge", "strategic"]);
  equal(cm.status, undefined);
  equal(cm.listSchema, "io.k8s.api.core.v1.ConfigMapList");
  const ns = core.find((r) => r.plural === "namespaces")!;
  equal(ns.namespaced, false);
  deepEqual(ns.status, ["get", "patch", "update"]);
  const binding = core.find((r) => r.plural === "bindings")!;
  deepEqual(binding.verbs, ["create"]);
  equal(binding.listSchema, undefined);
  const apps = discoverResources(doc("apps", "v1"));
  const deploy = apps.find((r) => r.plural === "deployments")!;
  deepEqual(deploy.scale, ["get", "patch", "update"]);
  deepEqual(deploy.status, ["get", "patch", "update"]);
});

Deno.test("generated Api class: namespaced view, all-namespaces reads, subresources only where they exist", async () => {
  const api = await Deno.readTextFile(`${DEFAULT_OUT_DIR}/apps/v1/api.ts`);
  for (
    const name of [
      "export class AppsV1Api",
      "export class AppsV1NamespacedApi",
      "listDeploymentsForAllNamespaces(",
      "getDeploymentScale(",
      "patchDeploymentStatus<K extends",
      "deleteDeploymentCollection(",
      '<K extends "apply" | "json" | "merge" | "strategic">',
    ]
  ) ok(api.includes(name), name);
  ok(!api.includes("getControllerRevisionStatus"), "no status for ControllerRevision");
  const core = await Deno.readTextFile(`${DEFAULT_OUT_DIR}/core/v1/api.ts`);
  ok(core.includes("getNamespaceStatus(") && !core.includes("getConfigMapStatus("));
  ok(core.includes("Promise<ConfigMap | Status>"));
  const header = core.split("\n")[0];
  ok(header.includes("DO NOT EDIT"), header);
});

Deno.test("the Api emitter leaves out strategic merge when a resource does not accept it", () => {
  const text = emitApiModule({
    className: "ExampleV1Api",
    groupVersion: "example.com/v1",
    runtimeImport: "jsr:@staircase/staircase/client",
    typesImport: "./types.ts",
    exampleImport: "./mod.ts",
    resources: [{
      group: "example.com",
      version: "v1",
      kind: "Gizmo",
      plural: "gizmos",
      namespaced: false,
      typeName: "Gizmo",
      verbs: ["get", "patch"],
      patchKinds: ["apply", "json", "merge"],
    }],
  });
  ok(text.includes('patchGizmo<K extends "apply" | "json" | "merge">('));
  ok(text.includes("patch: PatchBody<Gizmo, K>, opts: PatchOptions<K>"));
  ok(!text.includes("strategic"));
  ok(!text.includes("namespace(namespace"), "no namespaced view without namespaced kinds");
  ok(!text.includes("listGizmos"), "no list without the list verb");
  ok(text.includes("ResourceClient<T, L>(this.#client, resource)"));
});

Deno.test("every generated module type-checks", async () => {
  const mods = [];
  for await (const group of Deno.readDir(DEFAULT_OUT_DIR)) {
    if (!group.isDirectory) continue;
    for await (const version of Deno.readDir(`${DEFAULT_OUT_DIR}/${group.name}`)) {
      mods.push(`${DEFAULT_OUT_DIR}/${group.name}/${version.name}/mod.ts`);
    }
  }
  ok(mods.length >= 20, `only ${mods.length} modules`);
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", ...mods.sort()],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  ok(out.success, stderr);
  console.log(
    `deno check of ${mods.length} modules: ${Math.round(performance.now() - started)} ms`,
  );
});

Deno.test("command line parsing", () => {
  equal(parseArgs([]).out, DEFAULT_OUT_DIR);
  equal(parseArgs(["--runtime-import", "x"]).runtimeImport, "x");
  let message = "";
  try {
    parseArgs(["--bogus"]);
  } catch (error) {
    message = (error as Error).message;
  }
  equal(message, "unknown argument --bogus");
});

Deno.test("every group-version in the stored index has a module and its own deno.json export", async () => {
  const root = new URL("../../", import.meta.url);
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))) as {
    exports: Record<string, string>;
  };
  const index = JSON.parse(await Deno.readTextFile(`${DEFAULT_SPECS_DIR}/index.json`)) as {
    paths: Record<string, unknown>;
  };
  const served = Object.keys(index.paths)
    .map(parseGroupVersionPath)
    .filter((gv) => gv !== undefined)
    .map((gv) => moduleDir(gv.group, gv.version));
  ok(served.length >= 20, `only ${served.length} served group-versions`);
  for (const dir of [...served, "meta/v1"]) {
    equal(config.exports[`./apis/${dir}`], `./lib/apis/${dir}/mod.ts`, dir);
    ok((await Deno.stat(`${DEFAULT_OUT_DIR}/${dir}/mod.ts`)).isFile, dir);
  }
  // And the other way: no generated module without an export.
  for await (const group of Deno.readDir(DEFAULT_OUT_DIR)) {
    if (!group.isDirectory) continue;
    for await (const version of Deno.readDir(`${DEFAULT_OUT_DIR}/${group.name}`)) {
      const key = `./apis/${group.name}/${version.name}`;
      ok(key in config.exports, `${key} has no deno.json export`);
    }
  }
});

Deno.test("the regeneration check reports an edited and a stale generated file", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "staircase-apis-drift-" });
  try {
    await run({ specs: DEFAULT_SPECS_DIR, out: tmp, check: false });
    deepEqual(await run({ specs: DEFAULT_SPECS_DIR, out: tmp, check: true }), []);
    const edited = `${tmp}/core/v1/types.ts`;
    const text = await Deno.readTextFile(edited);
    await Deno.writeTextFile(edited, text.replace("export interface ConfigMap {", "$&\n  x?: 1;"));
    await Deno.writeTextFile(`${tmp}/core/v1/extra.ts`, `${GENERATED_HEADER}export {};\n`);
    deepEqual(await run({ specs: DEFAULT_SPECS_DIR, out: tmp, check: true }), [
      "core/v1/extra.ts (stale)",
      "core/v1/types.ts",
    ]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("generated files carry the header and no blanket lint suppression", async () => {
  for (const dir of ["core/v1", "apps/v1", "meta/v1"]) {
    for (const file of ["types.ts", "mod.ts"]) {
      const text = await Deno.readTextFile(`${DEFAULT_OUT_DIR}/${dir}/${file}`);
      ok(text.startsWith(GENERATED_HEADER), `${dir}/${file}`);
      ok(!text.includes("deno-lint-ignore"), `${dir}/${file} suppresses lint rules`);
    }
  }
});
