/**
 * Decides which generated module each named schema of the OpenAPI documents
 * lives in, and what the modules and classes are called.
 *
 * Folder naming under `lib/apis/`: `core/v1` for the core (`""`) group,
 * `meta/v1` for `io.k8s.apimachinery.*` (ObjectMeta, Status, Quantity,
 * IntOrString, RawExtension, ...), and `<full group name>/<version>` for the
 * rest, e.g. `apps/v1`, `coordination.k8s.io/v1`.
 *
 * @module
 */

import type { SchemaObject } from "../common/schema.ts";
import { pascalCase } from "../common/naming.ts";
import { type GroupVersionDocument, SpecError } from "./specs.ts";

/** The module folder for shared apimachinery types. */
export const META_MODULE = "meta/v1";

/** Where one named schema is declared. */
export interface SchemaPlacement {
  /** The full schema name, e.g. `io.k8s.api.core.v1.Pod`. */
  fullName: string;
  /** The module folder relative to `lib/apis`, e.g. `core/v1`. */
  module: string;
  /** The TypeScript type name, e.g. `Pod`. */
  typeName: string;
  /** The schema. */
  schema: SchemaObject;
}

/**
 * The module folder (relative to `lib/apis`) of a group-version.
 *
 * @example
 * ```ts
 * import { moduleDir } from "./model.ts";
 *
 * console.log(moduleDir("", "v1"), moduleDir("coordination.k8s.io", "v1")); // core/v1 coordination.k8s.io/v1
 * ```
 */
export function moduleDir(group: string, version: string): string {
  return `${group === "" ? "core" : group}/${version}`;
}

/**
 * The Api class name of a group-version: `.k8s.io` is dropped and the rest is
 * PascalCased, e.g. `CoreV1Api`, `RbacAuthorizationV1Api`.
 *
 * @example
 * ```ts
 * import { apiClassName } from "./model.ts";
 *
 * console.log(apiClassName("rbac.authorization.k8s.io", "v1")); // RbacAuthorizationV1Api
 * ```
 */
export function apiClassName(group: string, version: string): string {
  const base = group === "" ? "core" : group.replace(/\.k8s\.io$/, "");
  return `${pascalCase(base)}${pascalCase(version)}Api`;
}

function packageOf(fullName: string): string {
  return fullName.slice(0, fullName.lastIndexOf("."));
}

/** Maps each Go package prefix to a module using the kinds declared in it. */
function packageModules(schemas: Map<string, SchemaObject>): Map<string, string> {
  const modules = new Map<string, string>();
  for (const [name, schema] of schemas) {
    const pkg = packageOf(name);
    if (pkg.startsWith("io.k8s.apimachinery.")) {
      modules.set(pkg, META_MODULE);
      continue;
    }
    const gvks = schema["x-kubernetes-group-version-kind"];
    if (!Array.isArray(gvks) || gvks.length !== 1) continue;
    const { group, version } = gvks[0] as { group: string; version: string };
    const dir = moduleDir(group, version);
    const known = modules.get(pkg);
    if (known !== undefined && known !== dir) {
      throw new SpecError(`package ${pkg} declares kinds of both ${known} and ${dir}`);
    }
    modules.set(pkg, dir);
  }
  // Packages without kinds of their own (only referenced types) take the group of a
  // sibling package with the same Go package path and another version.
  const groups = new Map<string, string>();
  for (const [pkg, dir] of modules) {
    if (dir !== META_MODULE) groups.set(packageOf(pkg), dir.slice(0, dir.lastIndexOf("/")));
  }
  for (const name of schemas.keys()) {
    const pkg = packageOf(name);
    const group = groups.get(packageOf(pkg));
    if (!modules.has(pkg) && group !== undefined) {
      modules.set(pkg, `${group}/${pkg.slice(pkg.lastIndexOf(".") + 1)}`);
    }
  }
  return modules;
}

/**
 * Collects the named schemas of all documents (documents repeat shared ones
 * such as ObjectMeta) and places each in a module. Fails when a schema's
 * module cannot be told or two schemas of one module share a type name.
 *
 * @example
 * ```ts ignore
 * import { placeSchemas } from "./model.ts";
 * import { loadSpecs } from "./specs.ts";
 *
 * const placements = placeSchemas(await loadSpecs("codegen/openapi/specs/v1.37.2"));
 * console.log(placements.get("io.k8s.api.apps.v1.Deployment")?.module); // apps/v1
 * ```
 */
export function placeSchemas(docs: GroupVersionDocument[]): Map<string, SchemaPlacement> {
  const schemas = new Map<string, SchemaObject>();
  for (const { document } of docs) {
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      if (!schemas.has(name)) schemas.set(name, schema);
    }
  }
  const modules = packageModules(schemas);
  const placements = new Map<string, SchemaPlacement>();
  const taken = new Map<string, string>();
  for (const name of [...schemas.keys()].sort()) {
    const module = modules.get(packageOf(name));
    if (module === undefined) {
      throw new SpecError(`cannot tell the group-version of schema ${name}`);
    }
    const typeName = name.slice(name.lastIndexOf(".") + 1).replace(/[^A-Za-z0-9_$]/g, "_");
    const key = `${module}:${typeName}`;
    const clash = taken.get(key);
    if (clash !== undefined) {
      throw new SpecError(`schemas ${clash} and ${name} would both be ${typeName} in ${module}`);
    }
    taken.set(key, name);
    placements.set(name, { fullName: name, module, typeName, schema: schemas.get(name)! });
  }
  return placements;
}
