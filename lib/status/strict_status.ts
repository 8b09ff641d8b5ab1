/**
 * {@linkcode writeStatus}: a status change that later logic depends on, written as the one
 * modification of its Run (the seed's rule: "extract that status change into its own Step").
 *
 * @module
 */

import type { RunContext } from "../steps/context.ts";
import { modified, noModification } from "../steps/outcome.ts";
import type { StatusOf, StatusPatch } from "../steps/resource.ts";
import type { Step } from "../steps/step.ts";
import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import { MergePatchStatusWriter, type StatusWriter } from "./status_writer.ts";

/**
 * Whether every field of `desired` has the same value in `actual`: objects compare field by
 * field (fields only `actual` has are ignored), arrays element by element with the same length,
 * everything else with `===`. A `null` in `desired` (a merge patch's "delete") matches a
 * missing field.
 *
 * @param desired The fields that should hold.
 * @param actual The current value.
 * @returns `true` when `actual` already has every field of `desired`.
 *
 * @example
 * ```ts
 * import { containsFields } from "@staircase/staircase/status";
 *
 * console.log(containsFields({ phase: "Ready" }, { phase: "Ready", replicas: 3 })); // true
 * console.log(containsFields({ tags: ["a"] }, { tags: ["a", "b"] })); // false
 * ```
 */
export function containsFields(desired: unknown, actual: unknown): boolean {
  if (desired === null) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && actual.length === desired.length &&
      desired.every((item, i) => containsFields(item, actual[i]));
  }
  if (typeof desired === "object") {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).every(([key, value]) =>
      value === undefined || containsFields(value, record[key])
    );
  }
  return desired === actual;
}

/**
 * Options of {@linkcode writeStatus}.
 *
 * @typeParam R The Run's resource type.
 * @typeParam D The data the step receives and passes on.
 *
 * @example
 * ```ts
 * import { plan, type ResourceOf } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { ApplyStatusWriter, writeStatus, type WriteStatusOptions } from "@staircase/staircase/status";
 *
 * interface App { metadata?: { name?: string; namespace?: string }; status?: { phase?: string } }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * const options: WriteStatusOptions<ResourceOf<typeof Apps>, undefined> = {
 *   name: "mark-provisioning",
 *   writer: (client) => new ApplyStatusWriter(client, Apps, { fieldManager: "app-operator" }),
 *   status: () => ({ phase: "Provisioning" }),
 * };
 * console.log(plan(Apps).step(writeStatus(options)).steps[0].name); // mark-provisioning
 * ```
 */
export interface WriteStatusOptions<R, D> {
  /** The step's name. @default {"write-status"} */
  readonly name?: string;
  /**
   * Writes the status: a writer, or a function making one from the Run's client (so that the
   * write goes through `context.client`, which a controller may count and trace), e.g.
   * `(client) => new ApplyStatusWriter(client, Apps, { fieldManager: "app-operator" })`.
   * @default {a `MergePatchStatusWriter` of `resource` through `context.client`}
   */
  readonly writer?: StatusWriter<R> | ((client: RestClient) => StatusWriter<R>);
  /** The resource token of the Run's kind: needed when `writer` is not given. */
  readonly resource?: ResourceType;
  /**
   * The status fields that should hold now, or `undefined` when there is nothing to say. The
   * step compares them with the resource's status ({@linkcode containsFields}) and writes only
   * when one differs.
   */
  readonly status: (
    context: RunContext<R>,
    data: D,
  ) => StatusPatch<StatusOf<R>> | undefined;
}

/**
 * A step that writes a status value as *the* modification of its Run, for a status later
 * logic depends on (a phase that gates the next step, a value other controllers read). When
 * the resource's status already holds every field of the desired status, the data passes on
 * with no modification; otherwise the writer writes it and the Run ends *modified*, so the next
 * Run observes the written value. A write that fails fails the Run (unlike the best-effort
 * `status` an outcome may carry, which is logged, counted and never fails a Run).
 *
 * @typeParam R The Run's resource type.
 * @typeParam D The data passed through.
 * @param options The writer and the desired status.
 * @returns The step.
 *
 * @example Recording a phase before the steps that depend on it
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { writeStatus } from "@staircase/staircase/status";
 *
 * interface App { metadata?: { name?: string; namespace?: string }; status?: { phase?: string } }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 * const p = plan(Apps).step(writeStatus({
 *   name: "mark-provisioning",
 *   resource: Apps, // a merge patch of /status through context.client
 *   status: () => ({ phase: "Provisioning" }),
 * }));
 * console.log(p.steps[0].name); // mark-provisioning
 * ```
 */
export function writeStatus<R, D = undefined>(options: WriteStatusOptions<R, D>): Step<R, D, D> {
  const writer = options?.writer;
  if (
    writer === undefined
      ? typeof options?.resource?.plural !== "string"
      : typeof writer !== "function" && typeof writer?.write !== "function"
  ) {
    throw new TypeError(
      "writeStatus(): give options.writer (a StatusWriter, or a function making one) or options.resource (a resource token)",
    );
  }
  if (typeof options.status !== "function") {
    throw new TypeError("writeStatus(): options.status must be a function");
  }
  const name = options.name ?? "write-status";
  return {
    name,
    run: async (context, data) => {
      const desired = options.status(context, data);
      if (desired === undefined) return noModification(data);
      if (typeof desired !== "object" || desired === null || Array.isArray(desired)) {
        throw new TypeError(`${name}: the desired status must be an object`);
      }
      const current = (context.resource as { status?: unknown }).status;
      if (containsFields(desired, current)) return noModification(data);
      const runWriter: StatusWriter<R> = writer === undefined
        ? new MergePatchStatusWriter(context.client, options.resource!) as unknown as StatusWriter<
          R
        >
        : typeof writer === "function"
        ? writer(context.client)
        : writer;
      await runWriter.write(context.resource, desired, {
        signal: context.signal,
        runId: context.runId,
        stepName: name,
      });
      return modified({ message: `wrote status (${Object.keys(desired).join(", ")})` });
    },
  };
}
