/**
 * Derives the resources of a group-version (kind, plural, scope, verbs,
 * status/scale subresources, accepted patch kinds) from the paths of its
 * OpenAPI v3 document.
 *
 * @module
 */

import type { ApiResourceSpec, ApiVerb, PatchKind } from "../common/api_emitter.ts";
import type { GroupVersionDocument, OperationObject } from "./specs.ts";

/** A resource with the full schema names of its object and list types. */
export interface DiscoveredResource extends Omit<ApiResourceSpec, "typeName" | "listTypeName"> {
  /** Full schema name of the object type. */
  typeSchema: string;
  /** Full schema name of the list type, when the resource can be listed. */
  listSchema?: string;
}

const PATCH_CONTENT_TYPES: Record<string, PatchKind> = {
  "application/merge-patch+json": "merge",
  "application/json-patch+json": "json",
  "application/strategic-merge-patch+json": "strategic",
  "application/apply-patch+yaml": "apply",
};

const ITEM_VERBS: Record<string, ApiVerb> = {
  get: "get",
  put: "update",
  patch: "patch",
  delete: "delete",
};

const COLLECTION_VERBS: Record<string, ApiVerb> = {
  list: "list",
  post: "create",
  deletecollection: "deletecollection",
  watchlist: "watch",
};

interface Draft {
  plural: string;
  namespaced: boolean;
  kind?: string;
  typeSchema?: string;
  listSchema?: string;
  verbs: Set<ApiVerb>;
  status: Set<ApiVerb>;
  scale: Set<ApiVerb>;
  patchKinds: Set<PatchKind>;
}

function schemaRef(op: OperationObject, codes: string[]): string | undefined {
  for (const code of codes) {
    const content = op.responses?.[code]?.content ?? {};
    const ref = content["application/json"]?.schema?.$ref;
    if (typeof ref === "string") return ref.replace(/^#\/components\/schemas\//, "");
  }
  return undefined;
}

function isOperation(value: unknown): value is OperationObject {
  return value !== null && typeof value === "object" && "x-kubernetes-action" in value;
}

function splitPath(path: string, prefix: string):
  | { namespaced: boolean; plural: string; item: boolean; sub?: string }
  | undefined {
  if (!path.startsWith(prefix)) return undefined;
  let segs = path.slice(prefix.length).split("/").filter((s) => s !== "");
  let watchPath = false;
  if (segs[0] === "watch") {
    watchPath = true;
    segs = segs.slice(1);
  }
  let namespaced = false;
  if (segs[0] === "namespaces" && segs[1] === "{namespace}" && segs.length > 2) {
    namespaced = true;
    segs = segs.slice(2);
  }
  if (segs.length === 0 || segs.length > 3 || segs[0].startsWith("{")) return undefined;
  if (segs.length >= 2 && segs[1] !== "{name}") return undefined;
  // Legacy /watch/ paths duplicate the `watch` parameter of list; only note the verb.
  if (watchPath && segs.length > 1) return undefined;
  return { namespaced, plural: segs[0], item: segs.length >= 2, sub: segs[2] };
}

/**
 * The resources described by one group-version document, sorted by plural.
 * Subresources other than `status` and `scale` (exec, log, proxy, eviction,
 * binding, token, ...) are not covered.
 *
 * @example
 * ```ts
 * import { discoverResources } from "./resources.ts";
 *
 * const found = discoverResources({ group: "", version: "v1", document: { paths: {} } });
 * console.log(found.length); // 0
 * ```
 */
export function discoverResources(doc: GroupVersionDocument): DiscoveredResource[] {
  const prefix = doc.group === "" ? `/api/${doc.version}/` : `/apis/${doc.group}/${doc.version}/`;
  const drafts = new Map<string, Draft>();
  for (const [path, item] of Object.entries(doc.document.paths ?? {})) {
    const where = splitPath(path, prefix);
    if (where === undefined) continue;
    if (where.sub !== undefined && where.sub !== "status" && where.sub !== "scale") continue;
    const draft = drafts.get(where.plural) ?? {
      plural: where.plural,
      namespaced: false,
      verbs: new Set(),
      status: new Set(),
      scale: new Set(),
      patchKinds: new Set(),
    };
    drafts.set(where.plural, draft);
    draft.namespaced ||= where.namespaced;
    for (const [method, op] of Object.entries(item)) {
      if (!isOperation(op)) continue;
      const action = op["x-kubernetes-action"]!;
      if (!where.item) {
        const verb = COLLECTION_VERBS[action];
        if (verb === undefined) continue;
        draft.verbs.add(verb);
        if (action === "list") draft.listSchema = schemaRef(op, ["200"]);
        if (action === "post" && draft.typeSchema === undefined) {
          draft.typeSchema = schemaRef(op, ["201", "200"]);
          draft.kind ??= op["x-kubernetes-group-version-kind"]?.kind;
        }
        continue;
      }
      const verb = ITEM_VERBS[method];
      if (verb === undefined || action !== method) continue;
      if (where.sub === undefined) {
        draft.verbs.add(verb);
        if (method === "get") {
          draft.typeSchema = schemaRef(op, ["200"]);
          draft.kind = op["x-kubernetes-group-version-kind"]?.kind;
        }
      } else (where.sub === "status" ? draft.status : draft.scale).add(verb);
      if (method === "patch") {
        for (const type of Object.keys(op.requestBody?.content ?? {})) {
          const kind = PATCH_CONTENT_TYPES[type];
          if (kind !== undefined) draft.patchKinds.add(kind);
        }
      }
    }
  }
  const out: DiscoveredResource[] = [];
  for (const d of [...drafts.values()].sort((a, b) => (a.plural < b.plural ? -1 : 1))) {
    if (d.kind === undefined || d.typeSchema === undefined || d.verbs.size === 0) continue;
    out.push({
      group: doc.group,
      version: doc.version,
      kind: d.kind,
      plural: d.plural,
      namespaced: d.namespaced,
      typeSchema: d.typeSchema,
      listSchema: d.verbs.has("list") ? d.listSchema : undefined,
      verbs: [...d.verbs].sort(),
      status: d.status.size > 0 ? [...d.status].sort() : undefined,
      scale: d.scale.size > 0 ? [...d.scale].sort() : undefined,
      patchKinds: [...d.patchKinds].sort(),
    });
  }
  return out;
}
