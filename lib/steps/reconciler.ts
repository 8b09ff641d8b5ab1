/**
 * The {@linkcode Reconciler}: what turns a resource into a plan.
 *
 * @module
 */

import type { Plan } from "./plan.ts";
import type { RunResource } from "./resource.ts";

/**
 * Given a resource (as read at the start of the Run, frozen, its metadata checked), returns the
 * plan for this Run: the initial data and the ordered steps.
 *
 * A reconciler decides *which* steps apply, not what they do: keep it free of side effects, so
 * a restart at any point leaves the next Run doing what it would have done anyway.
 *
 * @typeParam R The resource type.
 *
 * @example
 * ```ts
 * import { noModification, plan, type Reconciler } from "@staircase/staircase";
 *
 * interface App { metadata?: { name?: string; deletionTimestamp?: string } }
 *
 * const reconciler: Reconciler<App> = {
 *   plan: (app) =>
 *     app.metadata.deletionTimestamp ? plan<App>() : plan<App>().initial(app.metadata.name).step({
 *       name: "log-name",
 *       run: (context, name) => {
 *         context.logger.info("reconciling", { name });
 *         return noModification(undefined);
 *       },
 *     }),
 * };
 * const built = await reconciler.plan({ metadata: { name: "web", uid: "u1", resourceVersion: "1" } });
 * console.log(built.steps.length); // 1
 * ```
 */
export interface Reconciler<R> {
  /** Returns the plan for one Run of `resource`. A throw ends the Run with a PlanFailedError. */
  plan(resource: RunResource<R>): Plan<R> | Promise<Plan<R>>;
}
