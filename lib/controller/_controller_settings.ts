/**
 * Validation of {@linkcode ControllerOptions}, and the Event sink they ask for.
 *
 * @module
 */

import { isTimerMs, MAX_TIMER_MS } from "../client/_timers.ts";
import { EventRecorder } from "../status/event_recorder.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { ControllerOptions } from "./controller_options.ts";
import type { OneChangeRule } from "./one_change_rule.ts";

/**
 * Checks the options a controller cannot start without.
 *
 * @returns The one-change rule in force.
 * @throws {TypeError} If the resource, reconciler or client is missing, or `oneChangeRule` is
 * unknown.
 * @throws {RangeError} If `ownWritesTimeoutMs` is not a number of ms in `[0, 2^31 - 1]`.
 */
export function checkControllerOptions<R>(options: ControllerOptions<R>): OneChangeRule {
  if (typeof options?.resource?.kind !== "string") {
    throw new TypeError("Controller: resource must be a resource token");
  }
  if (typeof options.reconciler?.plan !== "function") {
    throw new TypeError("Controller: reconciler must have a plan(resource) method");
  }
  if (typeof options.client?.performRequest !== "function") {
    throw new TypeError("Controller: client must be a RestClient");
  }
  const rule = options.oneChangeRule ?? "report";
  if (!["report", "strict", "off"].includes(rule)) {
    throw new TypeError(`Controller: oneChangeRule must be report, strict or off, got ${rule}`);
  }
  const ownWrites = options.ownWritesTimeoutMs;
  if (ownWrites !== undefined && !isTimerMs(ownWrites)) {
    throw new RangeError(
      `Controller: ownWritesTimeoutMs must be a number of ms in [0, ${MAX_TIMER_MS}], got ${ownWrites}`,
    );
  }
  return rule as OneChangeRule;
}

/** Where a controller's Runs record Events. */
export interface ControllerEvents {
  /** The sink, if any. */
  readonly events?: EventSink;
  /** The recorder made for `events: true`, which the controller closes on shutdown. */
  readonly ownRecorder?: EventRecorder;
}

/**
 * The Event sink `options.events` asks for: none, a new {@linkcode EventRecorder} reporting
 * as `name` (`true`), or the given sink.
 *
 * @throws {TypeError} If `events` is neither a boolean nor an `EventSink`, or (with
 * `events: true`) `name` is not a valid `reportingController` or `reportingInstance` is too
 * long.
 */
export function controllerEvents<R>(options: ControllerOptions<R>, name: string): ControllerEvents {
  if (options.events === true) {
    const ownRecorder = new EventRecorder(options.client, {
      reportingController: name,
      reportingInstance: options.reportingInstance,
      logger: options.logger,
    });
    return { events: ownRecorder, ownRecorder };
  }
  if (options.events !== false && options.events !== undefined) {
    if (typeof options.events.record !== "function") {
      throw new TypeError("Controller: events must be a boolean or have a record(event) method");
    }
    return { events: options.events };
  }
  return {};
}
