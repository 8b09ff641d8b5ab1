/**
 * Emits a typed Api class per group-version: thin wrappers that delegate to
 * `ResourceClient` from the runtime library. Shared by both generators.
 *
 * @module
 */

import { renderJsDoc } from "./jsdoc.ts";
import { pluralKind, tokenName } from "./naming.ts";
import type { ApiModuleSpec, ApiResourceSpec } from "./api_spec.ts";

export type { ApiModuleSpec, ApiResourceSpec, ApiVerb, PatchKind } from "./api_spec.ts";

const RUNTIME_TYPES = [
  "DeepPartial",
  "DeleteOptions",
  "GetOptions",
  "JSONValue",
  "ListOptions",
  "ObjectList",
  "PatchBody",
  "PatchOptions",
  "ResourceType",
  "RestClient",
  "Scale",
  "Status",
  "WatchEnd",
  "WatchEvent",
  "WatchOptions",
  "WriteOptions",
];

/** A resource together with the name of its token. */
interface TokenedResource extends ApiResourceSpec {
  /** The exported token constant, e.g. `ConfigMaps`. */
  token: string;
}

/** The exported, typed resource token of one kind (`export const ConfigMaps: ResourceType<...>`). */
function tokenConst(r: TokenedResource): string {
  const listType = r.listTypeName === undefined ? "" : `, ${r.listTypeName}`;
  const facts = [
    `group: ${JSON.stringify(r.group)}`,
    `version: ${JSON.stringify(r.version)}`,
    `kind: ${JSON.stringify(r.kind)}`,
    `plural: ${JSON.stringify(r.plural)}`,
    `namespaced: ${r.namespaced}`,
    ...(r.listKind !== undefined && r.listKind !== `${r.kind}List`
      ? [`listKind: ${JSON.stringify(r.listKind)}`]
      : []),
  ].join(", ");
  const gv = r.group === "" ? r.version : `${r.group}/${r.version}`;
  const doc = `The resource token of ${gv} ${r.kind} (\`${r.plural}\`, ` +
    `${r.namespaced ? "namespaced" : "cluster-scoped"}).`;
  const tags = r.deprecated !== undefined ? [`@deprecated ${r.deprecated}`] : [];
  return `${renderJsDoc(doc, tags)}export const ${r.token}: ResourceType<${r.typeName}, ` +
    `${r.namespaced}${listType}> = resourceType<${r.typeName}${listType}>()({ ${facts} });\n`;
}

/**
 * The type parameter of a patch method: the kind is inferred from `opts.type` and limited to
 * the kinds the server accepts for the resource, and the body type follows it.
 */
function patchTypeParam(r: ApiResourceSpec): string {
  const kinds = [...r.patchKinds].sort().map((k) => JSON.stringify(k)).join(" | ");
  return `<K extends ${kinds}>`;
}

interface MethodContext {
  /** `ns` view methods or cluster-wide ones. */
  scope: "namespaced" | "cluster" | "allNamespaces";
  r: TokenedResource;
}

function method(doc: string, r: ApiResourceSpec, signature: string, body: string): string {
  const tags = r.deprecated !== undefined ? [`@deprecated ${r.deprecated}`] : [];
  return `${renderJsDoc(doc, tags)}${signature} {\nreturn ${body};\n}\n`;
}

function resourceMethods({ scope, r }: MethodContext): string {
  const K = r.kind;
  const Ks = pluralKind(r.kind, r.plural);
  const T = r.typeName;
  const L = r.listTypeName ?? `ObjectList<${T}>`;
  const rc = `this.#resource<${T}, ${L}>(${r.token})`;
  const where = scope === "namespaced"
    ? " in this namespace"
    : scope === "allNamespaces"
    ? " across all namespaces"
    : "";
  const verbs = new Set(r.verbs);
  const out: string[] = [];
  if (scope === "allNamespaces") {
    // Only the collection reads make sense without a namespace.
    const sfx = "ForAllNamespaces";
    if (verbs.has("list")) {
      out.push(
        method(
          `Lists one page of ${Ks}${where}.`,
          r,
          `list${Ks}${sfx}(opts?: ListOptions): Promise<${L}>`,
          `${rc}.list(opts)`,
        ),
      );
      out.push(
        method(
          `Lists every ${K}${where}, following \`continue\` tokens across pages.`,
          r,
          `listAll${Ks}${sfx}(opts?: ListOptions): AsyncGenerator<${T}>`,
          `${rc}.listAll(opts)`,
        ),
      );
    }
    if (verbs.has("watch")) {
      out.push(
        method(
          `Watches ${Ks}${where}.`,
          r,
          `watch${Ks}${sfx}(opts?: WatchOptions): AsyncGenerator<WatchEvent<${T}>, WatchEnd, undefined>`,
          `${rc}.watch(opts)`,
        ),
      );
    }
    return out.join("\n");
  }
  const patchOpts = patchTypeParam(r);
  if (verbs.has("get")) {
    out.push(
      method(
        `Reads the ${K} \`name\`${where}.`,
        r,
        `get${K}(name: string, opts?: GetOptions): Promise<${T}>`,
        `${rc}.get(name, opts)`,
      ),
    );
  }
  if (verbs.has("list")) {
    out.push(
      method(
        `Lists one page of ${Ks}${where}.`,
        r,
        `list${Ks}(opts?: ListOptions): Promise<${L}>`,
        `${rc}.list(opts)`,
      ),
    );
    out.push(
      method(
        `Lists every ${K}${where}, following \`continue\` tokens across pages.`,
        r,
        `listAll${Ks}(opts?: ListOptions): AsyncGenerator<${T}>`,
        `${rc}.listAll(opts)`,
      ),
    );
  }
  if (verbs.has("watch")) {
    out.push(
      method(
        `Watches ${Ks}${where}.`,
        r,
        `watch${Ks}(opts?: WatchOptions): AsyncGenerator<WatchEvent<${T}>, WatchEnd, undefined>`,
        `${rc}.watch(opts)`,
      ),
    );
  }
  if (verbs.has("create")) {
    out.push(
      method(
        `Creates a ${K}${where}.`,
        r,
        `create${K}(body: ${T}, opts?: WriteOptions): Promise<${T}>`,
        `${rc}.create(body, opts)`,
      ),
    );
  }
  if (verbs.has("update")) {
    out.push(
      method(
        `Replaces the ${K} \`name\`${where}.`,
        r,
        `replace${K}(name: string, body: ${T}, opts?: WriteOptions): Promise<${T}>`,
        `${rc}.replace(name, body, opts)`,
      ),
    );
  }
  if (verbs.has("patch")) {
    out.push(
      method(
        `Patches the ${K} \`name\`${where} (the body's type follows \`opts.type\`).`,
        r,
        `patch${K}${patchOpts}(name: string, patch: PatchBody<${T}, K>, opts: PatchOptions<K>): Promise<${T}>`,
        `${rc}.patch(name, patch, opts)`,
      ),
    );
  }
  if (verbs.has("delete")) {
    out.push(
      method(
        `Deletes the ${K} \`name\`${where}; the server answers with the object or a Status.`,
        r,
        `delete${K}(name: string, opts?: DeleteOptions): Promise<${T} | Status>`,
        `${rc}.delete(name, opts)`,
      ),
    );
  }
  if (verbs.has("deletecollection")) {
    out.push(
      method(
        `Deletes the ${Ks}${where} matching the selectors in \`opts\`.`,
        r,
        `delete${K}Collection(opts?: ListOptions & DeleteOptions): Promise<${L} | Status>`,
        `${rc}.deleteCollection(opts)`,
      ),
    );
  }
  out.push(...subresourceMethods(r, "Status", T, where, patchOpts, rc));
  out.push(...subresourceMethods(r, "Scale", "Scale", where, patchOpts, rc));
  return out.join("\n");
}

function subresourceMethods(
  r: TokenedResource,
  sub: "Status" | "Scale",
  T: string,
  where: string,
  patchOpts: string,
  rc: string,
): string[] {
  const verbs = new Set(sub === "Status" ? r.status ?? [] : r.scale ?? []);
  const K = r.kind;
  const what = `the ${sub.toLowerCase()} subresource of the ${K} \`name\`${where}`;
  const out: string[] = [];
  if (verbs.has("get")) {
    out.push(
      method(
        `Reads ${what}.`,
        r,
        `get${K}${sub}(name: string, opts?: GetOptions): Promise<${T}>`,
        `${rc}.get${sub}(name, opts)`,
      ),
    );
  }
  if (verbs.has("update")) {
    out.push(
      method(
        `Replaces ${what}.`,
        r,
        `replace${K}${sub}(name: string, body: ${T}, opts?: WriteOptions): Promise<${T}>`,
        `${rc}.replace${sub}(name, body, opts)`,
      ),
    );
  }
  if (verbs.has("patch")) {
    out.push(
      method(
        `Patches ${what}.`,
        r,
        `patch${K}${sub}${patchOpts}(name: string, patch: PatchBody<${T}, K>, opts: PatchOptions<K>): Promise<${T}>`,
        `${rc}.patch${sub}(name, patch, opts)`,
      ),
    );
  }
  return out;
}

function resourceHelper(namespaced: boolean): string {
  const ns = namespaced ? ", this.namespace" : "";
  return `#resource<T, L extends ObjectList<T>>(resource: ResourceType<T, boolean, L>): ResourceClient<T, L> {\n` +
    `return new ResourceClient<T, L>(this.#client, resource${ns});\n}\n`;
}

function exampleBlock(spec: ApiModuleSpec, namespaced: boolean): string {
  const r = spec.resources.find((x) => x.namespaced === namespaced && x.verbs.includes("list")) ??
    spec.resources.find((x) => x.verbs.includes("list"));
  const base = spec.className;
  const call = r === undefined
    ? ""
    : `\nconst page = await api${namespaced && r.namespaced ? '.namespace("default")' : ""}.list${
      pluralKind(r.kind, r.plural)
    }${
      !namespaced && r.namespaced ? "ForAllNamespaces" : ""
    }({ limit: 10 });\nconsole.log(page.items.length);`;
  // A function taking the client, not a `declare const`: the example must type-check as a
  // doc test (`deno test --doc` wraps it in a test body) without talking to a server.
  return "@example\n```ts\n" +
    `import type { RestClient } from "${spec.exampleRuntimeImport ?? spec.runtimeImport}";\n` +
    `import { ${base} } from "${spec.exampleImport}";\n\n` +
    `async function example(client: RestClient): Promise<void> {\n` +
    `  const api = new ${base}(client);${call.replaceAll("\n", "\n  ")}\n}\n` + "```";
}

/**
 * The text of an Api module (unformatted; run it through `formatTypeScript`).
 *
 * @example
 * ```ts
 * import { emitApiModule } from "./api_emitter.ts";
 *
 * const text = emitApiModule({
 *   className: "ExampleComV1Api",
 *   groupVersion: "example.com/v1",
 *   runtimeImport: "jsr:@staircase/staircase/client",
 *   typesImport: "./types.ts",
 *   exampleImport: "./mod.ts",
 *   resources: [{
 *     group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: true,
 *     typeName: "Widget", listTypeName: "WidgetList", verbs: ["get", "list", "create"],
 *     status: ["get", "update", "patch"], patchKinds: ["merge", "json", "apply"],
 *   }],
 * });
 * console.log(text.includes("getWidgetStatus")); // true
 * ```
 */
export function emitApiModule(spec: ApiModuleSpec): string {
  const sorted = [...spec.resources].sort((a, b) =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.plural < b.plural ? -1 : 1
  );
  const typeNames = [
    ...new Set(sorted.flatMap((r) => [r.typeName, r.listTypeName ?? r.typeName])),
  ].sort();
  const aliases = typeAliases(typeNames);
  const local = (name: string): string => aliases.get(name) ?? name;
  const nsClass = `${spec.className.replace(/Api$/, "")}NamespacedApi`;
  // Tokens are exported next to the types (`mod.ts` re-exports both), so they avoid every
  // name the module exports or refers to.
  const taken = new Set([
    ...(spec.exportedTypeNames ?? []),
    ...typeNames,
    ...aliases.values(),
    ...BODY_NAMES,
    spec.className,
    nsClass,
  ]);
  const resources: TokenedResource[] = sorted.map((r) => ({
    ...r,
    typeName: local(r.typeName),
    listTypeName: r.listTypeName === undefined ? undefined : local(r.listTypeName),
    token: tokenName(r.kind, r.plural, taken),
  }));
  const namespacedResources = resources.filter((r) => r.namespaced);
  const clusterResources = resources.filter((r) => !r.namespaced);
  const parts: string[] = [];
  parts.push(resources.map(tokenConst).join("\n"), "\n");
  const hasNamespaced = namespacedResources.length > 0;
  parts.push(renderJsDoc(
    `Typed access to the ${spec.groupVersion} API.` +
      (hasNamespaced ? ` Use {@linkcode ${spec.className}.namespace} for namespaced kinds.` : ""),
    [exampleBlock(spec, false)],
  ));
  parts.push(`export class ${spec.className} {\n#client: RestClient;\n\n`);
  parts.push(
    `/** Creates the API over \`client\`. */\nconstructor(client: RestClient) {\nthis.#client = client;\n}\n\n`,
  );
  if (hasNamespaced) {
    parts.push(
      `/** A view of the namespaced kinds in namespace \`namespace\`. */\n` +
        `namespace(namespace: string): ${nsClass} {\nreturn new ${nsClass}(this.#client, namespace);\n}\n\n`,
    );
  }
  parts.push(resourceHelper(false), "\n");
  for (const r of clusterResources) parts.push(resourceMethods({ scope: "cluster", r }), "\n");
  for (const r of namespacedResources) {
    parts.push(resourceMethods({ scope: "allNamespaces", r }), "\n");
  }
  parts.push("}\n");
  if (hasNamespaced) {
    parts.push(
      "\n",
      renderJsDoc(`The namespaced kinds of ${spec.groupVersion} in one namespace.`, [
        exampleBlock(spec, true),
      ]),
    );
    parts.push(
      `export class ${nsClass} {\n#client: RestClient;\n/** The namespace this view works in. */\nreadonly namespace: string;\n\n`,
    );
    parts.push(
      `/** Creates a view of namespace \`namespace\` over \`client\`. */\nconstructor(client: RestClient, namespace: string) {\nthis.#client = client;\nthis.namespace = namespace;\n}\n\n`,
    );
    parts.push(resourceHelper(true), "\n");
    for (const r of namespacedResources) {
      parts.push(resourceMethods({ scope: "namespaced", r }), "\n");
    }
    parts.push("}\n");
  }
  const body = parts.join("");
  // Import only what the body uses, so modules lacking some verbs stay lint-clean.
  const used = RUNTIME_TYPES.filter((t) => new RegExp(`\\b${t}\\b`).test(body));
  return `import { ResourceClient, resourceType } from "${spec.runtimeImport}";\n` +
    `import type { ${used.join(", ")} } from "${spec.runtimeImport}";\n` +
    `import type { ${
      typeNames.map((n) => (aliases.has(n) ? `${n} as ${aliases.get(n)}` : n)).join(", ")
    } } from "${spec.typesImport}";\n\n${body}`;
}

/** Names the module body refers to besides the object types: runtime imports and globals. */
const BODY_NAMES: ReadonlySet<string> = new Set([
  ...RUNTIME_TYPES,
  "ResourceClient",
  "resourceType",
  "Promise",
  "AsyncGenerator",
  // The type parameter of patch methods.
  "K",
]);

/**
 * Local aliases for object types named like something the body uses (a custom resource kind
 * `Status`, or `Object` whose list type is `ObjectList`), so the import does not shadow it.
 */
function typeAliases(typeNames: string[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const used = new Set([...typeNames, ...BODY_NAMES]);
  for (const name of typeNames) {
    if (!BODY_NAMES.has(name)) continue;
    let alias = `${name}Type`;
    for (let i = 2; used.has(alias); i++) alias = `${name}Type${i}`;
    used.add(alias);
    aliases.set(name, alias);
  }
  return aliases;
}
