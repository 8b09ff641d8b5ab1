/**
 * Writes generated files to disk, or compares them with what is on disk (`--check`).
 *
 * @module
 */

import { dirname, join } from "node:path";

/** One generated file. */
export interface GeneratedFile {
  /** The path relative to the output folder, e.g. `example.com/v1/types.ts`. */
  path: string;
  /** The formatted contents. */
  content: string;
  /** The kinds the file covers, for summary lines. */
  kinds: string[];
}

/** What happened to one file. */
export type FileOutcome = "written" | "unchanged" | "differs" | "missing";

/** The outcome for one generated file. */
export interface FileReport {
  /** The path relative to the output folder. */
  path: string;
  /** The kinds the file covers. */
  kinds: string[];
  /** `written`/`unchanged` when writing; `unchanged`/`differs`/`missing` when checking. */
  outcome: FileOutcome;
}

/**
 * Writes `files` under `outDir` (only files whose contents changed), or, with `check`, reports
 * which files on disk differ from the generated ones without writing anything.
 *
 * @example
 * ```ts ignore
 * import { syncGeneratedFiles } from "./output.ts";
 * const reports = await syncGeneratedFiles("gen", [{ path: "a.io/v1/types.ts", content: "", kinds: ["X"] }], false);
 * console.log(reports[0].outcome); // "written"
 * ```
 *
 * @param outDir The output folder; created when missing.
 * @param files The generated files.
 * @param check Compare instead of writing.
 * @returns One report per file, in the order of `files`.
 */
export async function syncGeneratedFiles(
  outDir: string,
  files: GeneratedFile[],
  check: boolean,
): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const file of files) {
    const target = join(outDir, file.path);
    let existing: string | undefined;
    try {
      existing = await Deno.readTextFile(target);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    let outcome: FileOutcome;
    if (existing === file.content) outcome = "unchanged";
    else if (check) outcome = existing === undefined ? "missing" : "differs";
    else {
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.writeTextFile(target, file.content);
      outcome = "written";
    }
    reports.push({ path: file.path, kinds: file.kinds, outcome });
  }
  return reports;
}
