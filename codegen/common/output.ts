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

/**
 * What happened to one file. `removed` (writing) and `stale` (checking) are files an earlier
 * run wrote, listed in the output folder's manifest, that the generator no longer writes.
 */
export type FileOutcome = "written" | "unchanged" | "differs" | "missing" | "removed" | "stale";

/** The outcome for one generated file. */
export interface FileReport {
  /** The path relative to the output folder. */
  path: string;
  /** The kinds the file covers. */
  kinds: string[];
  /**
   * `written`/`unchanged`/`removed` when writing; `unchanged`/`differs`/`missing`/`stale` when
   * checking.
   */
  outcome: FileOutcome;
}

/**
 * Writes `files` under `outDir` (only files whose contents changed), or, with `check`, reports
 * which files on disk differ from the generated ones without writing anything.
 *
 * @example
 * ```ts
 * import { syncGeneratedFiles } from "@staircase/staircase/codegen";
 *
 * const outDir = await Deno.makeTempDir();
 * const reports = await syncGeneratedFiles(outDir, [{ path: "a.io/v1/types.ts", content: "", kinds: ["X"] }], false);
 * console.log(reports[0].outcome); // "written"
 * await Deno.remove(outDir, { recursive: true });
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

/**
 * The manifest in an output folder: the files the generator wrote there, so that a later run
 * removes (or with `--check` reports) the ones it no longer writes.
 */
export const MANIFEST_FILE = "staircase-codegen.json";

/**
 * The output folder's manifest is not what the generator writes (hand-edited or damaged).
 *
 * @example
 * ```ts
 * import { ManifestError } from "@staircase/staircase/codegen";
 * console.log(new ManifestError("gen/staircase-codegen.json", "not JSON").message);
 * ```
 */
export class ManifestError extends Error {
  /**
   * Creates the error.
   *
   * @param file The manifest path.
   * @param problem What is wrong with it.
   */
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}; delete it to start over`);
    this.name = "ManifestError";
  }
}

/** The manifest text for `paths` (sorted, one per line, formatted as `deno fmt` keeps it). */
function manifestText(paths: string[]): string {
  return `${
    JSON.stringify({ generator: "staircase codegen", files: [...paths].sort() }, null, 2)
  }\n`;
}

async function readManifest(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ManifestError(file, "not JSON");
  }
  const files = (value as { files?: unknown })?.files;
  if (!Array.isArray(files) || !files.every((f) => typeof f === "string")) {
    throw new ManifestError(file, "no `files` list of strings");
  }
  for (const f of files as string[]) {
    // Only ever remove files inside the output folder.
    if (f === "" || f.startsWith("/") || f.split(/[\\/]/).some((part) => part === "..")) {
      throw new ManifestError(file, `${JSON.stringify(f)} is not a path inside the folder`);
    }
  }
  return files as string[];
}

/**
 * Like {@linkcode syncGeneratedFiles}, and keeps a manifest ({@linkcode MANIFEST_FILE}) in
 * `outDir`: files the previous manifest lists that are no longer generated (a version no longer
 * served, a CRD removed) are removed, or with `check` reported as `stale`. Folders emptied by a
 * removal are removed too. Files the manifest never listed are left alone.
 *
 * @example
 * ```ts
 * import { generateCrdFiles, readCrdSources, syncGeneratedTree } from "@staircase/staircase/codegen";
 *
 * // Check mode: list what is out of date under gen/ without writing anything.
 * async function staleFiles(): Promise<string[]> {
 *   const { crds } = await readCrdSources(["crds/"]);
 *   const files = await generateCrdFiles(crds.map((c) => c.crd), { outDir: "gen" });
 *   const reports = await syncGeneratedTree("gen", files, true);
 *   return reports.filter((r) => r.outcome !== "unchanged").map((r) => r.path);
 * }
 * ```
 *
 * @param outDir The output folder; created when missing.
 * @param files The generated files (without the manifest).
 * @param check Compare instead of writing.
 * @returns One report per file, the manifest's, then one per stale or removed file.
 * @throws {ManifestError} When the existing manifest cannot be read as one.
 */
export async function syncGeneratedTree(
  outDir: string,
  files: GeneratedFile[],
  check: boolean,
): Promise<FileReport[]> {
  const previous = await readManifest(join(outDir, MANIFEST_FILE));
  const paths = files.map((f) => f.path);
  const manifest: GeneratedFile = { path: MANIFEST_FILE, content: manifestText(paths), kinds: [] };
  const reports = await syncGeneratedFiles(outDir, [...files, manifest], check);
  const current = new Set(paths);
  for (const path of [...new Set(previous)].sort()) {
    if (current.has(path)) continue;
    const target = join(outDir, path);
    try {
      await Deno.lstat(target);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    if (check) {
      reports.push({ path, kinds: [], outcome: "stale" });
      continue;
    }
    await Deno.remove(target);
    await removeEmptyParents(outDir, dirname(path));
    reports.push({ path, kinds: [], outcome: "removed" });
  }
  return reports;
}

async function removeEmptyParents(outDir: string, dir: string): Promise<void> {
  for (let d = dir; d !== "." && d !== "" && d !== "/"; d = dirname(d)) {
    try {
      await Deno.remove(join(outDir, d)); // Fails when not empty: then the parents are not either.
    } catch {
      return;
    }
  }
}
