/**
 * Generates `lib/apis/<group>/<version>/{types,api,mod}.ts` from OpenAPI v3
 * group-version documents.
 *
 * @module
 */

import { emitApiModule } from "../common/api_emitter.ts";
import { formatTypeScriptFiles, GENERATED_HEADER } from "../common/format.ts";
import { renderJsDoc } from "../common/jsdoc.ts";
import { pascalCase } from "../common/naming.ts";
import { SchemaMappingError } from "../common/schema.ts";
import { emitDeclaration } from "../common/type_emitter.ts";
import {
  apiClassName,
  META_MODULE,
  moduleDir,
  placeSchemas,
  type SchemaPlacement,
} from "./model.ts";
import { discoverResources } from "./resources.ts";
import type { GroupVersionDocument } from "./specs.ts";

/** Options of {@linkcode generateApis}. */
export interface GenerateOptions {
  /** Import specifier of the runtime client, as seen from `lib/apis/<g>/<v>/`. */
  runtimeImport?: string;
  /**
   * Import prefix users write for the modules in `@example` blocks.
   *
   * @default {"@staircase/staircase/apis"}
   */
  exampleImportPrefix?: string;
  /**
   * Import specifier users write for the runtime client in `@example` blocks.
   *
   * @default {"@staircase/staircase/client"}
   */
  exampleRuntimeImport?: string;
}

const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const SCHEMA_PREFIX = "#/components/schemas/";

/** Types of one module: declarations plus the imports they need. */
function typesModule(
  module: string,
  placements: SchemaPlacement[],
  all: Map<string, SchemaPlacement>,
  runtimeImport: string,
  kinds: Map<string, Set<string>>,
): string {
  const local = new Set(placements.map((p) => p.typeName));
  const imports = new Map<string, Map<string, string>>(); // module -> typeName -> alias
  const resolveRef = (ref: string, path: string): string => {
    const target = all.get(ref.startsWith(SCHEMA_PREFIX) ? ref.slice(SCHEMA_PREFIX.length) : "");
    if (target === undefined) throw new SchemaMappingError(path, `unresolvable $ref ${ref}`);
    if (target.module === module) return target.typeName;
    const names = imports.get(target.module) ?? new Map<string, string>();
    imports.set(target.module, names);
    const alias = local.has(target.typeName)
      ? `${pascalCase(target.module)}${target.typeName}`
      : target.typeName;
    names.set(target.typeName, alias);
    return alias;
  };
  const body: string[] = [];
  for (const p of placements) {
    const path = `${SCHEMA_PREFIX}${p.fullName}`;
    if (p.fullName === QUANTITY) {
      // Kept as the string the server returns; parse with lib/apis/quantity.ts.
      const doc = `${p.schema.description ?? ""}\n\nServers always return the string form. ` +
        "`parseQuantity` and `formatQuantity` from the `apis/quantity` module convert exactly.";
      body.push(`${renderJsDoc(doc)}export type Quantity = string;\n`);
      continue;
    }
    body.push(
      emitDeclaration(p.typeName, p.schema, path, { resolveRef }, [], kindLiterals(p, kinds)),
    );
  }
  const text = body.join("\n");
  const head: string[] = [];
  const runtimeTypes = ["JSONObject", "JSONValue"].filter((t) =>
    new RegExp(`\\b${t}\\b`).test(text)
  );
  if (runtimeTypes.length > 0) {
    head.push(`import type { ${runtimeTypes.join(", ")} } from "${runtimeImport}";\n`);
  }
  for (const target of [...imports.keys()].sort()) {
    const names = [...imports.get(target)!.entries()].sort()
      .map(([name, alias]) => (name === alias ? name : `${name} as ${alias}`));
    head.push(`import type { ${names.join(", ")} } from "../../${target}/types.ts";\n`);
  }
  return `${head.join("")}\n${text}`;
}

/**
 * Literal `apiVersion` and `kind` member types for a schema that is exactly one kind (kinds
 * shared by every group, such as `DeleteOptions` and `WatchEvent`, keep `string`).
 */
function kindLiterals(p: SchemaPlacement, kinds: Map<string, Set<string>>): Record<string, string> {
  const props = p.schema.properties ?? {};
  const gvks = kinds.get(p.fullName);
  if (gvks === undefined || gvks.size !== 1) return {};
  if (props.apiVersion?.type !== "string" || props.kind?.type !== "string") return {};
  const [apiVersion, kind] = JSON.parse([...gvks][0]) as [string, string];
  return { apiVersion: JSON.stringify(apiVersion), kind: JSON.stringify(kind) };
}

/**
 * The `[apiVersion, kind]` pairs (as JSON) of every schema, across all documents: each document
 * lists only its own group for shared schemas such as `DeleteOptions`.
 */
function kindsBySchema(docs: GroupVersionDocument[]): Map<string, Set<string>> {
  const kinds = new Map<string, Set<string>>();
  for (const { document } of docs) {
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      const gvks = schema["x-kubernetes-group-version-kind"];
      if (!Array.isArray(gvks)) continue;
      const set = kinds.get(name) ?? new Set<string>();
      kinds.set(name, set);
      for (
        const { group, version, kind } of gvks as { group: string; version: string; kind: string }[]
      ) {
        set.add(JSON.stringify([group === "" ? version : `${group}/${version}`, kind]));
      }
    }
  }
  return kinds;
}

function modModule(dir: string, hasApi: boolean, exampleImportPrefix: string): string {
  const what = hasApi ? "Types and the typed Api class" : "Types";
  const doc = renderJsDoc(
    `${what} of the Kubernetes \`${dir}\` API, generated from the OpenAPI v3 document served ` +
      `by kube-apiserver.\n\nImport as \`${exampleImportPrefix}/${dir}\`.`,
    ["@module"],
  );
  return `${doc}\nexport * from "./types.ts";\n${hasApi ? 'export * from "./api.ts";\n' : ""}`;
}

/**
 * Generates all modules. Returns file contents by path relative to
 * `lib/apis`, formatted and sorted by path.
 *
 * @example
 * ```ts ignore
 * import { generateApis } from "./generate.ts";
 * import { loadSpecs } from "./specs.ts";
 *
 * const files = await generateApis(await loadSpecs("codegen/openapi/specs/v1.37.2"));
 * console.log([...files.keys()]); // ["apps/v1/api.ts", "apps/v1/mod.ts", ...]
 * ```
 */
export async function generateApis(
  docs: GroupVersionDocument[],
  options: GenerateOptions = {},
): Promise<Map<string, string>> {
  const runtimeImport = options.runtimeImport ?? "../../../client/mod.ts";
  const exampleImportPrefix = options.exampleImportPrefix ?? "@staircase/staircase/apis";
  const exampleRuntimeImport = options.exampleRuntimeImport ?? "@staircase/staircase/client";
  const placements = placeSchemas(docs);
  const kinds = kindsBySchema(docs);
  const byModule = new Map<string, SchemaPlacement[]>();
  for (const p of placements.values()) {
    byModule.set(p.module, [...(byModule.get(p.module) ?? []), p]);
  }
  const raw = new Map<string, string>();
  const served = new Set(docs.map((d) => moduleDir(d.group, d.version)));
  for (const [module, list] of byModule) {
    // Types of group-versions the server does not serve are still emitted when referenced.
    raw.set(`${module}/types.ts`, typesModule(module, list, placements, runtimeImport, kinds));
    raw.set(`${module}/mod.ts`, modModule(module, served.has(module), exampleImportPrefix));
  }
  for (const doc of docs) {
    const dir = moduleDir(doc.group, doc.version);
    if (dir === META_MODULE) continue;
    const resources = discoverResources(doc).map((r) => {
      const type = placements.get(r.typeSchema);
      const list = r.listSchema === undefined ? undefined : placements.get(r.listSchema);
      if (type === undefined || type.module !== dir || (r.listSchema && list === undefined)) {
        return undefined; // Kinds of other group-versions (e.g. autoscaling/v1 Scale) are not resources here.
      }
      const { typeSchema: _t, listSchema: _l, ...rest } = r;
      return { ...rest, typeName: type.typeName, listTypeName: list?.typeName };
    }).filter((r) => r !== undefined);
    if (resources.length === 0) continue;
    raw.set(
      `${dir}/api.ts`,
      emitApiModule({
        className: apiClassName(doc.group, doc.version),
        groupVersion: doc.group === "" ? doc.version : `${doc.group}/${doc.version}`,
        resources,
        runtimeImport,
        typesImport: "./types.ts",
        exampleImport: `${exampleImportPrefix}/${dir}`,
        exampleRuntimeImport,
        exportedTypeNames: (byModule.get(dir) ?? []).map((p) => p.typeName),
      }),
    );
    if (!byModule.has(dir)) raw.set(`${dir}/types.ts`, "");
    raw.set(`${dir}/mod.ts`, modModule(dir, true, exampleImportPrefix));
  }
  const paths = [...raw.keys()].sort();
  const formatted = await formatTypeScriptFiles(paths.map((p) => raw.get(p)!), paths);
  return new Map(paths.map((path, i) => [path, GENERATED_HEADER + formatted[i]]));
}
