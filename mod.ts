/**
 * staircase: Kubernetes operators for Deno, written as step-based controllers.
 *
 * A **Run** is one pass of the control loop over one resource. A {@linkcode Reconciler} turns
 * the resource into a plan: initial data and an ordered list of {@linkcode Step}s. Steps run in
 * order; each checks one difference between desired and current state and fixes it if needed.
 * After a step modifies anything the Run stops and the resource is requeued, so there is only
 * one change per Run, and a restart or failure at any point leaves the next Run doing exactly
 * what it would have done anyway. Changes that are allowed to fail (the resource's own status,
 * additive changes) may ride along as best-effort writes; nothing may depend on them.
 *
 * This entry point holds the step model and the CRD install helpers. The client lives in
 * `@staircase/staircase/client`, typed built-in APIs in `@staircase/staircase/apis/<group>/<version>`,
 * the control plane for tests in `@staircase/staircase/testing`.
 *
 * @example A two-step plan run once
 * ```ts
 * import { modified, noModification, plan, RunExecutor } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 * import type { ObjectMeta } from "@staircase/staircase/apis/meta/v1";
 *
 * interface Site { metadata?: ObjectMeta; spec: { replicas: number }; status?: { seen?: number } }
 *
 * const steps = plan<Site>()
 *   .step({ name: "count-replicas", run: (context) => noModification(context.resource.spec.replicas) })
 *   .step({
 *     name: "scale-up",
 *     run: (_context, replicas) =>
 *       replicas < 2
 *         ? modified({ message: "scaled up", status: { seen: replicas } })
 *         : noModification(replicas),
 *   });
 *
 * const executor = new RunExecutor<Site>({ client: {} as RestClient });
 * const site: Site = {
 *   metadata: { name: "web", uid: "0b9c", resourceVersion: "7", generation: 1 },
 *   spec: { replicas: 1 },
 * };
 * const result = await executor.run(site, steps);
 * console.log(result.end, result.action); // "modified" { type: "requeue" }
 * ```
 *
 * @module
 */

export * from "./lib/steps/mod.ts";
export { CrdNotEstablishedError, installCrd, installCrds } from "./lib/crds/mod.ts";
export type { InstallCrdOptions, InstallCrdResult } from "./lib/crds/mod.ts";
