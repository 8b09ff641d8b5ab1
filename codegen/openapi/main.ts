/**
 * Command line of the built-in API generator (`deno task codegen:apis`).
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-run codegen/openapi/main.ts \
 *   [--specs codegen/openapi/specs/v1.37.2] [--out lib/apis] [--check] [--runtime-import SPEC] \
 *   [--shapes codegen/crd/builtin_shapes.ts]
 * ```
 *
 * `--check` writes nothing and exits 1 when the files on disk differ.
 *
 * @module
 */

import { formatTypeScript, GENERATED_HEADER } from "../common/format.ts";
import { syncGeneratedFiles } from "../common/output.ts";
import { basename, dirname } from "node:path";
import { generateApis } from "./generate.ts";
import { placeSchemas } from "./model.ts";
import { builtinShapesModule } from "./shapes.ts";
import { loadSpecs } from "./specs.ts";

/** The stored documents the committed `lib/apis` is generated from. */
export const DEFAULT_SPECS_DIR: string = new URL("./specs/v1.37.2", import.meta.url).pathname;
/** The in-repo output folder. */
export const DEFAULT_OUT_DIR: string = new URL("../../lib/apis", import.meta.url).pathname;
/** Where the index of built-in shapes for the CRD generator goes. */
export const DEFAULT_SHAPES_FILE: string =
  new URL("../crd/builtin_shapes.ts", import.meta.url).pathname;

/** Parsed command line. */
export interface CliOptions {
  /** Folder with `index.json` and the group-version documents. */
  specs: string;
  /** Output folder (`lib/apis`). */
  out: string;
  /** Compare instead of writing. */
  check: boolean;
  /** Runtime import specifier override. */
  runtimeImport?: string;
  /** Where to write (or compare) the built-in shapes index; not written when absent. */
  shapes?: string;
}

/**
 * Thrown for a bad command line.
 *
 * @example
 * ```ts
 * import { UsageError } from "./main.ts";
 *
 * console.log(new UsageError("unknown flag --x").name); // UsageError
 * ```
 */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses the command line.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./main.ts";
 *
 * console.log(parseArgs(["--out", "/tmp/apis", "--check"]).check); // true
 * ```
 */
export function parseArgs(args: string[]): CliOptions {
  const options: CliOptions = {
    specs: DEFAULT_SPECS_DIR,
    out: DEFAULT_OUT_DIR,
    check: false,
    shapes: DEFAULT_SHAPES_FILE,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--specs") options.specs = value();
    else if (flag === "--out") options.out = value();
    else if (flag === "--runtime-import") options.runtimeImport = value();
    else if (flag === "--shapes") options.shapes = value();
    else if (flag === "--check") options.check = true;
    else throw new UsageError(`unknown argument ${flag}`);
  }
  return options;
}

async function generatedFilesOnDisk(out: string): Promise<Set<string>> {
  const found = new Set<string>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const e of entries) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(`${dir}/${e.name}`, path);
      else if (e.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(`${dir}/${e.name}`);
        if (text.startsWith(GENERATED_HEADER)) found.add(path);
      }
    }
  };
  await walk(out, "");
  return found;
}

/**
 * Generates into `options.out` (or compares, with `check`). Returns the list of
 * differing paths (check mode) or written paths, relative to `out`.
 *
 * @example
 * ```ts ignore
 * import { run } from "./main.ts";
 *
 * const changed = await run({ specs: "codegen/openapi/specs/v1.37.2", out: "/tmp/apis", check: false });
 * console.log(changed.length);
 * ```
 */
export async function run(options: CliOptions): Promise<string[]> {
  const docs = await loadSpecs(options.specs);
  const files = await generateApis(docs, { runtimeImport: options.runtimeImport });
  const stale = await generatedFilesOnDisk(options.out);
  for (const path of files.keys()) stale.delete(path);
  const reports = await syncGeneratedFiles(
    options.out,
    [...files].map(([path, content]) => ({ path, content, kinds: [] })),
    options.check,
  );
  const changed = reports.filter((r) => r.outcome !== "unchanged").map((r) => r.path);
  for (const path of stale) {
    changed.push(`${path} (stale)`);
    if (!options.check) await Deno.remove(`${options.out}/${path}`);
  }
  if (options.shapes !== undefined) {
    const [shapes] = await syncGeneratedFiles(dirname(options.shapes), [{
      path: basename(options.shapes),
      content: await formatTypeScript(builtinShapesModule(placeSchemas(docs)), options.shapes),
      kinds: [],
    }], options.check);
    if (shapes.outcome !== "unchanged") changed.push(options.shapes);
  }
  return changed.sort();
}

if (import.meta.main) {
  try {
    const options = parseArgs(Deno.args);
    const changed = await run(options);
    for (const path of changed) {
      console.log(`${options.check ? "differs" : "wrote"} ${options.out}/${path}`);
    }
    if (options.check && changed.length > 0) Deno.exit(1);
    console.log(`${changed.length} file(s) ${options.check ? "differ" : "written"}`);
  } catch (error) {
    console.error(`codegen:apis: ${(error as Error).message}`);
    Deno.exit(2);
  }
}
