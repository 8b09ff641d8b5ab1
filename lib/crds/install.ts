/**
 * Installs or upgrades CustomResourceDefinitions from code, as operators do at start-up.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import { isNotFound } from "../client/api_error.ts";
import { isTimerMs, MAX_TIMER_MS } from "../client/_timers.ts";
import { sleep } from "../client/sleep.ts";
import { ResourceClient } from "../client/resource_client.ts";
import { CustomResourceDefinitions } from "../apis/apiextensions.k8s.io/v1/api.ts";
import type { CustomResourceDefinition } from "../apis/apiextensions.k8s.io/v1/types.ts";

export type { CustomResourceDefinition } from "../apis/apiextensions.k8s.io/v1/types.ts";

type Crds = ResourceClient<CustomResourceDefinition>;

function crdClient(client: RestClient): Crds {
  return new ResourceClient(client, CustomResourceDefinitions);
}

/** Options of {@linkcode installCrd} and {@linkcode installCrds}. */
export interface InstallCrdOptions {
  /**
   * How long to wait for the `Established` condition, in milliseconds.
   *
   * @default {60000}
   */
  timeoutMs?: number;
  /**
   * How often to poll the condition, in milliseconds.
   *
   * @default {200}
   */
  pollIntervalMs?: number;
  /**
   * The field manager of the server-side apply.
   *
   * @default {"staircase"}
   */
  fieldManager?: string;
  /** Aborts waiting and requests. */
  abortSignal?: AbortSignal;
}

/** What {@linkcode installCrd} did. */
export interface InstallCrdResult {
  /** The CRD name. */
  name: string;
  /**
   * `created`; `replaced` when the server had another definition (spec, labels or annotations
   * changed); `unchanged` when applying changed nothing.
   */
  action: "created" | "replaced" | "unchanged";
  /** Whether anything was written (`action !== "unchanged"`). */
  changed: boolean;
}

/**
 * The CRD did not become `Established` in time, or its names were rejected.
 *
 * @example
 * ```ts
 * import { CrdNotEstablishedError, installCrd } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 * import type { CustomResourceDefinition } from "@staircase/staircase/apis/apiextensions.k8s.io/v1";
 *
 * // Give up after 10 s, saying which CRD the server did not accept.
 * async function install(client: RestClient, crd: CustomResourceDefinition): Promise<boolean> {
 *   try {
 *     return (await installCrd(client, crd, { timeoutMs: 10_000 })).changed;
 *   } catch (err) {
 *     if (err instanceof CrdNotEstablishedError) console.error(`${err.crd}: ${err.message}`);
 *     throw err;
 *   }
 * }
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
 * Installs the CRD with server-side apply (field manager `options.fieldManager`, taking over
 * fields other managers own) and waits until the server reports it `Established`. Only what
 * the manifest sets is compared, so fields the server defaults (the webhook conversion's
 * service port, `names.singular`, ...) never make an unchanged CRD look different; fields a
 * previous install applied and this manifest drops are removed.
 *
 * @example
 * ```ts
 * import { installCrd, type InstallCrdResult } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * async function installWidgets(client: RestClient): Promise<InstallCrdResult> {
 *   const result = await installCrd(client, {
 *     metadata: { name: "widgets.example.com" },
 *     spec: {
 *       group: "example.com",
 *       scope: "Namespaced",
 *       names: { plural: "widgets", kind: "Widget" },
 *       versions: [{
 *         name: "v1",
 *         served: true,
 *         storage: true,
 *         schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
 *       }],
 *     },
 *   });
 *   console.log(result.action); // "created", "replaced" or "unchanged"
 *   return result;
 * }
 * ```
 *
 * @param client The client to the API server.
 * @param crd The desired definition.
 * @param options Timeouts and field manager.
 * @returns What was done.
 * @throws {CrdNotEstablishedError} When the CRD does not become established in time, or the
 * server does not accept its names (they conflict with another CRD's).
 * @throws {RangeError} If `timeoutMs` or `pollIntervalMs` is out of range (before any request).
 */
export async function installCrd(
  client: RestClient,
  crd: CustomResourceDefinition,
  options: InstallCrdOptions = {},
): Promise<InstallCrdResult> {
  checkWaitOptions(options);
  const name = crd.metadata?.name ?? `${crd.spec.names.plural}.${crd.spec.group}`;
  // A manifest read back from a server carries bookkeeping an apply must not send (managed
  // fields are refused; a resourceVersion would make the apply conditional).
  const {
    resourceVersion: _rv,
    managedFields: _mf,
    uid: _uid,
    creationTimestamp: _ct,
    generation: _g,
    ...metadata
  } = crd.metadata ?? {};
  const desired: CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { ...metadata, name },
    spec: crd.spec,
  };
  const crds = crdClient(client);
  const before = await getOrUndefined(crds, name, options.abortSignal);
  const after = await crds.patch(name, desired, {
    type: "apply",
    force: true,
    fieldManager: options.fieldManager ?? "staircase",
    abortSignal: options.abortSignal,
  });
  const action: InstallCrdResult["action"] = before === undefined
    ? "created"
    : sameDefinition(before, after)
    ? "unchanged"
    : "replaced";
  await waitEstablished(crds, name, options);
  return { name, action, changed: action !== "unchanged" };
}

/**
 * Installs several CRDs one after the other with {@linkcode installCrd}.
 *
 * @example
 * ```ts
 * import { installCrds } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 * import type { CustomResourceDefinition } from "@staircase/staircase/apis/apiextensions.k8s.io/v1";
 *
 * async function installAll(client: RestClient, crds: CustomResourceDefinition[]): Promise<void> {
 *   if (await installCrds(client, crds, { fieldManager: "my-operator" })) console.log("CRDs updated");
 * }
 * ```
 *
 * @param client The client to the API server.
 * @param crds The desired definitions.
 * @param options Timeouts and field manager.
 * @returns Whether anything changed.
 */
export async function installCrds(
  client: RestClient,
  crds: CustomResourceDefinition[],
  options: InstallCrdOptions = {},
): Promise<boolean> {
  checkWaitOptions(options);
  let changed = false;
  for (const crd of crds) {
    if ((await installCrd(client, crd, options)).changed) changed = true;
  }
  return changed;
}

/**
 * Whether two server states of a CRD define the same thing: spec, labels and annotations
 * (status and bookkeeping such as `resourceVersion` change on their own).
 */
function sameDefinition(a: CustomResourceDefinition, b: CustomResourceDefinition): boolean {
  return jsonEqual(a.spec, b.spec) &&
    jsonEqual(a.metadata?.labels ?? {}, b.metadata?.labels ?? {}) &&
    jsonEqual(a.metadata?.annotations ?? {}, b.metadata?.annotations ?? {});
}

/** Structural JSON equality; absent and `undefined` fields are the same. */
function jsonEqual(a: unknown, b: unknown): boolean {
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
): Promise<CustomResourceDefinition | undefined> {
  try {
    return await crds.get(name, { abortSignal });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Refuses a wait that could not work: a NaN or negative timeout, or a poll interval that is not
 * a positive number a timer can wait (0 would poll the server in a tight loop).
 */
function checkWaitOptions(options: InstallCrdOptions): void {
  const { timeoutMs, pollIntervalMs } = options;
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs >= 0)) {
    throw new RangeError(`installCrd: timeoutMs must be a number of ms >= 0, got ${timeoutMs}`);
  }
  if (pollIntervalMs !== undefined && !isTimerMs(pollIntervalMs, 0, true)) {
    throw new RangeError(
      `installCrd: pollIntervalMs must be a number of ms in (0, ${MAX_TIMER_MS}], got ${pollIntervalMs}`,
    );
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
    const conditions = current?.status?.conditions ?? [];
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
    await sleep(interval, options.abortSignal);
  }
}
