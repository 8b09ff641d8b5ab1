/**
 * Turns CustomResourceDefinitions into TypeScript modules: per served group-version a
 * `types.ts` with the object types and a `mod.ts` with the typed Api class (re-exporting the
 * types). Output is formatted and deterministic.
 *
 * @module
 */

import { dirname, relative, resolve } from "node:path";
import { type ApiResourceSpec, emitApiModule } from "../common/api_emitter.ts";
import { API_VERBS } from "../common/api_spec.ts";
import { formatTypeScriptFiles, GENERATED_HEADER } from "../common/format.ts";
import type { GeneratedFile } from "../common/output.ts";
import { isIdentifier, pascalCase } from "../common/naming.ts";
import { VERSION } from "../../lib/version.ts";
import { CrdInputError } from "./errors.ts";
import { deprecationText, type KindVersion, renderTypes } from "./render_types.ts";
import type { CustomResourceDefinition } from "./types.ts";

export type { GeneratedFile } from "../common/output.ts";

/** Options of {@linkcode generateCrdFiles}. */
export interface CrdGenerateOptions {
  /**
   * Import specifier of the runtime client library inside generated files. A value starting
   * with `./`, `../` or `/` is a file path (relative to the working directory) and is rewritten
   * relative to each generated file. Default `jsr:@staircase/staircase@<version>/client`.
   */
  runtimeImport?: string;
  /**
   * Import specifier of the module exporting `ObjectMeta` and `ListMeta` (meta/v1), resolved
   * like `runtimeImport`. Default `jsr:@staircase/staircase@<version>/apis/meta/v1`.
   */
  metaImport?: string;
  /** The output folder; needed to make file-path imports relative. Default `.`. */
  outDir?: string;
  /**
   * Format the files with `deno fmt` (one pass for all files). Without it the files are valid
   * but unformatted TypeScript.
   *
   * @default {true}
   */
  format?: boolean;
}

/** The patch kinds the API server accepts for custom resources (no strategic merge). */
const CR_PATCH_KINDS: ApiResourceSpec["patchKinds"] = ["apply", "json", "merge"];
/** Custom resources support every verb. */
const CR_VERBS: ApiResourceSpec["verbs"] = [...API_VERBS];

/**
 * Generates the modules for a set of CRDs: `<group>/<version>/types.ts` and
 * `<group>/<version>/mod.ts` for every served version.
 *
 * @example
 * ```ts
 * import { generateCrdFiles, readCrdSources } from "@staircase/staircase/codegen";
 *
 * async function listGenerated(): Promise<void> {
 *   const { crds } = await readCrdSources(["crds/"]);
 *   for (const file of await generateCrdFiles(crds.map((c) => c.crd), { outDir: "gen" })) {
 *     console.log(file.path, file.kinds);
 *   }
 * }
 * ```
 *
 * @param crds The definitions.
 * @param options Import specifiers and the output folder.
 * @returns The files, sorted by path.
 * @throws {CrdSchemaError} When a schema cannot be mapped.
 * @throws {CrdInputError} When a kind cannot be a TypeScript type name.
 */
export async function generateCrdFiles(
  crds: CustomResourceDefinition[],
  options: CrdGenerateOptions = {},
): Promise<GeneratedFile[]> {
  const groups = new Map<string, KindVersion[]>();
  for (const crd of crds) {
    if (!isIdentifier(crd.spec.names.kind)) {
      // Kubernetes allows `-` in kinds; such a kind cannot name a type or a method.
      throw new CrdInputError(
        crd.metadata?.name ?? `${crd.spec.names.plural}.${crd.spec.group}`,
        undefined,
        `spec.names.kind ${JSON.stringify(crd.spec.names.kind)} is not a valid TypeScript ` +
          `identifier, so no type can be named after it`,
      );
    }
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      const key = `${crd.spec.group}/${version.name}`;
      const list = groups.get(key) ?? [];
      list.push({ crd, version });
      groups.set(key, list);
    }
  }
  const outDir = options.outDir ?? ".";
  const runtime = options.runtimeImport ?? `jsr:@staircase/staircase@${VERSION}/client`;
  const meta = options.metaImport ?? `jsr:@staircase/staircase@${VERSION}/apis/meta/v1`;
  const files: GeneratedFile[] = [];
  for (const key of [...groups.keys()].sort()) {
    const entries = groups.get(key)!.sort((a, b) =>
      compare(a.crd.spec.names.kind, b.crd.spec.names.kind)
    );
    const [group, version] = [entries[0].crd.spec.group, entries[0].version.name];
    const dir = `${group}/${version}`;
    const kinds = entries.map((e) => e.crd.spec.names.kind);
    const typeNames = new Set<string>();
    const metaImport = importFrom(meta, outDir, `${dir}/types.ts`);
    const typesText = renderTypes(`${group}/${version}`, entries, {
      runtimeImport: importFrom(runtime, outDir, `${dir}/types.ts`),
      metaImport,
      builtinImport: siblingModules(metaImport),
    }, typeNames);
    files.push({
      path: `${dir}/types.ts`,
      content: GENERATED_HEADER + typesText,
      kinds,
    });
    const api = emitApiModule({
      className: `${pascalCase(group)}${pascalCase(version)}Api`,
      groupVersion: `${group}/${version}`,
      runtimeImport: importFrom(runtime, outDir, `${dir}/mod.ts`),
      typesImport: "./types.ts",
      exampleImport: "./mod.ts",
      // A file path reaches into a checkout of staircase; users import the package.
      exampleRuntimeImport: isFilePath(runtime) ? "@staircase/staircase/client" : runtime,
      exportedTypeNames: typeNames,
      resources: entries.map(({ crd, version: v }) => ({
        group,
        version,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        listKind: crd.spec.names.listKind,
        namespaced: crd.spec.scope === "Namespaced",
        typeName: crd.spec.names.kind,
        listTypeName: `${crd.spec.names.kind}List`,
        verbs: CR_VERBS,
        status: v.subresources?.status ? ["get", "update", "patch"] : undefined,
        scale: v.subresources?.scale ? ["get", "update", "patch"] : undefined,
        patchKinds: CR_PATCH_KINDS,
        deprecated: v.deprecated ? deprecationText(crd, v.name, v.deprecationWarning) : undefined,
      })),
    });
    const modDoc = `/**\n * The ${group}/${version} API: ${kinds.join(", ")}. Generated from ` +
      `CustomResourceDefinitions; the object types are re-exported from \`./types.ts\`.\n *\n` +
      ` * @module\n */\n\nexport * from "./types.ts";\n`;
    files.push({
      path: `${dir}/mod.ts`,
      content: GENERATED_HEADER + modDoc + api,
      kinds,
    });
  }
  if (options.format === false) return files;
  const formatted = await formatTypeScriptFiles(
    files.map((f) => f.content),
    files.map((f) => f.path),
  );
  return files.map((f, i) => ({ ...f, content: formatted[i] }));
}

/**
 * The specifiers of the built-in modules next to the meta/v1 one (`.../apis/meta/v1[/mod.ts]`
 * gives `.../apis/core/v1[/mod.ts]`); `undefined` when the meta import has another form.
 */
function siblingModules(metaImport: string): ((module: string) => string) | undefined {
  const parts = /^(.*)meta\/v1(\/mod\.ts)?$/.exec(metaImport);
  if (parts === null) return undefined;
  return (module) => `${parts[1]}${module}${parts[2] ?? ""}`;
}

/** Whether an import option is a file path (relative to the working directory). */
function isFilePath(spec: string): boolean {
  return /^(\.\.?\/|\/)/.test(spec);
}

/** A specifier as is, or a file path made relative to the generated file. */
function importFrom(spec: string, outDir: string, file: string): string {
  if (!isFilePath(spec)) return spec;
  const rel = relative(dirname(resolve(outDir, file)), resolve(spec)).replaceAll("\\", "/");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
