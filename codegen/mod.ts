/**
 * The staircase code generators, usable from code and as a program:
 *
 * ```sh
 * deno run -A jsr:@staircase/staircase/codegen crd crds/ --out src/generated
 * ```
 *
 * `crd` turns CustomResourceDefinitions (files, folders, stdin or a live cluster) into typed
 * modules, one folder per served group-version: `<group>/<version>/types.ts` with the object
 * types and `<group>/<version>/mod.ts` with the Api class.
 *
 * @example Generating from code
 * ```ts
 * import { generateCrdFiles, readCrdSources, syncGeneratedTree } from "@staircase/staircase/codegen";
 *
 * async function generate(): Promise<void> {
 *   const { crds } = await readCrdSources(["crds/"]);
 *   const files = await generateCrdFiles(crds.map((c) => c.crd), { outDir: "gen" });
 *   for (const report of await syncGeneratedTree("gen", files, false)) {
 *     console.log(report.outcome, report.path);
 *   }
 * }
 * ```
 *
 * @module
 */

import { main } from "./main.ts";

export { main, USAGE } from "./main.ts";
export { CRD_USAGE, type CrdCommandIo, runCrdCommand } from "./crd/cli.ts";
export {
  type CrdDocument,
  parseCrdDocuments,
  readCrdSources,
  type ReadCrdsResult,
} from "./crd/read.ts";
export type { ReadCrdSourcesOptions } from "./crd/read.ts";
export { readClusterCrds } from "./crd/cluster.ts";
export { type CrdGenerateOptions, generateCrdFiles, type GeneratedFile } from "./crd/generate.ts";
export {
  type FileOutcome,
  type FileReport,
  MANIFEST_FILE,
  ManifestError,
  syncGeneratedFiles,
  syncGeneratedTree,
} from "./common/output.ts";
export { CrdInputError, CrdSchemaError } from "./crd/errors.ts";
export type {
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
} from "./crd/types.ts";
export type * from "../lib/client/_request_types.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
