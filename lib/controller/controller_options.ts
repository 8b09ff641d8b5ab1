/**
 * The settings and records of a `Controller`: what it is given and what it reports.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { Logger } from "../steps/logger.ts";
import type { RunObserver } from "../steps/observer.ts";
import type { Reconciler } from "../steps/reconciler.ts";
import type { Unscoped } from "../steps/resource.ts";
import type { RunAction, RunResult } from "../steps/run_result.ts";
import type { StatusWriter } from "../status/status_writer.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { RuntimeMetrics } from "../telemetry/runtime_metrics.ts";
import type { Informer } from "./cache.ts";
import type { KeyBackoffOptions } from "./key_backoff.ts";
import type { Predicate } from "./predicates.ts";
import type { OwnWrites } from "./read_your_writes.ts";
import type { RecordedWrite } from "./write_record.ts";

/**
 * How an informer is scoped (one informer per kind and scope in a process).
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const informers = new SharedInformers(client);
 * new Controller({ resource: ConfigMaps, reconciler: { plan: () => plan(ConfigMaps) }, client })
 *   .owns(Secrets, { scope: { namespace: "prod", labelSelector: "app=web" } })
 *   .bind(informers);
 * for (const { resource, options } of informers.informers) {
 *   console.log(resource.kind, options.namespace, options.labelSelector);
 * }
 * // ConfigMap undefined undefined
 * // Secret prod app=web
 * ```
 */
export interface InformerScope {
  /** Only this namespace; all namespaces when absent. */
  readonly namespace?: string;
  /** A label selector in the API server's syntax. */
  readonly labelSelector?: string;
  /** A field selector in the API server's syntax. */
  readonly fieldSelector?: string;
}

/**
 * Where a controller gets its informers: the shared registry of the process (the operator's),
 * which watches each (kind, scope) once however many controllers read it.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import {
 *   Controller,
 *   type InformerProvider,
 *   SharedInformers,
 * } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * // A provider that notes what a controller asks for, and hands out shared informers.
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const shared = new SharedInformers(client);
 * const asked: string[] = [];
 * const informers: InformerProvider = {
 *   get: (resource, scope) => {
 *     asked.push(`${resource.kind} in ${scope?.namespace}`);
 *     return shared.get(resource, scope);
 *   },
 * };
 * new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 *   namespace: "prod",
 * })
 *   .owns(Secrets)
 *   .bind(informers);
 * console.log(asked); // [ "ConfigMap in prod", "Secret in prod" ]
 * ```
 */
export interface InformerProvider {
  /** The informer of `resource` in `scope` (created on first request). */
  get<T>(resource: ResourceType<T>, scope?: InformerScope): Informer<T>;
}

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
 * {@linkcode ControllerRun.result}): the executor's result, plus the one-change rule's
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

/**
 * Maps a related object to the keys (`namespace/name`, or `name` for cluster-scoped kinds) of
 * the primary objects to reconcile.
 *
 * @typeParam T The related object's type.
 *
 * @example
 * ```ts
 * import type { KeyMapper } from "@staircase/staircase/controller";
 *
 * // Reconcile the App named by a ConfigMap's `app` label (as `controller.watches(ConfigMaps, byApp)`).
 * const byApp: KeyMapper<{ metadata?: { namespace?: string; labels?: Record<string, string> } }> =
 *   (object) => {
 *     const app = object.metadata?.labels?.["app"];
 *     return app ? [`${object.metadata?.namespace}/${app}`] : [];
 *   };
 * console.log(byApp({ metadata: { namespace: "default", labels: { app: "web" } } })); // [ "default/web" ]
 * console.log(byApp({ metadata: { namespace: "default" } })); // []
 * ```
 */
export type KeyMapper<T> = (object: T) => Iterable<string>;

/**
 * Options of `Controller.owns` and `Controller.watches`.
 *
 * @typeParam T The watched object type.
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, relevantChange, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const informers = new SharedInformers(client);
 * // Secrets in "vault" name the ConfigMap (in "prod") to reconcile; only relevant changes count.
 * new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 *   namespace: "prod",
 * })
 *   .watches(Secrets, (secret) => [`prod/${secret.metadata?.name}`], {
 *     predicate: relevantChange(),
 *     scope: { namespace: "vault" },
 *   })
 *   .bind(informers);
 * console.log(informers.informers.map(({ options }) => options.namespace)); // [ "prod", "vault" ]
 * ```
 */
export interface WatchOptions<T> {
  /**
   * Skip events this predicate rejects.
   *
   * @default {none: every event counts}
   */
  readonly predicate?: Predicate<T>;
  /**
   * The informer's scope.
   *
   * @default {{ namespace: <the controller's namespace> }} (all objects there)
   */
  readonly scope?: InformerScope;
}

/**
 * Options of `Controller.owns`.
 *
 * @typeParam T The child object type.
 *
 * @example Owning children by their metadata only
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { Controller, NotCachedError, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * const client = restClientFromHandler(() => Promise.reject(new Error("offline"))); // not called here
 * const controller = new Controller({
 *   resource: ConfigMaps,
 *   reconciler: { plan: () => plan(ConfigMaps) },
 *   client,
 * })
 *   .owns(Secrets, { metadataOnly: true });
 * controller.bind(new SharedInformers(client));
 * try {
 *   controller.cache.get(Secrets, "web-token", "prod"); // their bodies are not cached
 * } catch (error) {
 *   console.log(error instanceof NotCachedError); // true
 * }
 * ```
 */
export interface OwnsOptions<T> extends WatchOptions<T> {
  /**
   * Cache only the children's metadata (`PartialObjectMetadata`, controller-runtime's
   * `WatchesMetadata`): their changes still reconcile the owner and read-your-own-writes still
   * waits for them, but steps cannot read their bodies from `context.cache` (a
   * `NotCachedError`; read them live).
   *
   * @default {false}
   */
  readonly metadataOnly?: boolean;
}

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
