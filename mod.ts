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
 *
 * interface Site { metadata: { name: string }; spec: { replicas: number } }
 *
 * const steps = plan<Site>()
 *   .initial({ seen: 0 })
 *   .step({
 *     name: "count-replicas",
 *     run: (context, data) =>
 *       Promise.resolve(noModification({ seen: data.seen + context.resource.spec.replicas })),
 *   })
 *   .step({
 *     name: "scale-up",
 *     run: (_context, data) =>
 *       Promise.resolve(data.seen < 2 ? modified({ reason: "scaled up" }) : noModification(data)),
 *   });
 *
 * const executor = new RunExecutor<Site>({ client: {} as RestClient });
 * const result = await executor.run({ metadata: { name: "web" }, spec: { replicas: 1 } }, steps);
 * console.log(result.reason, result.action); // "modified", { type: "requeue", ... }
 * ```
 *
 * @module
 */

export * from "./lib/steps/mod.ts";
export { CrdNotEstablishedError, installCrd, installCrds } from "./lib/crds/mod.ts";
export type { CrdManifest, InstallCrdOptions, InstallCrdResult } from "./lib/crds/mod.ts";
