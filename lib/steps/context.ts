/**
 * The {@linkcode RunContext} every step of one Run shares.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { ObjectCache } from "../controller/cache.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { Logger } from "./logger.ts";
import type { RunResource } from "./resource.ts";

/**
 * What every step of one Run shares: the resource and the runtime's services. One context is
 * made per Run, before its first step. What a step needs beyond these (an external API client,
 * configuration) comes through a step factory (see {@linkcode Step}).
 *
 * @typeParam R The resource type.
 *
 * @example Using the context inside a step
 * ```ts
 * import { noModification, type Step } from "@staircase/staircase";
 *
 * interface App { metadata?: { name?: string; uid?: string }; spec?: { replicas: number } }
 *
 * const announce: Step<App, undefined, undefined> = {
 *   name: "announce",
 *   run: (context, data) => {
 *     context.logger.debug("checking", { uid: context.resource.metadata.uid });
 *     context.events.record({ type: "Normal", reason: "Checked", action: "Check" });
 *     return noModification(data);
 *   },
 * };
 * console.log(announce.name);
 * ```
 */
export interface RunContext<R> {
  /**
   * The resource as read at the start of the Run, deeply frozen (`Object.freeze`, recursively,
   * in place, without copying), with its name, UID and resourceVersion (and generation for kinds
   * with a spec, namespace for namespaced kinds) checked present.
   */
  readonly resource: RunResource<R>;
  /** The client steps talk to the API server through. */
  readonly client: RestClient;
  /**
   * Reads of the kinds the controller caches, by resource token. Without a controller (or an
   * `cache` option) every read throws `NotCachedError`: read live through `client` instead.
   */
  readonly cache: ObjectCache;
  /**
   * Where steps report Kubernetes Events; never throws. Without a controller (or an `events`
   * option) events are logged at debug level.
   */
  readonly events: EventSink;
  /** The name of the controller running this Run, if any (for logs and metrics). */
  readonly controller: string | undefined;
  /**
   * The Run's start time in epoch milliseconds (`Date.now()`), read once before the first
   * step: every step of the Run uses the same clock reading (e.g. to compare with timestamps).
   */
  readonly runStart: number;
  /**
   * The Run's id, for logs and traces: the `runId` passed to `run()`, else a random 64-bit
   * per-process prefix and a counter (`"3f9c0a1b2c3d4e5f-42"`).
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
