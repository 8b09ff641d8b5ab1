/**
 * The one-change rule as the controller enforces it: the rule, the error for a Run that broke it,
 * and the Run result that carries the verdict.
 *
 * @module
 */

import type { RunResult } from "../steps/run_result.ts";
import type { RecordedWrite } from "./write_record.ts";

/**
 * What the controller does when a Run makes more than one counted write:
 * `report` logs it and sets `oneChangeViolation` on the Run's result
 * ({@linkcode ControllerRunResult}, what observers and `onRun` see); `strict` also fails the
 * Run (`end: "failed"`, the {@linkcode OneChangeRuleError} as `error`, retry with backoff);
 * `off` does neither.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, type OneChangeRule } from "@staircase/staircase/controller";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * // Fail every Run that writes twice (the default, "report", only logs and reports it).
 * const oneChangeRule: OneChangeRule = "strict";
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const controller = new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 *   oneChangeRule,
 * });
 * console.log(controller.name); // ConfigMap
 * ```
 */
export type OneChangeRule = "report" | "strict" | "off";

/**
 * A Run made more than one write that counts (not best-effort, not an outcome's status).
 *
 * Like the step model's errors it names the step that ended the Run (`stepName`,
 * `stepIndex`; `"(none)"` and -1 when no step did), so that it can stand as a failed Run's
 * `RunResult.error` in `strict` mode.
 *
 * @example
 * ```ts
 * import { OneChangeRuleError } from "@staircase/staircase/controller";
 *
 * const error = new OneChangeRuleError("default/web", [], { name: "apply", index: 1 });
 * console.log(error.name, error.stepName); // OneChangeRuleError apply
 * ```
 */
export class OneChangeRuleError extends Error {
  /** The Run's writes (all of them, counted or not). */
  readonly writes: readonly RecordedWrite[];
  /** The step that ended the Run (`"(none)"` when none did). */
  readonly stepName: string;
  /** Its position in the plan (-1 when no step ended the Run). */
  readonly stepIndex: number;

  /**
   * Creates the error.
   *
   * @param key The key whose Run broke the rule.
   * @param writes The Run's writes.
   * @param endedBy The step that ended the Run, if one did.
   */
  constructor(
    key: string,
    writes: readonly RecordedWrite[],
    endedBy?: { readonly name: string; readonly index: number },
  ) {
    const counted = writes.filter((write) => write.purpose === "change");
    super(
      `the Run of ${key} made ${counted.length} changes (one change per Run): ` +
        counted.map((write) => `${write.method} ${write.path}`).join(", ") +
        "; end the Run after one write (modified), or mark extra writes bestEffort()",
    );
    this.name = "OneChangeRuleError";
    this.writes = writes;
    this.stepName = endedBy?.name ?? "(none)";
    this.stepIndex = endedBy?.index ?? -1;
  }
}

/**
 * The `RunResult` a controller reports (to its observer's `onRunFinished`, in logs and in
 * `ControllerRun.result`): the executor's result, plus the one-change rule's
 * verdict. In `strict` mode a breach turns `end` into `"failed"`, `error` into the
 * {@linkcode OneChangeRuleError} and `action` into a retry with backoff.
 *
 * @example
 * ```ts
 * import { modified, plan, RunExecutor } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type ControllerRunResult, OneChangeRuleError } from "@staircase/staircase/controller";
 *
 * // An observer gets a RunResult; a controller's carries the one-change rule's verdict.
 * function verdict(result: ControllerRunResult): string {
 *   const breach = result.oneChangeViolation;
 *   return breach
 *     ? `too many writes, ended by ${breach.stepName}`
 *     : `${result.end}, one change at most`;
 * }
 * const executor = new RunExecutor({ client: restClientFromHandler(() => Promise.resolve({})) });
 * const result = await executor.run(
 *   { metadata: { name: "web", uid: "u1", resourceVersion: "1" } },
 *   plan().step({ name: "apply", run: () => modified() }),
 * );
 * console.log(verdict(result)); // modified, one change at most
 * const breach = new OneChangeRuleError("prod/web", [], { name: "apply", index: 0 });
 * console.log(verdict({ ...result, oneChangeViolation: breach })); // too many writes, ended by apply
 * ```
 */
export interface ControllerRunResult extends RunResult {
  /** Set when the Run made more than one counted write (and the rule is not `off`). */
  readonly oneChangeViolation?: OneChangeRuleError | undefined;
}
