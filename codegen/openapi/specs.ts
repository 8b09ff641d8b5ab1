/**
 * Reading stored OpenAPI v3 documents: the `/openapi/v3` index and one
 * document per group-version, as kube-apiserver serves them.
 *
 * Storage layout (see `fetch.ts`): `index.json` holds the index, and the
 * document for index path `apis/apps/v1` is stored as `apis__apps__v1.json`.
 *
 * @module
 */

import type { SchemaObject } from "../common/schema.ts";

/** An OpenAPI v3 operation, reduced to what the generator reads. */
export interface OperationObject {
  /** The Kubernetes verb, e.g. `get`, `list`, `watchlist`, `post`, `put`, `patch`. */
  "x-kubernetes-action"?: string;
  /** The kind the operation works on. */
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string };
  /** The request body by content type. */
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  /** The responses by status code. */
  responses?: Record<string, { content?: Record<string, { schema?: SchemaObject }> }>;
}

/** One OpenAPI v3 group-version document. */
export interface OpenApiDocument {
  /** Operations by path, then by HTTP method. */
  paths?: Record<string, Record<string, OperationObject | unknown>>;
  /** Named schemas. */
  components?: { schemas?: Record<string, SchemaObject> };
}

/** The `/openapi/v3` index. */
export interface OpenApiIndex {
  /** Document locations by path, e.g. `api/v1` or `apis/apps/v1`. */
  paths: Record<string, { serverRelativeURL: string }>;
}

/** A group-version document with where it came from. */
export interface GroupVersionDocument {
  /** `""` for the core group. */
  group: string;
  /** The version, e.g. `v1`. */
  version: string;
  /** The parsed document. */
  document: OpenApiDocument;
}

/**
 * Thrown for missing or malformed stored documents.
 *
 * @example
 * ```ts
 * import { SpecError } from "./specs.ts";
 *
 * console.log(new SpecError("index.json: not JSON").name); // SpecError
 * ```
 */
export class SpecError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "SpecError";
  }
}

/**
 * The file name a document of index path `path` is stored under.
 *
 * @example
 * ```ts
 * import { specFileName } from "./specs.ts";
 *
 * console.log(specFileName("apis/apps/v1")); // apis__apps__v1.json
 * ```
 */
export function specFileName(path: string): string {
  return `${path.replaceAll("/", "__")}.json`;
}

/**
 * Splits an index path into group and version; `undefined` for paths that are
 * not group-version documents (`api`, `apis`, `apis/apps`, `version`, ...).
 *
 * @example
 * ```ts
 * import { parseGroupVersionPath } from "./specs.ts";
 *
 * console.log(parseGroupVersionPath("api/v1")); // { group: "", version: "v1" }
 * ```
 */
export function parseGroupVersionPath(
  path: string,
): { group: string; version: string } | undefined {
  const parts = path.split("/");
  if (parts.length === 2 && parts[0] === "api") return { group: "", version: parts[1] };
  if (parts.length === 3 && parts[0] === "apis") return { group: parts[1], version: parts[2] };
  return undefined;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw new SpecError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SpecError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Loads every group-version document listed in `dir/index.json`, sorted by
 * group then version.
 *
 * @example
 * ```ts ignore
 * import { loadSpecs } from "./specs.ts";
 *
 * const docs = await loadSpecs("codegen/openapi/specs/v1.37.2");
 * console.log(docs.map((d) => `${d.group}/${d.version}`));
 * ```
 */
export async function loadSpecs(dir: string): Promise<GroupVersionDocument[]> {
  const index = await readJson(`${dir}/index.json`) as OpenApiIndex;
  if (index === null || typeof index !== "object" || typeof index.paths !== "object") {
    throw new SpecError(`${dir}/index.json has no "paths" object`);
  }
  const docs: GroupVersionDocument[] = [];
  for (const path of Object.keys(index.paths).sort()) {
    const gv = parseGroupVersionPath(path);
    if (gv === undefined) continue;
    const document = await readJson(`${dir}/${specFileName(path)}`) as OpenApiDocument;
    if (document === null || typeof document !== "object") {
      throw new SpecError(`${dir}/${specFileName(path)} is not an OpenAPI document`);
    }
    docs.push({ ...gv, document });
  }
  return docs.sort((a, b) =>
    a.group === b.group ? (a.version < b.version ? -1 : 1) : a.group < b.group ? -1 : 1
  );
}
