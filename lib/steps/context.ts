/**
 * The {@linkcode RunContext} every step of one Run shares.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { Logger } from "./logger.ts";

/**
 * What every step of one Run shares. One context is made per Run, before its first step.
 *
 * @typeParam R The resource type.
 *
 * @example Using the context inside a step
 * ```ts
 * import { noModification, type RunContext } from "@staircase/staircase";
 *
 * interface App { metadata: { name: string }; spec: { replicas: number } }
 *
 * async function checkAge(context: RunContext<App>, data: void) {
 *   const ageMs = context.runStart - Date.parse("2024-01-01T00:00:00Z");
 *   context.logger.debug("checking", { runId: context.runId, ageMs });
 *   return noModification(data);
 * }
 * console.log(typeof checkAge);
 * ```
 */
export interface RunContext<R> {
  /**
   * The resource as read at the start of the Run, deeply frozen (`Object.freeze`, recursively,
   * once per object: the executor freezes the object it is given in place, without copying).
   * Assigning to it throws in strict mode, so no step can change it for the steps after it.
   */
  readonly resource: R;
  /** The client steps talk to the API server through. */
  readonly client: RestClient;
  /**
   * The Run's start time in epoch milliseconds (`Date.now()`), read once before the first
   * step: every step of the Run uses the same clock reading (e.g. to compare with timestamps).
   */
  readonly runStart: number;
  /**
   * The Run's id, for logs and traces: the `runId` passed to `run()`, else a random 64-bit
   * per-process prefix and a counter (`"3f9c0a1b2c3d4e5f-42"`), unique within the process and,
   * in all likelihood, across processes.
   */
  readonly runId: string;
  /**
   * Aborted on shutdown (the executor's or the Run's signal) and when the running step
   * exceeds its timeout; its `reason` says which. Pass it to every request a step makes.
   */
  readonly signal: AbortSignal;
  /** A logger whose records carry the Run id (when the logger supports `with`). */
  readonly logger: Logger;
}
