/**
 * The Greeting operator, assembled: one controller for Greetings that owns their ConfigMaps,
 * hosted by an operator over shared caches, with an optional Lease election and health
 * server. `main.ts` (the command line) and the demo both build it here.
 *
 * @module
 */

import type { RestClient } from "@staircase/staircase/client";
import {
  Controller,
  type ControllerRun,
  type HealthServer,
  LeaderElector,
  Operator,
  relevantChange,
  SharedInformers,
} from "@staircase/staircase/controller";
import type { Logger, ResourceOf } from "@staircase/staircase";
import { RunTelemetry, tracingClient } from "@staircase/staircase/telemetry";
import { Greetings } from "./api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
import { greetingReconciler } from "./reconciler.ts";

/** A Greeting as its Runs see it. */
type GreetingResource = ResourceOf<typeof Greetings>;

/**
 * Settings of {@linkcode greetingOperator}.
 *
 * @example
 * ```ts
 * import type { GreetingOperatorOptions } from "./operator.ts";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * const options: GreetingOperatorOptions = {
 *   client: {} as RestClient,
 *   namespace: "default",
 *   leaderElection: { namespace: "default", identity: "replica-1" },
 * };
 * console.log(options.namespace);
 * ```
 */
export interface GreetingOperatorOptions {
  /** The client every request goes through. */
  readonly client: RestClient;
  /** Only Greetings (and ConfigMaps) in this namespace; all namespaces when absent. */
  readonly namespace?: string;
  /** Re-run in-sync Greetings this often (none by default: watches catch every change). */
  readonly resyncAfterMs?: number;
  /** How many Greetings are reconciled at once (the controller's default, 16). */
  readonly concurrency?: number;
  /**
   * Elect a leader on the Lease `greeting-operator` in this namespace, so that replicas can
   * run side by side (only the leader runs Runs). No election when absent.
   */
  readonly leaderElection?: {
    /** The Lease's namespace. */
    readonly namespace: string;
    /** This replica's identity (default: hostname and a random suffix). */
    readonly identity?: string;
    /** Lease duration (default 15 s). */
    readonly leaseDurationMs?: number;
    /** Renew deadline (default 10 s). */
    readonly renewDeadlineMs?: number;
    /** Retry period (default 2 s). */
    readonly retryPeriodMs?: number;
  };
  /** Serves `/healthz` and `/readyz`. */
  readonly health?: HealthServer;
  /** Called after every Run. */
  readonly onRun?: (run: ControllerRun) => void;
  /**
   * Record each Run and step as OpenTelemetry metrics and spans (a `RunTelemetry` observer)
   * and each request of a Run as a span under its step (a `tracingClient`), through the global
   * providers: register an SDK first (see `telemetry.ts`). The runtime's own metrics (queue,
   * retries, watches, caches) are always recorded on the global meter provider.
   *
   * @default {false}
   */
  readonly telemetry?: boolean;
  /**
   * Write the Events the steps record (`ConfigMapCreated`, `ConfigMapUpdated`) to the API
   * server as events.k8s.io/v1 Events about the Greeting; `false` only logs them at debug
   * level.
   *
   * @default {true}
   */
  readonly events?: boolean;
  /**
   * The Events' `reportingInstance` (e.g. the Pod name).
   *
   * @default {the host name when `--allow-sys=hostname` is granted, else `greeting-<random>`}
   */
  readonly reportingInstance?: string;
  /** Where the runtime logs. */
  readonly logger?: Logger;
}

/**
 * The assembled operator and its parts.
 *
 * @example
 * ```ts ignore
 * import { greetingOperator } from "./operator.ts";
 *
 * const { operator, elector } = greetingOperator({ client });
 * console.log(elector?.identity);
 * await operator.runUntilSignal();
 * ```
 */
export interface GreetingOperator {
  /** Runs everything (`run(signal)` or `runUntilSignal()`). */
  readonly operator: Operator;
  /** The Greeting controller. */
  readonly controller: Controller<GreetingResource>;
  /** The Lease election, when enabled. */
  readonly elector?: LeaderElector;
}

/**
 * Builds the Greeting operator: Greetings are watched with a predicate that skips status-only
 * updates (the operator's own status writes); their ConfigMaps are owned, so any change to a
 * child (drift) reconciles its Greeting. Its steps record Events about their Greeting, and with
 * `telemetry` every Run is traced and measured.
 *
 * @param options The client and settings.
 * @returns The operator and its parts.
 *
 * @example
 * ```ts ignore
 * import { kubeConfigClient } from "@staircase/staircase/client";
 * import { greetingOperator } from "./operator.ts";
 *
 * const client = await kubeConfigClient();
 * await greetingOperator({ client, namespace: "default" }).operator.runUntilSignal();
 * ```
 */
export function greetingOperator(options: GreetingOperatorOptions): GreetingOperator {
  const { client, namespace } = options;
  const telemetry = options.telemetry ?? false;
  const controller = new Controller<GreetingResource>({
    name: "greeting",
    resource: Greetings,
    reconciler: greetingReconciler,
    // The Runs' requests become spans under their steps (the informers' watches do not).
    client: telemetry ? tracingClient(client) : client,
    observer: telemetry ? new RunTelemetry() : undefined,
    events: options.events ?? true,
    reportingInstance: options.reportingInstance,
    namespace,
    predicate: relevantChange(),
    concurrency: options.concurrency,
    resyncAfterMs: options.resyncAfterMs,
    stepTimeoutMs: 30_000,
    onRun: options.onRun,
    logger: options.logger,
  }).owns(ConfigMaps);
  const election = options.leaderElection;
  const elector = election === undefined ? undefined : new LeaderElector({
    client,
    name: "greeting-operator",
    namespace: election.namespace,
    identity: election.identity,
    leaseDurationMs: election.leaseDurationMs,
    renewDeadlineMs: election.renewDeadlineMs,
    retryPeriodMs: election.retryPeriodMs,
  });
  const operator = new Operator({
    informers: new SharedInformers(client),
    leaderElection: elector,
    health: options.health,
    logger: options.logger,
  }).add(controller);
  return { operator, controller, elector };
}
