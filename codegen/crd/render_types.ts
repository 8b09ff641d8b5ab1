/**
 * Renders the object types of one group-version of custom resources.
 *
 * @module
 */

import { renderJsDoc } from "../common/jsdoc.ts";
import { SchemaMappingError, type SchemaObject } from "../common/schema.ts";
import { objectMembers } from "../common/type_emitter.ts";
import { CrdSchemaError } from "./errors.ts";
import { normalizeSchema } from "./normalize.ts";
import { readablePath, TypeRegistry } from "./type_registry.ts";
import { BuiltinTypes } from "./builtin_types.ts";
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from "./types.ts";

/** One kind in one version. */
export interface KindVersion {
  /** The definition. */
  crd: CustomResourceDefinition;
  /** The served version to render. */
  version: CustomResourceDefinitionVersion;
}

/** Import specifiers used by the rendered types. */
export interface RenderTypesImports {
  /** The runtime client library (for `JSONValue` and `JSONObject`). */
  runtimeImport: string;
  /** The meta/v1 module (for `ObjectMeta` and `ListMeta`). */
  metaImport: string;
  /**
   * The import specifier of a built-in module (`core/v1`, ...), for built-in types reused for
   * identical shapes; no reuse when absent.
   */
  builtinImport?: (module: string) => string;
}

/** Type names the module itself refers to: its imports and the global types it uses. */
const MODULE_NAMES: ReadonlySet<string> = new Set([
  "ObjectMeta",
  "ListMeta",
  "JSONValue",
  "JSONObject",
  "Array",
  "Record",
]);

/** Properties every object has; their types come from meta/v1, not from the CRD schema. */
const OBJECT_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

/**
 * The unformatted text of the `types.ts` module of one group-version.
 *
 * @example
 * ```ts
 * import { renderTypes } from "./render_types.ts";
 * const text = renderTypes("a.io/v1", [{
 *   crd: {
 *     metadata: { name: "xs.a.io" },
 *     spec: { group: "a.io", scope: "Cluster", names: { plural: "xs", kind: "X" }, versions: [] },
 *   },
 *   version: { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
 * }], { runtimeImport: "./client.ts", metaImport: "./meta.ts" });
 * console.log(text.includes("export interface XList")); // true
 * ```
 *
 * @param groupVersion `group/version`, for documentation.
 * @param entries The kinds of this group-version, in output order.
 * @param imports Where `ObjectMeta`, `ListMeta` and the JSON types come from.
 * @param taken Receives every name the module declares or imports (so that names exported
 * next to it, such as resource tokens, can avoid them).
 * @returns The module text without the generated-file header.
 * @throws {CrdSchemaError} When a schema cannot be mapped.
 */
export function renderTypes(
  groupVersion: string,
  entries: KindVersion[],
  imports: RenderTypesImports,
  taken: Set<string> = new Set(),
): string {
  for (const name of MODULE_NAMES) taken.add(name);
  for (const { crd } of entries) taken.add(crd.spec.names.kind).add(`${crd.spec.names.kind}List`);
  // A kind named like an imported or global type (`ObjectMeta`, `Record`) is declared under
  // another local name and exported under its own, so the module still sees the original.
  const renames: string[] = [];
  const localName = (name: string): string => {
    if (!MODULE_NAMES.has(name)) return name;
    const builtins = imports.builtinImport === undefined
      ? undefined
      : new BuiltinTypes(imports.builtinImport, taken);
    const registry = new TypeRegistry(taken, builtins);
    const local = registry.reserve(`${name}Kind`);
    renames.push(`${local} as ${name}`);
    return local;
  };
  const blocks: string[] = [];
  const names = entries.map(({ crd }) => ({
    type: localName(crd.spec.names.kind),
    list: localName(`${crd.spec.names.kind}List`),
  }));
  // One registry for the group-version: its kinds share identical nested shapes.
  const builtins = imports.builtinImport === undefined
    ? undefined
    : new BuiltinTypes(imports.builtinImport, taken);
  const registry = new TypeRegistry(taken, builtins);
  for (const [i, entry] of entries.entries()) {
    const crdName = entry.crd.metadata?.name ?? entry.crd.spec.names.plural;
    try {
      blocks.push(renderKind(groupVersion, entry, names[i], registry));
    } catch (err) {
      if (!(err instanceof SchemaMappingError)) throw err;
      const problem = err.message.slice(err.path.length + 2);
      throw new CrdSchemaError(crdName, entry.version.name, readablePath(err.path), problem);
    }
  }
  const body = registry.resolve(blocks.join("\n")) +
    (renames.length > 0 ? `\nexport type { ${renames.join(", ")} };\n` : "");
  const kinds = entries.map((e) => e.crd.spec.names.kind).join(", ");
  const json = ["JSONObject", "JSONValue"].filter((t) => new RegExp(`\\b${t}\\b`).test(body));
  return `/**\n * Object types of the ${groupVersion} custom resources ${kinds}, generated from ` +
    `their CustomResourceDefinitions.\n *\n * @module\n */\n\n` +
    (builtins === undefined
      ? `import type { ListMeta, ObjectMeta } from "${imports.metaImport}";\n`
      : builtins.importLines({ "meta/v1": ["ListMeta", "ObjectMeta"] })) +
    (json.length > 0
      ? `import type { ${json.join(", ")} } from "${imports.runtimeImport}";\n`
      : "") +
    `\n${body}`;
}

function renderKind(
  groupVersion: string,
  entry: KindVersion,
  names: { type: string; list: string },
  registry: TypeRegistry,
): string {
  const { crd, version } = entry;
  const kind = crd.spec.names.kind;
  const listKind = crd.spec.names.listKind ?? `${kind}List`;
  const mark = registry.declarations.length;
  const schema = version.schema?.openAPIV3Schema;
  if (schema === undefined) {
    throw new SchemaMappingError("", "the version has no schema.openAPIV3Schema");
  }
  const root = normalizeSchema(schema as SchemaObject);
  const options = registry.options(kind, {
    embeddedMetadataType: "ObjectMeta",
    structural: true,
  });
  const members: string[] = [
    `/** The API version: always \`${groupVersion}\`. */\napiVersion: ${
      JSON.stringify(groupVersion)
    };`,
    `/** The kind: always \`${kind}\`. */\nkind: ${JSON.stringify(kind)};`,
    `/** Standard object metadata. */\nmetadata?: ObjectMeta;`,
  ];
  // The members besides apiVersion, kind and metadata, mapped like the members of any object.
  const rest: SchemaObject = { type: "object", required: root.required, properties: {} };
  for (const [name, prop] of Object.entries(root.properties ?? {})) {
    if (!OBJECT_FIELDS.has(name)) rest.properties![name] = prop;
  }
  members.push(...objectMembers(rest, "", options));
  if (root["x-kubernetes-preserve-unknown-fields"] === true) {
    members.push("/** Fields the schema does not declare; the server keeps them. */");
    members.push("[key: string]: unknown;");
  }
  const deprecated = version.deprecated
    ? [`@deprecated ${deprecationText(crd, version.name, version.deprecationWarning)}`]
    : [];
  const scope = crd.spec.scope === "Namespaced" ? "namespaced" : "cluster-scoped";
  const doc = renderJsDoc(
    `${root.description ?? `${article(kind)} ${kind} object.`}\n\n` +
      `A ${scope} ${groupVersion} custom resource (\`${crd.spec.names.plural}\`).`,
    deprecated,
  );
  const listDoc = renderJsDoc(`A list of ${kind} objects.`, deprecated);
  // A renamed declaration is exported only under its kind's name (the `export type` list).
  const exported = (name: string, wanted: string) => (name === wanted ? "export " : "");
  return `${doc}${exported(names.type, kind)}interface ${names.type} {\n${
    members.join("\n")
  }\n}\n\n` +
    `${listDoc}${exported(names.list, `${kind}List`)}interface ${names.list} {\n` +
    `/** The API version: always \`${groupVersion}\`. */\napiVersion?: ${
      JSON.stringify(groupVersion)
    };\n` +
    `/** The kind: always \`${listKind}\`. */\nkind?: ${JSON.stringify(listKind)};\n` +
    `/** List metadata: resourceVersion and continue token. */\nmetadata?: ListMeta;\n` +
    `/** The objects. */\nitems: ${names.type}[];\n}\n\n` +
    registry.declarations.slice(mark).join("\n");
}

/**
 * The `@deprecated` text of a deprecated CRD version.
 *
 * @example
 * ```ts
 * import { deprecationText } from "./render_types.ts";
 * const crd = { metadata: {}, spec: { group: "a.io", scope: "Cluster", names: { plural: "xs", kind: "X" }, versions: [] } };
 * console.log(deprecationText(crd, "v1beta1", undefined)); // a.io/v1beta1 X is deprecated.
 * ```
 *
 * @param crd The definition.
 * @param version The deprecated version.
 * @param warning The CRD's `deprecationWarning`, if any.
 * @returns The text.
 */
export function deprecationText(
  crd: CustomResourceDefinition,
  version: string,
  warning: string | undefined,
): string {
  return warning ?? `${crd.spec.group}/${version} ${crd.spec.names.kind} is deprecated.`;
}

/** `An` before a vowel sound (by spelling), `A` otherwise. */
function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? "An" : "A";
}
