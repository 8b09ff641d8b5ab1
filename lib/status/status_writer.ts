/**
 * Best-effort status writes: the {@linkcode StatusWriter} interface and a merge-patch default.
 *
 * @module
 */

import type { JSONValue, RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { RunResource, Scoped, StatusOf, StatusPatch } from "../steps/resource.ts";
import { statusTarget } from "./_status_target.ts";

/**
 * Options the executor passes to {@linkcode StatusWriter.write}.
 *
 * @example
 * ```ts
 * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
 * import { MergePatchStatusWriter, type StatusWriteOptions } from "@staircase/staircase/status";
 *
 * const Foos = resourceType<{ status?: { phase?: string } }>()({
 *   group: "example.com",
 *   version: "v1",
 *   kind: "Foo",
 *   plural: "foos",
 *   namespaced: true,
 * });
 * // A server that never answers: only the signal ends the write.
 * const client = restClientFromHandler(({ abortSignal }) =>
 *   new Promise((_, reject) =>
 *     abortSignal?.addEventListener("abort", () => reject(abortSignal.reason))
 *   )
 * );
 * const options: StatusWriteOptions = {
 *   signal: AbortSignal.timeout(10),
 *   runId: "r-1",
 *   stepName: "report",
 * };
 * const app = { metadata: { name: "web", namespace: "prod", uid: "u1", resourceVersion: "1" } };
 * await new MergePatchStatusWriter(client, Foos).write(app, { phase: "Ready" }, options)
 *   .catch((error) => console.log(error.name)); // TimeoutError
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
 * The status is a merge patch of the resource's status type ({@linkcode StatusPatch}): every
 * field optional, `null` deletes a field.
 *
 * @typeParam R The resource type.
 *
 * @example A writer that records writes in memory (useful in tests)
 * ```ts
 * import type { StatusPatch } from "@staircase/staircase";
 * import type { StatusWriter } from "@staircase/staircase/status";
 *
 * interface Foo { metadata?: { name?: string }; status?: { phase?: string } }
 * const written: StatusPatch<{ phase?: string }>[] = [];
 * const writer: StatusWriter<Foo> = {
 *   write: (_resource, status) => {
 *     written.push(status);
 *     return Promise.resolve();
 *   },
 * };
 * await writer.write(
 *   { metadata: { name: "web", uid: "u1", resourceVersion: "1" } },
 *   { phase: "Ready" },
 *   { signal: new AbortController().signal, runId: "r-1", stepName: "report" },
 * );
 * console.log(written.length); // 1
 * ```
 */
export interface StatusWriter<R> {
  /** Writes `status` (a merge patch) as the status of `resource`. */
  write(
    resource: RunResource<R>,
    status: StatusPatch<StatusOf<R>>,
    options: StatusWriteOptions,
  ): Promise<void>;
}

/**
 * The default {@linkcode StatusWriter}: a JSON merge patch `{"status": ...}` to the resource's
 * `/status` subresource, addressed through the kind's resource token.
 *
 * @typeParam T The token's object type.
 * @typeParam N The token's scope.
 *
 * @example
 * ```ts
 * import { modified, plan, RunExecutor } from "@staircase/staircase";
 * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
 * import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
 * import { MergePatchStatusWriter } from "@staircase/staircase/status";
 *
 * interface Foo {
 *   metadata?: ObjectMeta;
 *   status?: { ready?: boolean };
 * }
 * const Foos = resourceType<Foo>()({
 *   group: "example.com",
 *   version: "v1",
 *   kind: "Foo",
 *   plural: "foos",
 *   namespaced: true,
 * });
 * const sent: unknown[] = []; // a client answering in memory notes each request body
 * const client = restClientFromHandler((r) => (sent.push(r.bodyJson), Promise.resolve({})));
 * const statusWriter = new MergePatchStatusWriter(client, Foos);
 * const executor = new RunExecutor({ client, resourceType: Foos, statusWriter });
 * const steps = plan(Foos).step({
 *   name: "ready",
 *   run: () => modified({ status: { ready: true } }),
 * });
 * await executor.run({
 *   metadata: { name: "web", namespace: "prod", uid: "u1", resourceVersion: "1" },
 * }, steps);
 * console.log(sent); // [ { status: { ready: true } } ]
 * ```
 */
export class MergePatchStatusWriter<T, N extends boolean> implements StatusWriter<Scoped<T, N>> {
  readonly #resources: ResourceClient<T>;
  readonly #resourceType: ResourceType<T, N>;

  /**
   * Creates a writer.
   *
   * @param client The client to send the patch through.
   * @param resourceType The kind's resource token.
   * @throws {TypeError} If `resourceType` is not a resource token.
   */
  constructor(client: RestClient, resourceType: ResourceType<T, N>) {
    if (typeof resourceType?.plural !== "string" || resourceType.plural === "") {
      throw new TypeError("MergePatchStatusWriter: resourceType must be a resource token");
    }
    this.#resources = new ResourceClient<T>(client, resourceType);
    this.#resourceType = resourceType;
  }

  /**
   * The `/status` path for `resource`.
   *
   * @param resource The object whose status is written.
   * @returns The request path, every segment URL-encoded.
   * @throws {TypeError} If the name (or, for a namespaced kind, the namespace) is missing, or is
   * `.` or `..` (fetch would resolve them to another path).
   *
   * @example
   * ```ts
   * import { resourceType, type RestClient } from "@staircase/staircase/client";
   * import { MergePatchStatusWriter } from "@staircase/staircase/status";
   *
   * const Foos = resourceType<{ status?: { ready?: boolean } }>()({
   *   group: "example.com", version: "v1", kind: "Foo", plural: "foos", namespaced: true,
   * });
   * const writer = new MergePatchStatusWriter({} as RestClient, Foos);
   * console.log(writer.pathFor({ metadata: { name: "web", namespace: "prod" } }));
   * // /apis/example.com/v1/namespaces/prod/foos/web/status
   * ```
   */
  pathFor(resource: { readonly metadata?: { name?: string; namespace?: string } }): string {
    const { name, namespace } = statusTarget(resource, this.#resourceType, "write");
    // The client's own path builder: same encoding, and it refuses "." / ".." segments.
    return this.#resources.path(name, "status", namespace);
  }

  /**
   * Sends `{"status": status}` as `application/merge-patch+json` to the `/status` subresource.
   *
   * @param resource The object whose status is written.
   * @param status The status patch (merged into the current one; `null` fields delete).
   * @param options The abort signal and Run details.
   * @returns Resolves when the server accepted the patch.
   *
   * @example
   * ```ts
   * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
   * import { MergePatchStatusWriter } from "@staircase/staircase/status";
   *
   * const Foos = resourceType<{ status?: { phase?: string } }>()({
   *   group: "example.com", version: "v1", kind: "Foo", plural: "foos", namespaced: true,
   * });
   * const client = restClientFromHandler((request) => {
   *   console.log(request.method, request.contentType, JSON.stringify(request.bodyJson));
   *   return Promise.resolve({});
   * });
   * await new MergePatchStatusWriter(client, Foos).write(
   *   { metadata: { name: "web", namespace: "prod", uid: "u1", resourceVersion: "1" } },
   *   { phase: "Ready" },
   *   { signal: AbortSignal.timeout(5_000), runId: "r-1", stepName: "report" },
   * );
   * // PATCH application/merge-patch+json {"status":{"phase":"Ready"}}
   * ```
   */
  async write(
    resource: RunResource<Scoped<T, N>>,
    status: StatusPatch<StatusOf<Scoped<T, N>>>,
    options: StatusWriteOptions,
  ): Promise<void> {
    const path = this.pathFor(resource as { metadata?: { name?: string; namespace?: string } });
    await this.#resources.client.performRequest({
      method: "PATCH",
      path,
      contentType: "application/merge-patch+json",
      bodyJson: { status: status as JSONValue },
      expectJson: true,
      abortSignal: options.signal,
    });
  }
}
