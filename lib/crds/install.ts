/**
 * Installs or upgrades CustomResourceDefinitions from code, as operators do at start-up.
 *
 * @module
 */

import type { JSONObject, JSONValue, RestClient } from "../client/contract.ts";
import { isAlreadyExists, isConflict, isNotFound } from "../client/api_error.ts";
import { ResourceClient } from "../client/resource_client.ts";

type Crds = ResourceClient<JSONObject>;

function crdClient(client: RestClient): Crds {
  return new ResourceClient<JSONObject>(client, {
    group: "apiextensions.k8s.io",
    version: "v1",
    plural: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
    namespaced: false,
  });
}

/**
 * A CustomResourceDefinition manifest as it is installed (plain JSON, as read from YAML or
 * written in code).
 */
export interface CrdManifest {
  /** `apiextensions.k8s.io/v1`; filled in when absent. */
  apiVersion?: string;
  /** `CustomResourceDefinition`; filled in when absent. */
  kind?: string;
  /** The name must be `<plural>.<group>`. */
  metadata: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  /** The definition, sent as is. */
  spec: {
    group: string;
    names: { plural: string; kind: string; singular?: string; listKind?: string };
    [field: string]: unknown;
  };
}

/** Options of {@linkcode installCrd} and {@linkcode installCrds}. */
export interface InstallCrdOptions {
  /** How long to wait for the `Established` condition; default 60 000 ms. */
  timeoutMs?: number;
  /** How often to poll the condition; default 200 ms. */
  pollIntervalMs?: number;
  /** The field manager recorded for writes; default `staircase`. */
  fieldManager?: string;
  /** Aborts waiting and requests. */
  abortSignal?: AbortSignal;
}

/** What {@linkcode installCrd} did. */
export interface InstallCrdResult {
  /** The CRD name. */
  name: string;
  /** `created`, `replaced`, or `unchanged` when the server already had this definition. */
  action: "created" | "replaced" | "unchanged";
  /** Whether anything was written (`action !== "unchanged"`). */
  changed: boolean;
}

/**
 * The CRD did not become `Established` in time, or its names were rejected.
 *
 * @example
 * ```ts
 * import { CrdNotEstablishedError } from "./install.ts";
 * const err = new CrdNotEstablishedError("widgets.example.com", "timed out after 60000 ms");
 * console.log(err.message);
 * ```
 */
export class CrdNotEstablishedError extends Error {
  /** The CRD name. */
  readonly crd: string;

  /**
   * Creates the error.
   *
   * @param crd The CRD name.
   * @param problem Why it is not established.
   */
  constructor(crd: string, problem: string) {
    super(`CustomResourceDefinition ${crd} is not established: ${problem}`);
    this.name = "CrdNotEstablishedError";
    this.crd = crd;
  }
}

/**
 * Creates the CRD if it is missing, replaces it (keeping its `resourceVersion`) if its spec,
 * labels or annotations differ, and waits until the server reports it `Established`.
 *
 * @example
 * ```ts ignore
 * import { installCrd } from "./install.ts";
 * import type { RestClient } from "../client/contract.ts";
 * declare const client: RestClient;
 * const result = await installCrd(client, {
 *   metadata: { name: "widgets.example.com" },
 *   spec: {
 *     group: "example.com",
 *     scope: "Namespaced",
 *     names: { plural: "widgets", kind: "Widget" },
 *     versions: [{
 *       name: "v1",
 *       served: true,
 *       storage: true,
 *       schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
 *     }],
 *   },
 * });
 * console.log(result.action); // "created", "replaced" or "unchanged"
 * ```
 *
 * @param client The client to the API server.
 * @param crd The desired definition.
 * @param options Timeouts and field manager.
 * @returns What was done.
 * @throws {CrdNotEstablishedError} When the CRD does not become established in time.
 */
export async function installCrd(
  client: RestClient,
  crd: CrdManifest,
  options: InstallCrdOptions = {},
): Promise<InstallCrdResult> {
  const name = crd.metadata.name ?? `${crd.spec.names.plural}.${crd.spec.group}`;
  const desired = {
    ...crd,
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { ...crd.metadata, name },
  } as unknown as JSONObject;
  const crds = crdClient(client);
  const write = {
    fieldManager: options.fieldManager ?? "staircase",
    abortSignal: options.abortSignal,
  };
  let action: InstallCrdResult["action"] = "unchanged";
  // A concurrent writer can make create or replace conflict; re-read and try again a few times.
  for (let attempt = 0;; attempt++) {
    const current = await getOrUndefined(crds, name, options.abortSignal);
    try {
      if (current === undefined) {
        await crds.create(desired, write);
        action = "created";
      } else if (!crdMatches(crd, current)) {
        const metadata = current.metadata as JSONObject;
        await crds.replace(name, {
          ...desired,
          metadata: {
            ...(desired.metadata as JSONObject),
            resourceVersion: metadata.resourceVersion ?? null,
          },
        }, write);
        action = "replaced";
      }
      break;
    } catch (err) {
      if (attempt < 3 && (isConflict(err) || isAlreadyExists(err))) continue;
      throw err;
    }
  }
  await waitEstablished(crds, name, options);
  return { name, action, changed: action !== "unchanged" };
}

/**
 * Installs several CRDs one after the other with {@linkcode installCrd}.
 *
 * @example
 * ```ts ignore
 * import { installCrds } from "./install.ts";
 * import type { CrdManifest } from "./install.ts";
 * import type { RestClient } from "../client/contract.ts";
 * declare const client: RestClient;
 * declare const crds: CrdManifest[];
 * if (await installCrds(client, crds)) console.log("CRDs updated");
 * ```
 *
 * @param client The client to the API server.
 * @param crds The desired definitions.
 * @param options Timeouts and field manager.
 * @returns Whether anything changed.
 */
export async function installCrds(
  client: RestClient,
  crds: CrdManifest[],
  options: InstallCrdOptions = {},
): Promise<boolean> {
  let changed = false;
  for (const crd of crds) {
    if ((await installCrd(client, crd, options)).changed) changed = true;
  }
  return changed;
}

/**
 * Whether the server's CRD already has the desired spec, labels and annotations. The server
 * defaults a few spec fields; the desired spec is compared with those defaults applied.
 */
function crdMatches(desired: CrdManifest, current: JSONObject): boolean {
  const spec = structuredClone(desired.spec) as Record<string, unknown>;
  const names = spec.names as Record<string, unknown>;
  names.singular ??= desired.spec.names.kind.toLowerCase();
  names.listKind ??= `${desired.spec.names.kind}List`;
  spec.conversion ??= { strategy: "None" };
  if (!jsonEqual(spec as JSONValue, current.spec)) return false;
  const meta = (current.metadata ?? {}) as JSONObject;
  for (const field of ["labels", "annotations"] as const) {
    const want = desired.metadata[field] ?? {};
    const have = (meta[field] ?? {}) as JSONObject;
    for (const [k, v] of Object.entries(want)) if (have[k] !== v) return false;
  }
  return true;
}

/** Structural JSON equality; absent and `undefined` fields are the same. */
function jsonEqual(a: JSONValue | unknown, b: JSONValue | unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) {
    if (ao[k] === undefined && bo[k] === undefined) continue;
    if (!jsonEqual(ao[k], bo[k])) return false;
  }
  return true;
}

async function getOrUndefined(
  crds: Crds,
  name: string,
  abortSignal: AbortSignal | undefined,
): Promise<JSONObject | undefined> {
  try {
    return await crds.get(name, { abortSignal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function waitEstablished(
  crds: Crds,
  name: string,
  options: InstallCrdOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const interval = options.pollIntervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await getOrUndefined(crds, name, options.abortSignal);
    const conditions =
      ((current?.status as JSONObject | undefined)?.conditions ?? []) as JSONObject[];
    const find = (type: string) => conditions.find((c) => c.type === type);
    if (find("Established")?.status === "True") return;
    const names = find("NamesAccepted");
    if (names?.status === "False") {
      throw new CrdNotEstablishedError(
        name,
        `names not accepted: ${names.message ?? names.reason}`,
      );
    }
    if (Date.now() >= deadline) {
      throw new CrdNotEstablishedError(name, `timed out after ${timeoutMs} ms`);
    }
    options.abortSignal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
