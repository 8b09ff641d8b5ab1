/**
 * The names of staircase's metrics, spans and attributes, in one place, so dashboards and
 * alerts can rely on them. The README's telemetry section maps each metric to its
 * controller-runtime counterpart.
 *
 * @module
 */

/**
 * The instrumentation scope (meter and tracer name) of staircase's telemetry: `"reconciler"`,
 * the seed's meter name.
 *
 * @example
 * ```ts
 * import { INSTRUMENTATION_SCOPE } from "@staircase/staircase/telemetry";
 *
 * console.log(INSTRUMENTATION_SCOPE); // reconciler
 * ```
 */
export const INSTRUMENTATION_SCOPE = "reconciler";

/**
 * Metric names. Durations are histograms in milliseconds (the seed's unit); counts are
 * counters; `queue.depth`, `run.active` and `cache.objects` are up-down counters.
 *
 * | name | kind | attributes | controller-runtime |
 * |---|---|---|---|
 * | `run.duration` | histogram, ms | controller, outcome, ok | `controller_runtime_reconcile_time_seconds` |
 * | `run.count` | counter | controller, outcome, ok | `controller_runtime_reconcile_total` (+ `_errors_total` for ok=false) |
 * | `step.duration` | histogram, ms | controller, step, outcome, ok | – |
 * | `step.count` | counter | controller, step, outcome, ok | – |
 * | `step.status.error.count` | counter | controller, step | – |
 * | `run.one_change_breach.count` | counter | controller | – |
 * | `queue.depth` | up-down counter | controller | `workqueue_depth` |
 * | `queue.wait.duration` | histogram, ms | controller | `workqueue_queue_duration_seconds` |
 * | `queue.retry.count` | counter | controller | `workqueue_retries_total` |
 * | `run.active` | up-down counter | controller | `controller_runtime_active_workers` |
 * | `watch.restart.count` | counter | kind, reason | – |
 * | `cache.objects` | up-down counter | kind | – |
 *
 * @example
 * ```ts
 * import { METRICS } from "@staircase/staircase/telemetry";
 *
 * console.log(METRICS.runDuration); // run.duration
 * ```
 */
export const METRICS = {
  runDuration: "run.duration",
  runCount: "run.count",
  stepDuration: "step.duration",
  stepCount: "step.count",
  statusWriteErrors: "step.status.error.count",
  oneChangeBreaches: "run.one_change_breach.count",
  queueDepth: "queue.depth",
  queueWait: "queue.wait.duration",
  queueRetries: "queue.retry.count",
  activeRuns: "run.active",
  watchRestarts: "watch.restart.count",
  cacheObjects: "cache.objects",
} as const;

/**
 * Attribute keys. The Kubernetes ones follow the OpenTelemetry semantic conventions
 * (`k8s.namespace.name`, and `k8s.<kind>.name` / `k8s.<kind>.uid` for the kinds those
 * conventions name); the rest are staircase's own.
 *
 * @example
 * ```ts
 * import { ATTRIBUTES } from "@staircase/staircase/telemetry";
 *
 * console.log(ATTRIBUTES.namespace); // k8s.namespace.name
 * ```
 */
export const ATTRIBUTES = {
  /** The controller's name (also on metrics). */
  controller: "controller",
  /** The step's name (metrics). */
  step: "step",
  /** How a Run or step ended: `in-sync`, `modified`, `blocked`, `failed`, ... */
  outcome: "outcome",
  /** Whether the Run or step ended without error. */
  ok: "ok",
  /** The resource's kind (metrics about watches and caches). */
  kind: "kind",
  /** Why a watch restarted. */
  reason: "reason",
  /** The Kubernetes namespace (semantic conventions). */
  namespace: "k8s.namespace.name",
  /** The Run's id (spans). */
  runId: "staircase.run.id",
  /** The resource's kind (spans). */
  resourceKind: "staircase.resource.kind",
  /** The resource's name (spans). */
  resourceName: "staircase.resource.name",
  /** The resource's UID (spans). */
  resourceUid: "staircase.resource.uid",
  /** The step's name (spans). */
  stepName: "staircase.step.name",
  /** The step's position in the plan (spans). */
  stepIndex: "staircase.step.index",
  /** How the step or Run ended (spans). */
  spanOutcome: "staircase.outcome",
  /** The message of the outcome that ended the Run (spans). */
  message: "staircase.message",
} as const;

/**
 * The kinds for which the OpenTelemetry semantic conventions define `k8s.<kind>.name` and
 * `k8s.<kind>.uid`, keyed by Kubernetes kind.
 *
 * @example
 * ```ts
 * import { SEMCONV_KINDS } from "@staircase/staircase/telemetry";
 *
 * console.log(SEMCONV_KINDS.get("Deployment")); // deployment
 * ```
 */
export const SEMCONV_KINDS: ReadonlyMap<string, string> = new Map([
  ["Pod", "pod"],
  ["Deployment", "deployment"],
  ["ReplicaSet", "replicaset"],
  ["StatefulSet", "statefulset"],
  ["DaemonSet", "daemonset"],
  ["Job", "job"],
  ["CronJob", "cronjob"],
  ["Node", "node"],
  ["Namespace", "namespace"],
  ["ReplicationController", "replicationcontroller"],
  ["HorizontalPodAutoscaler", "hpa"],
  ["ResourceQuota", "resourcequota"],
]);
