/**
 * {@linkcode ApplyStatusWriter}: best-effort status writes by server-side apply.
 *
 * @module
 */

import type { JSONValue, RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { RunResource, Scoped, StatusOf, StatusPatch } from "../steps/resource.ts";
import type { StatusWriteOptions, StatusWriter } from "./status_writer.ts";
import { statusTarget } from "./_status_target.ts";

/**
 * The object shape {@linkcode ApplyStatusWriter} needs: a name, and a namespace for
 * namespaced kinds.
 *
 * @example
 * ```ts
 * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
 * import { ApplyStatusWriter, type NamedObject } from "@staircase/staircase/status";
 *
 * const Apps = resourceType<{ status?: { phase?: string } }>()({
 *   group: "example.com",
 *   version: "v1",
 *   kind: "App",
 *   plural: "apps",
 *   namespaced: true,
 * });
 * const client = restClientFromHandler(() => Promise.resolve({}));
 * const writer = new ApplyStatusWriter(client, Apps, { fieldManager: "app-operator" });
 * const app: NamedObject = { metadata: { name: "web", namespace: "default" } };
 * console.log(JSON.stringify(writer.bodyFor(app, { phase: "Ready" })));
 * // {"apiVersion":"example.com/v1","kind":"App","metadata":{"name":"web","namespace":"default"},"status":{"phase":"Ready"}}
 * ```
 */
export interface NamedObject {
  /** The object's metadata. */
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Options of {@linkcode ApplyStatusWriter}.
 *
 * @example
 * ```ts
 * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
 * import { ApplyStatusWriter } from "@staircase/staircase/status";
 *
 * interface App {
 *   metadata?: { name?: string; namespace?: string };
 *   status?: { phase?: string };
 * }
 * const Apps = resourceType<App>()({
 *   group: "example.com",
 *   version: "v1",
 *   kind: "App",
 *   plural: "apps",
 *   namespaced: true,
 * });
 * const queries: string[] = [];
 * const client = restClientFromHandler((
 *   request,
 * ) => (queries.push(`${request.querystring}`), Promise.resolve({})));
 * // Let a conflict with another status writer fail the write instead of taking its fields.
 * const writer = new ApplyStatusWriter(client, Apps, {
 *   fieldManager: "app-operator",
 *   force: false,
 * });
 * const app = { metadata: { name: "web", namespace: "prod", uid: "u1", resourceVersion: "1" } };
 * await writer.write(app, { phase: "Ready" }, {
 *   signal: AbortSignal.timeout(5_000),
 *   runId: "r-1",
 *   stepName: "report",
 * });
 * console.log(queries); // [ "fieldManager=app-operator" ]
 * ```
 */
export interface ApplyStatusWriterOptions {
  /**
   * The field manager the status is applied as: one per controller, so that two controllers
   * writing different status fields of one kind each own their own fields.
   */
  readonly fieldManager: string;
  /**
   * Take over status fields another manager owns instead of failing with a conflict. A
   * controller is normally the only writer of the status fields it sets, so the default is to
   * force (as controller-runtime's guidance for controllers); set `false` to have a conflict
   * fail the write (and be reported as a failed best-effort write) instead.
   * @default {true}
   */
  readonly force?: boolean;
}

/**
 * A {@linkcode StatusWriter} that writes status by **server-side apply** to the `/status`
 * subresource, as the controller's field manager. The alternative to the merge-patch writer,
 * chosen per controller.
 *
 * Semantics differ from a merge patch: every apply states the *whole* status this controller
 * owns. A field the controller applied before and leaves out now is removed (a merge patch
 * would keep it, and needs `null` to delete); fields other managers own are kept. So a step
 * that carries a status should carry all of the controller's status fields, not only the ones
 * that changed.
 *
 * @typeParam T The resource type (the token's object type).
 * @typeParam N The token's scope.
 *
 * @example
 * ```ts
 * import { modified, plan, RunExecutor } from "@staircase/staircase";
 * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
 * import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
 * import { ApplyStatusWriter } from "@staircase/staircase/status";
 *
 * interface App {
 *   metadata?: ObjectMeta;
 *   status?: { phase?: string };
 * }
 * const Apps = resourceType<App>()({
 *   group: "example.com",
 *   version: "v1",
 *   kind: "App",
 *   plural: "apps",
 *   namespaced: true,
 * });
 * const sent: string[] = []; // a client answering in memory notes each request
 * const client = restClientFromHandler((
 *   r,
 * ) => (sent.push(`${r.method} ${r.path}`), Promise.resolve({})));
 * const statusWriter = new ApplyStatusWriter(client, Apps, { fieldManager: "app-operator" });
 * const executor = new RunExecutor({ client, resourceType: Apps, statusWriter });
 * const steps = plan(Apps).step({
 *   name: "ready",
 *   run: () => modified({ status: { phase: "Ready" } }),
 * });
 * await executor.run({
 *   metadata: { name: "web", namespace: "prod", uid: "u1", resourceVersion: "1" },
 * }, steps);
 * console.log(sent); // [ "PATCH /apis/example.com/v1/namespaces/prod/apps/web/status" ]
 * ```
 */
export class ApplyStatusWriter<T, N extends boolean> implements StatusWriter<Scoped<T, N>> {
  readonly #client: ResourceClient<T>;
  readonly #resource: ResourceType<T, N>;
  readonly #fieldManager: string;
  readonly #force: boolean;

  /**
   * Creates a writer.
   *
   * @param client The client to send the patch through.
   * @param resource The resource token of the kind whose status is written.
   * @param options The field manager and whether to force.
   * @throws {TypeError} If `fieldManager` is not a non-empty string (at most 128 characters).
   */
  constructor(
    client: RestClient,
    resource: ResourceType<T, N>,
    options: ApplyStatusWriterOptions,
  ) {
    const manager = options?.fieldManager;
    if (typeof manager !== "string" || manager === "" || manager.length > 128) {
      throw new TypeError(
        "ApplyStatusWriter: fieldManager must be a non-empty string of at most 128 characters",
      );
    }
    this.#client = new ResourceClient<T>(client, resource);
    this.#resource = resource;
    this.#fieldManager = manager;
    this.#force = options.force ?? true;
  }

  /** The field manager this writer applies as. */
  get fieldManager(): string {
    return this.#fieldManager;
  }

  /**
   * The apply body for `status`: apiVersion, kind, name (and namespace) and the status.
   *
   * @param resource The object whose status is written.
   * @param status The status this controller owns.
   * @returns The body sent as `application/apply-patch+yaml`.
   * @throws {TypeError} If the name, or the namespace of a namespaced kind, is missing.
   *
   * @example
   * ```ts
   * import { resourceType, type RestClient } from "@staircase/staircase/client";
   * import { ApplyStatusWriter } from "@staircase/staircase/status";
   *
   * const Apps = resourceType<{ metadata: { name: string; namespace: string } }>()({
   *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
   * });
   * const writer = new ApplyStatusWriter({} as RestClient, Apps, { fieldManager: "app-operator" });
   * const body = writer.bodyFor({ metadata: { name: "web", namespace: "prod" } }, { phase: "Ready" });
   * console.log(JSON.stringify(body));
   * // {"apiVersion":"example.com/v1","kind":"App","metadata":{"name":"web","namespace":"prod"},"status":{"phase":"Ready"}}
   * ```
   */
  bodyFor(resource: NamedObject, status: object): JSONValue {
    const { name, namespace } = statusTarget(resource, this.#resource, "apply");
    return {
      apiVersion: this.#resource.apiVersion,
      kind: this.#resource.kind,
      metadata: namespace === undefined ? { name } : { name, namespace },
      status: status as JSONValue,
    };
  }

  /**
   * Applies `status` to the `/status` subresource of `resource`.
   *
   * @param resource The object whose status is written.
   * @param status The whole status this controller owns.
   * @param options The abort signal and Run details.
   * @returns Resolves when the server accepted the apply.
   *
   * @example
   * ```ts
   * import { resourceType, restClientFromHandler } from "@staircase/staircase/client";
   * import { ApplyStatusWriter } from "@staircase/staircase/status";
   *
   * const client = restClientFromHandler((request) => {
   *   console.log(request.method, request.contentType, `${request.querystring}`);
   *   return Promise.resolve({});
   * });
   * const Apps = resourceType<{ status?: { phase?: string } }>()({
   *   group: "example.com",
   *   version: "v1",
   *   kind: "App",
   *   plural: "apps",
   *   namespaced: true,
   * });
   * const writer = new ApplyStatusWriter(client, Apps, { fieldManager: "app-operator" });
   * const app = { metadata: { name: "web", namespace: "prod", uid: "u1", resourceVersion: "1" } };
   * await writer.write(app, { phase: "Ready" }, {
   *   signal: AbortSignal.timeout(5_000),
   *   runId: "r-1",
   *   stepName: "report",
   * });
   * // PATCH application/apply-patch+yaml fieldManager=app-operator&force=true
   * ```
   */
  async write(
    resource: RunResource<Scoped<T, N>>,
    status: StatusPatch<StatusOf<Scoped<T, N>>>,
    options: StatusWriteOptions,
  ): Promise<void> {
    const { name, namespace } = statusTarget(resource as NamedObject, this.#resource, "apply");
    const view = namespace === undefined ? this.#client : this.#client.namespace(namespace);
    await view.patchRaw(name, this.bodyFor(resource as NamedObject, status as object), {
      type: "apply",
      subresource: "status",
      fieldManager: this.#fieldManager,
      force: this.#force,
      abortSignal: options?.signal,
    });
  }
}
