/**
 * Best-effort status writes: the {@linkcode StatusWriter} interface and a merge-patch default.
 *
 * @module
 */

import type { JSONValue, RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";

/**
 * Options the executor passes to {@linkcode StatusWriter.write}.
 *
 * @example
 * ```ts
 * import type { StatusWriteOptions } from "@staircase/staircase";
 *
 * const options: StatusWriteOptions = {
 *   signal: new AbortController().signal,
 *   runId: "r-1",
 *   stepName: "report-ready",
 * };
 * console.log(options.stepName);
 * ```
 */
export interface StatusWriteOptions {
  /** Aborted when the write exceeds the per-step timeout or on shutdown. */
  readonly signal: AbortSignal;
  /** The Run's id. */
  readonly runId: string;
  /** The step whose outcome carried the status. */
  readonly stepName: string;
}

/**
 * Writes a step's status to the resource, best effort. The executor awaits the write before the
 * next step (so writes stay ordered), under the per-step timeout; a write that fails is logged
 * and recorded in the RunResult, and the Run goes on as if it had succeeded.
 *
 * @typeParam R The resource type.
 *
 * @example A writer that records writes in memory (useful in tests)
 * ```ts
 * import type { StatusWriter } from "@staircase/staircase";
 *
 * const written: object[] = [];
 * const writer: StatusWriter<unknown> = {
 *   write: (_resource, status) => {
 *     written.push(status);
 *     return Promise.resolve();
 *   },
 * };
 * await writer.write({}, { phase: "Ready" }, {
 *   signal: new AbortController().signal,
 *   runId: "r-1",
 *   stepName: "report",
 * });
 * console.log(written.length); // 1
 * ```
 */
export interface StatusWriter<R> {
  /** Writes `status` as the status of `resource`. */
  write(resource: R, status: object, options: StatusWriteOptions): Promise<void>;
}

/**
 * Which resource type a {@linkcode MergePatchStatusWriter} writes to. A subset of the client's
 * `ResourceDescriptor`, so a descriptor can be passed as it is. `group` and `version` default to
 * the resource's own `apiVersion`; `namespaced` defaults to whether the resource has a
 * `metadata.namespace`.
 *
 * @example
 * ```ts
 * import type { StatusTarget } from "@staircase/staircase";
 *
 * const target: StatusTarget = { group: "example.com", version: "v1", plural: "apps", namespaced: true };
 * console.log(target.plural);
 * ```
 */
export interface StatusTarget {
  /** The resource's plural name, e.g. `deployments`. */
  readonly plural: string;
  /** The API group (`""` for the core group). */
  readonly group?: string;
  /** The API version, e.g. `v1`. */
  readonly version?: string;
  /** Whether the resource type is namespaced. */
  readonly namespaced?: boolean;
}

/**
 * The minimal object shape {@linkcode MergePatchStatusWriter} needs.
 *
 * @example
 * ```ts
 * import type { ObjectIdentity } from "@staircase/staircase";
 *
 * const cm: ObjectIdentity = { apiVersion: "v1", metadata: { name: "web", namespace: "default" } };
 * console.log(cm.metadata?.name);
 * ```
 */
export interface ObjectIdentity {
  /** `group/version`, or `version` for the core group. */
  readonly apiVersion?: string;
  /** The object's metadata. */
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * The default {@linkcode StatusWriter}: a JSON merge patch `{"status": ...}` to the resource's
 * `/status` subresource through a {@linkcode RestClient}.
 *
 * @example
 * ```ts
 * import { MergePatchStatusWriter, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const client = {} as RestClient; // a real client in practice
 * const executor = new RunExecutor({
 *   client,
 *   statusWriter: new MergePatchStatusWriter(client, { plural: "apps" }),
 * });
 * console.log(executor.stepTimeoutMs);
 * ```
 */
export class MergePatchStatusWriter implements StatusWriter<ObjectIdentity> {
  readonly #client: RestClient;
  readonly #target: StatusTarget;

  /**
   * Creates a writer.
   *
   * @param client The client to send the patch through.
   * @param target The resource type's plural name (and optionally group, version, scope).
   * @throws {TypeError} If `target.plural` is not a non-empty string.
   */
  constructor(client: RestClient, target: StatusTarget) {
    if (typeof target?.plural !== "string" || target.plural === "") {
      throw new TypeError("MergePatchStatusWriter: target.plural must be a non-empty string");
    }
    this.#client = client;
    this.#target = target;
  }

  /**
   * The `/status` path for `resource`.
   *
   * @param resource The object whose status is written.
   * @returns The request path, every segment URL-encoded.
   * @throws {TypeError} If the name, namespace or apiVersion needed is missing, or the name or
   * namespace is `.` or `..` (fetch would resolve them to another path).
   *
   * @example
   * ```ts
   * import { MergePatchStatusWriter } from "@staircase/staircase";
   * import type { RestClient } from "@staircase/staircase/client";
   *
   * const writer = new MergePatchStatusWriter({} as RestClient, { plural: "apps" });
   * const path = writer.pathFor({
   *   apiVersion: "example.com/v1",
   *   metadata: { name: "web", namespace: "prod" },
   * });
   * console.log(path); // /apis/example.com/v1/namespaces/prod/apps/web/status
   * ```
   */
  pathFor(resource: ObjectIdentity): string {
    const name = resource?.metadata?.name;
    if (typeof name !== "string" || name === "") {
      throw new TypeError("cannot write status: the resource has no metadata.name");
    }
    let { group, version } = this.#target;
    if (group === undefined || version === undefined) {
      const apiVersion = resource.apiVersion;
      if (typeof apiVersion !== "string" || apiVersion === "") {
        throw new TypeError(
          "cannot write status: the resource has no apiVersion and the target sets no group/version",
        );
      }
      const slash = apiVersion.lastIndexOf("/");
      group ??= slash < 0 ? "" : apiVersion.slice(0, slash);
      version ??= apiVersion.slice(slash + 1);
    }
    const namespace = resource.metadata?.namespace;
    const namespaced = this.#target.namespaced ?? namespace !== undefined;
    if (namespaced && (typeof namespace !== "string" || namespace === "")) {
      throw new TypeError("cannot write status: the resource has no metadata.namespace");
    }
    // The client's own path builder: same encoding, and it refuses "." / ".." segments.
    const { plural } = this.#target;
    return new ResourceClient(this.#client, { group, version, plural, kind: plural, namespaced })
      .path(name, "status", namespaced ? namespace : undefined);
  }

  /**
   * Sends `{"status": status}` as `application/merge-patch+json` to the `/status` subresource.
   *
   * @param resource The object whose status is written.
   * @param status The status (merged into the current one; `null` fields delete).
   * @param options The abort signal and Run details.
   * @returns Resolves when the server accepted the patch.
   *
   * @example
   * ```ts
   * import { MergePatchStatusWriter } from "@staircase/staircase";
   * import type { RestClient } from "@staircase/staircase/client";
   *
   * const client = { performRequest: () => Promise.resolve({}) } as unknown as RestClient;
   * const writer = new MergePatchStatusWriter(client, { plural: "apps" });
   * await writer.write(
   *   { apiVersion: "example.com/v1", metadata: { name: "web", namespace: "prod" } },
   *   { phase: "Ready" },
   *   { signal: new AbortController().signal, runId: "r-1", stepName: "report" },
   * );
   * ```
   */
  async write(
    resource: ObjectIdentity,
    status: object,
    options: StatusWriteOptions,
  ): Promise<void> {
    const path = this.pathFor(resource);
    await this.#client.performRequest({
      method: "PATCH",
      path,
      contentType: "application/merge-patch+json",
      bodyJson: { status: status as JSONValue },
      expectJson: true,
      abortSignal: options.signal,
    });
  }
}
