/**
 * Reads CustomResourceDefinitions from files, folders and standard input.
 *
 * @module
 */

import { CORE_SCHEMA, load, YAMLException } from "js-yaml";
import { CrdInputError } from "./errors.ts";
import type { CustomResourceDefinition } from "./types.ts";

/** A CRD together with where it was read from. */
export interface CrdDocument {
  /** The definition. */
  crd: CustomResourceDefinition;
  /** Where it came from, e.g. `crds/widgets.yaml (document 2)`. */
  origin: string;
}

/** What reading a set of inputs produced. */
export interface ReadCrdsResult {
  /** The CRDs found, in input order. */
  crds: CrdDocument[];
  /** Notes about documents that were skipped. */
  notes: string[];
}

/** Options of {@linkcode readCrdSources}. */
export interface ReadCrdSourcesOptions {
  /** Reads standard input (for the `-` path); defaults to reading `Deno.stdin`. */
  readStdin?: () => Promise<string>;
}

const EXTENSIONS = [".yaml", ".yml", ".json"];

/**
 * Reads every CRD from the given paths. A path is a YAML or JSON file, a folder (all
 * `*.yaml`, `*.yml` and `*.json` files directly in it, in name order) or `-` for standard input.
 *
 * @example
 * ```ts
 * import { readCrdSources } from "@staircase/staircase/codegen";
 *
 * async function crdNames(): Promise<string[]> {
 *   const { crds, notes } = await readCrdSources(["./crds"]);
 *   for (const note of notes) console.error(note);
 *   return crds.map((c) => `${c.crd.spec.names.plural}.${c.crd.spec.group}`);
 * }
 * ```
 *
 * @param paths Files, folders or `-`.
 * @param options Where standard input comes from.
 * @returns The CRDs and notes about skipped documents.
 * @throws {CrdInputError} When a file cannot be read or a document is invalid.
 */
export async function readCrdSources(
  paths: string[],
  options: ReadCrdSourcesOptions = {},
): Promise<ReadCrdsResult> {
  const result: ReadCrdsResult = { crds: [], notes: [] };
  for (const path of paths) {
    if (path === "-") {
      const text = await (options.readStdin ?? readAllStdin)();
      merge(result, parseCrdDocuments(text, "<stdin>"));
      continue;
    }
    for (const file of await expandPath(path)) {
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch (err) {
        throw new CrdInputError(file, undefined, `cannot read file: ${describe(err)}`);
      }
      merge(result, parseCrdDocuments(text, file));
    }
  }
  const seen = new Map<string, string>();
  for (const { crd, origin } of result.crds) {
    const name = crd.metadata?.name ?? "";
    const before = seen.get(name);
    if (before !== undefined) {
      throw new CrdInputError(origin, undefined, `CRD ${name} is also defined in ${before}`);
    }
    seen.set(name, origin);
  }
  return result;
}

/**
 * Parses one YAML or JSON text (possibly several documents, possibly `List` objects) into CRDs.
 *
 * @example
 * ```ts
 * import { parseCrdDocuments } from "@staircase/staircase/codegen";
 * const { crds, notes } = parseCrdDocuments("kind: ConfigMap\napiVersion: v1\n", "x.yaml");
 * console.log(crds.length, notes); // 0 [ "x.yaml (document 1): skipped v1 ConfigMap, not a CustomResourceDefinition" ]
 * ```
 *
 * @param text The file contents.
 * @param source The file name used in messages.
 * @returns The CRDs and notes about skipped documents.
 * @throws {CrdInputError} For invalid YAML or an incomplete CRD.
 */
export function parseCrdDocuments(text: string, source: string): ReadCrdsResult {
  const result: ReadCrdsResult = { crds: [], notes: [] };
  parseDocuments(text, source).forEach((value, i) => {
    if (value === null || value === undefined) return;
    collect(value, `${source} (document ${i + 1})`, source, i + 1, result);
  });
  return result;
}

/** More values than this in one document is taken for an alias bomb, not a CRD. */
const MAX_VALUES = 20_000_000;

/**
 * The documents of a YAML or JSON text. JSON (a text starting with `{` or `[`) is parsed with
 * `JSON.parse`, which is far faster than any YAML parser; YAML is split at `---` lines and each
 * document parsed with js-yaml (several times faster than the `yaml` package on large CRDs).
 */
function parseDocuments(text: string, source: string): unknown[] {
  if (/^\s*[{[]/.test(text)) {
    try {
      return [JSON.parse(text)];
    } catch {
      // Not JSON after all (YAML flow style): read it as YAML, which reports errors well.
    }
  }
  const values: unknown[] = [];
  for (const { body, firstLine } of splitDocuments(text)) {
    const index = values.length + 1;
    let value: unknown = null;
    try {
      // js-yaml refuses an empty input; an empty document (comments only) is skipped.
      if (body.split("\n").some((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))) {
        // The YAML 1.2 core schema (as the reader before): no timestamps, binaries or sets.
        value = load(body, { filename: source, schema: CORE_SCHEMA });
      }
    } catch (err) {
      if (!(err instanceof YAMLException)) throw err;
      const line = err.mark === undefined ? "" : ` at line ${firstLine + err.mark.line}`;
      throw new CrdInputError(source, index, `invalid YAML${line}: ${err.reason}`);
    }
    if (countValues(value, MAX_VALUES) >= MAX_VALUES) {
      throw new CrdInputError(
        source,
        index,
        `the document expands to more than ${MAX_VALUES} values (YAML aliases?)`,
      );
    }
    values.push(value);
  }
  return values;
}

/**
 * Splits a YAML stream at document markers (`---` at the start of a line; text after the
 * marker belongs to the document) and drops `...` end markers. Line numbers are 1-based.
 */
function splitDocuments(text: string): { body: string; firstLine: number }[] {
  const docs: { body: string; firstLine: number }[] = [];
  const lines = text.split("\n");
  let current: string[] = [];
  let firstLine = 1;
  let started = false;
  lines.forEach((line, i) => {
    const marker = /^---(\s|$)/.test(line);
    if (marker) {
      if (started || current.some((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))) {
        docs.push({ body: current.join("\n"), firstLine });
      }
      started = true;
      current = [line.slice(3)];
      firstLine = i + 1;
    } else if (/^\.\.\.(\s|$)/.test(line)) {
      current.push("");
    } else current.push(line);
  });
  docs.push({ body: current.join("\n"), firstLine });
  return docs;
}

/** The number of values in `value` counting shared (aliased) parts each time, up to `limit`. */
function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count < limit) {
    const v = stack.pop();
    count++;
    if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === "object" && v !== null) stack.push(...Object.values(v));
  }
  return count;
}

function collect(
  value: unknown,
  origin: string,
  source: string,
  index: number,
  result: ReadCrdsResult,
): void {
  if (!isObject(value)) {
    result.notes.push(`${origin}: skipped, not an object`);
    return;
  }
  const kind = typeof value.kind === "string" ? value.kind : undefined;
  const apiVersion = typeof value.apiVersion === "string" ? value.apiVersion : undefined;
  if (kind !== undefined && kind.endsWith("List") && Array.isArray(value.items)) {
    value.items.forEach((item, j) => {
      collect(item, `${origin} item ${j + 1}`, source, index, result);
    });
    return;
  }
  if (kind !== "CustomResourceDefinition" || !apiVersion?.startsWith("apiextensions.k8s.io/")) {
    result.notes.push(
      `${origin}: skipped ${apiVersion ?? "(no apiVersion)"} ${kind ?? "(no kind)"}, ` +
        `not a CustomResourceDefinition`,
    );
    return;
  }
  if (apiVersion !== "apiextensions.k8s.io/v1") {
    throw new CrdInputError(
      source,
      index,
      `${apiVersion} CRDs are not supported; use apiextensions.k8s.io/v1`,
    );
  }
  result.crds.push({ crd: validateCrd(value, source, index), origin });
}

function validateCrd(
  value: Record<string, unknown>,
  source: string,
  index: number,
): CustomResourceDefinition {
  const fail = (problem: string): never => {
    throw new CrdInputError(source, index, problem);
  };
  const spec = isObject(value.spec) ? value.spec : fail("CRD has no spec");
  const names = isObject(spec.names) ? spec.names : fail("CRD has no spec.names");
  for (
    const [field, v] of [["spec.group", spec.group], ["spec.names.plural", names.plural], [
      "spec.names.kind",
      names.kind,
    ]] as const
  ) {
    if (typeof v !== "string" || v === "") fail(`CRD has no ${field}`);
  }
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : `${names.plural}.${spec.group}`;
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") {
    fail(
      `CRD ${name}: spec.scope must be Namespaced or Cluster, got ${JSON.stringify(spec.scope)}`,
    );
  }
  if (!Array.isArray(spec.versions) || spec.versions.length === 0) {
    fail(`CRD ${name} has no spec.versions`);
  }
  (spec.versions as unknown[]).forEach((v, i) => {
    if (!isObject(v) || typeof v.name !== "string") {
      fail(`CRD ${name}: spec.versions[${i}] has no name`);
    }
    const version = v as Record<string, unknown>;
    const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
    if (version.served !== false && !isObject(schema)) {
      fail(
        `CRD ${name} version ${version.name} has no schema ` +
          `(spec.versions[${i}].schema.openAPIV3Schema is required)`,
      );
    }
  });
  return { ...value, metadata: { ...metadata, name } } as unknown as CustomResourceDefinition;
}

async function expandPath(path: string): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (err) {
    throw new CrdInputError(path, undefined, `cannot read: ${describe(err)}`);
  }
  if (!info.isDirectory) return [path];
  const files: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    if (entry.isFile && EXTENSIONS.some((e) => entry.name.endsWith(e))) {
      files.push(`${path.replace(/\/+$/, "")}/${entry.name}`);
    }
  }
  return files.sort();
}

async function readAllStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

function merge(into: ReadCrdsResult, from: ReadCrdsResult): void {
  into.crds.push(...from.crds);
  into.notes.push(...from.notes);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
