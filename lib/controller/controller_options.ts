/**
 * The settings of a `Controller` and the record of each Run it reports.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { StatusWriter } from "../status/status_writer.ts";
import type { Logger } from "../steps/logger.ts";
import type { RunObserver } from "../steps/observer.ts";
import type { Reconciler } from "../steps/reconciler.ts";
import type { Unscoped } from "../steps/resource.ts";
import type { RunAction } from "../steps/run_result.ts";
import type { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import type { KeyBackoffOptions } from "./key_backoff.ts";
import type { ControllerRunResult, OneChangeRule, OneChangeRuleError } from "./one_change_rule.ts";
import type { Predicate } from "./predicates.ts";
import type { OwnWrites } from "./read_your_writes.ts";
import type { RecordedWrite } from "./write_record.ts";

/**
 * Settings of a `Controller`.
 *
 * @typeParam R The primary resource type.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, relevantChange } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // a real client in practice
 * const controller = new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 *   name: "settings",
 *   namespace: "prod",
 *   predicate: relevantChange(),
 *   concurrency: 4,
 * }).owns(Secrets);
 * console.log(controller.name, controller.active); // settings false
 * ```
 */
export interface ControllerOptions<R> {
  /** The primary kind. */
  readonly resource: ResourceType<Unscoped<R>>;
  /** Builds each Run's plan. */
  readonly reconciler: Reconciler<R>;
  /** The client; each Run gets a recording wrapper of it. */
  readonly client: RestClient;
  /**
   * A name for logs, metrics and Events.
   *
   * @default {the primary kind, e.g. "ConfigMap"}
   */
  readonly name?: string;
  /**
   * Only primaries in this namespace.
   *
   * @default {all namespaces}
   */
  readonly namespace?: string;
  /**
   * Only primaries matching this label selector.
   *
   * @default {all primaries}
   */
  readonly labelSelector?: string;
  /**
   * Skip primary events this predicate rejects.
   *
   * @default {none: every event counts}
   */
  readonly predicate?: Predicate<R>;
  /**
   * How many keys run at once.
   *
   * @default {16}
   */
  readonly concurrency?: number;
  /**
   * Backoff after failed Runs.
   *
   * @default {{ initialMs: 5, maxMs: 300000, jitter: 0.2 }} (5 ms doubling to 5 minutes)
   */
  readonly backoff?: KeyBackoffOptions;
  /**
   * Per-step timeout in milliseconds (the executor's default).
   *
   * @default {30000}
   */
  readonly stepTimeoutMs?: number;
  /**
   * Re-run in-sync objects this often, in milliseconds.
   *
   * @default {no periodic resync}
   */
  readonly resyncAfterMs?: number;
  /**
   * How long a Run waits for the caches to observe the previous Run's writes before it reads
   * those objects live.
   *
   * @default {5000}
   */
  readonly ownWritesTimeoutMs?: number;
  /**
   * What a Run that makes more than one counted write gets.
   *
   * @default {"report"}
   */
  readonly oneChangeRule?: OneChangeRule;
  /**
   * Makes the status writer for one Run from that Run's status client.
   *
   * @default {a `MergePatchStatusWriter`: a merge patch of the primary's `/status` subresource}
   */
  readonly statusWriter?: (client: RestClient) => StatusWriter<R>;
  /**
   * Where steps record Events (`context.events`). Each Run gets a view of the sink whose
   * Events are about the Run's resource unless they name another `regarding` object.
   *
   * - `true`: the controller makes an `EventRecorder` (events.k8s.io/v1, series for repeats)
   *   on its client, with `reportingController` = the controller's name and
   *   `reportingInstance` = {@linkcode ControllerOptions.reportingInstance}, and closes it
   *   (flushing pending writes) on shutdown.
   * - an `EventSink` (e.g. an `EventRecorder` you made and close yourself).
   * - `false` or absent: each Event is logged at debug level and not written.
   *
   * @default {false}
   */
  readonly events?: EventSink | boolean;
  /**
   * With `events: true`: this process's `reportingInstance` (at most 128 characters).
   *
   * @default {the host name (the Pod name) when `--allow-sys=hostname` is granted, else the controller's name and a random suffix}
   */
  readonly reportingInstance?: string;
  /**
   * Telemetry callbacks for every Run, e.g. a `RunTelemetry` (Run and step metrics and a span
   * per Run with a child span per step). The controller names its Runs (`context.controller`),
   * so a `RunTelemetry` without a `controller` option labels them with this controller's name.
   */
  readonly observer?: RunObserver<R>;
  /**
   * Where the controller records its runtime metrics: work-queue depth and wait time,
   * retries, active Runs and one-change-rule breaches.
   *
   * @default {a RuntimeMetrics named after the controller, on the global meter provider} (a no-op until the application registers an OpenTelemetry SDK, which it must do before creating the controller)
   */
  readonly metrics?: RuntimeMetrics;
  /**
   * Where the controller logs.
   *
   * @default {the LogTape logger `["staircase", "controller"]`}
   */
  readonly logger?: Logger;
  /** Called after every Run with what happened (e.g. to print it). Errors are ignored. */
  readonly onRun?: (run: ControllerRun) => void;
}

/**
 * What one Run of a controller did: the executor's result plus the controller's records.
 *
 * @example
 * ```ts
 * import { modified, plan, RunExecutor } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import type { ControllerRun } from "@staircase/staircase/controller";
 *
 * // A one-line summary for the controller's `onRun` option.
 * function describe(run: ControllerRun): string {
 *   return `${run.key}: ${run.result.end} by ${run.result.endedBy?.name}, ${run.changes} change(s)`;
 * }
 * // Here the Run comes from an executor; a controller adds its records (writes, changes, action).
 * const executor = new RunExecutor({ client: restClientFromHandler(() => Promise.resolve({})) });
 * const result = await executor.run(
 *   { metadata: { name: "web", uid: "u1", resourceVersion: "1" } },
 *   plan().step({ name: "apply", run: () => modified() }),
 * );
 * console.log(
 *   describe({ key: "prod/web", result, writes: [], changes: 1, action: result.action }),
 * );
 * // prod/web: modified by apply, 1 change(s)
 * ```
 */
export interface ControllerRun {
  /** The key (`namespace/name`). */
  readonly key: string;
  /** The Run's result, as observers saw it (with the one-change rule's verdict). */
  readonly result: ControllerRunResult;
  /** Every successful write of the Run. */
  readonly writes: readonly RecordedWrite[];
  /** How many writes counted for the one-change rule. */
  readonly changes: number;
  /** Set when the Run made more than one counted write (and the rule is not `off`). */
  readonly oneChangeViolation?: OneChangeRuleError;
  /**
   * What the controller did next: the result's action; `abandon` when the Run was aborted;
   * `requeue-after` the key's backoff when a `modified` Run wrote nothing (see `Controller`).
   */
  readonly action: RunAction;
  /** The wait for the previous Run's writes before this Run (absent when there were none). */
  readonly ownWrites?: OwnWrites;
}
