/**
 * The {@linkcode Operator} (controller-runtime's manager): hosts controllers over shared
 * caches, with one leader election, one health view and one shutdown.
 *
 * @module
 */

import { isTimerMs, MAX_TIMER_MS } from "../client/_timers.ts";
import { defaultLogger, type Logger } from "../steps/logger.ts";
import type { Controller } from "./controller.ts";
import type { HealthServer } from "./health.ts";
import type { InformerRegistry } from "./informer_provider.ts";
import { LeaderElector } from "./leader_election.ts";
import { type LeaderElection, leaseElection } from "./leadership.ts";
import { handleShutdownSignals } from "./shutdown.ts";

/**
 * Settings of an {@linkcode Operator}.
 *
 * @example
 * ```ts
 * import { restClientFromHandler } from "@staircase/staircase/client";
 * import { type LeaderElection, Operator, SharedInformers } from "@staircase/staircase/controller";
 *
 * const alwaysLeader: LeaderElection = {
 *   run: (_signal, callbacks) => Promise.resolve(callbacks.onStartedLeading()),
 * };
 * const operator = new Operator({
 *   informers: new SharedInformers(restClientFromHandler(() => Promise.resolve({}))),
 *   leaderElection: alwaysLeader, // default: none, this process always leads
 *   shutdownGraceMs: 5_000, // Runs get 5 s to finish on shutdown (default 10 s)
 * });
 * const stop = new AbortController();
 * const running = operator.run(stop.signal);
 * while (!operator.ready) await new Promise((resolve) => setTimeout(resolve, 1));
 * console.log(operator.leader, operator.synced); // true true
 * stop.abort();
 * await running;
 * ```
 */
export interface OperatorOptions {
  /** The shared informers every controller reads. */
  readonly informers: InformerRegistry;
  /**
   * Who may run Runs: a `LeaderElector` on a Lease, or any {@linkcode LeaderElection}.
   *
   * @default {none: this process is always the leader}
   */
  readonly leaderElection?: LeaderElection | LeaderElector;
  /**
   * Serves `/healthz` and `/readyz`: the operator adds its checks (`operator`) and, when the
   * server is not listening yet, listens while the operator runs.
   */
  readonly health?: HealthServer;
  /**
   * How long running Runs may take to finish on shutdown before their signals abort.
   *
   * @default {10000}
   */
  readonly shutdownGraceMs?: number;
  /**
   * Where the operator logs.
   *
   * @default {the LogTape logger `["staircase", "operator"]`}
   */
  readonly logger?: Logger;
  /**
   * How often the operator logs the caches that have not synced yet, and why.
   *
   * @default {10000}
   */
  readonly syncReportIntervalMs?: number;
}

/** `value`, when set, must be a number of ms in [min, MAX_TIMER_MS]. */
function checkMs(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !isTimerMs(value, min)) {
    throw new RangeError(
      `Operator: ${name} must be a number of ms in [${min}, ${MAX_TIMER_MS}], got ${value}`,
    );
  }
}

/**
 * Hosts controllers: runs the shared informers (caches warm even before leadership), starts
 * the controllers once their caches synced **and** this process leads, pauses them (aborting
 * running Runs at once) when leadership is lost, and on shutdown stops taking work, lets
 * running Runs finish within `shutdownGraceMs` (then aborts them), stops the watches and
 * releases the lease.
 *
 * {@linkcode Operator.healthy} and {@linkcode Operator.ready} feed `/healthz` and `/readyz`:
 * ready once every cache synced and leadership is known (leader or follower).
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import type { RestClient } from "@staircase/staircase/client";
 * import { Controller, Operator, SharedInformers } from "@staircase/staircase/controller";
 * import { ConfigMaps, Secrets } from "@staircase/staircase/apis/core/v1";
 *
 * // Runs one controller until SIGINT or SIGTERM.
 * async function main(client: RestClient): Promise<void> {
 *   const reconciler = { plan: () => plan(ConfigMaps) };
 *   const controller = new Controller({ resource: ConfigMaps, reconciler, client }).owns(Secrets);
 *   const operator = new Operator({ informers: new SharedInformers(client) }).add(controller);
 *   await operator.runUntilSignal();
 * }
 * ```
 */
export class Operator {
  readonly #options: OperatorOptions;
  readonly #logger: Logger;
  readonly #controllers: Controller<unknown>[] = [];
  #synced = false;
  #leader = false;
  #leadershipKnown = false;
  #running = false;
  #ran = false;
  #stopping = false;

  /**
   * Creates an operator.
   *
   * @param options The shared informers and settings.
   * @throws {TypeError} If `informers` lacks `get` or `run`.
   * @throws {RangeError} If `shutdownGraceMs` or `syncReportIntervalMs` is not a number of ms a
   * timer can wait (`syncReportIntervalMs` 0 would log without pause).
   */
  constructor(options: OperatorOptions) {
    if (
      typeof options?.informers?.get !== "function" || typeof options.informers.run !== "function"
    ) {
      throw new TypeError("Operator: informers must have get() and run() (e.g. SharedInformers)");
    }
    checkMs("shutdownGraceMs", options.shutdownGraceMs, 0);
    checkMs("syncReportIntervalMs", options.syncReportIntervalMs, 1);
    this.#options = options;
    this.#logger = options.logger ?? defaultLogger(["operator"]);
  }

  /**
   * Adds a controller (before {@linkcode Operator.run}).
   *
   * @param controller The controller.
   * @returns This operator.
   */
  add<R>(controller: Controller<R>): this {
    if (this.#ran) throw new TypeError("Operator: add controllers before run()");
    this.#controllers.push(controller as Controller<unknown>);
    return this;
  }

  /** The hosted controllers. */
  get controllers(): readonly Controller<unknown>[] {
    return this.#controllers;
  }

  /** Whether this process leads (runs Runs). */
  get leader(): boolean {
    return this.#leader;
  }

  /** Whether every cache has synced. */
  get synced(): boolean {
    return this.#synced;
  }

  /** `/healthz`: running and not shutting down. */
  get healthy(): boolean {
    return this.#running && !this.#stopping;
  }

  /** `/readyz`: healthy, every cache synced, and leadership known. */
  get ready(): boolean {
    return this.healthy && this.#synced && this.#leadershipKnown;
  }

  /**
   * Runs until `signal` aborts, then shuts down (see the class notes) and resolves. An
   * operator runs once: its controllers are shut down for good at the end.
   *
   * @param signal Shutdown.
   * @returns When everything has stopped and the lease is released.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#ran) {
      throw new TypeError("Operator: run() can be called once (its controllers shut down)");
    }
    this.#ran = true;
    this.#running = true;
    this.#stopping = false;
    const informersStop = new AbortController();
    const electionStop = new AbortController();
    for (const controller of this.#controllers) controller.bind(this.#options.informers);
    const informersDone = this.#options.informers.run(informersStop.signal).catch((error) =>
      this.#logger.error("the informers stopped with an error", { error })
    );

    const startIfReady = () => {
      if (!this.#leader || !this.#synced || this.#stopping) return;
      for (const controller of this.#controllers) {
        if (controller.active) continue;
        try {
          controller.start();
        } catch (error) {
          this.#logger.error("a controller failed to start", {
            controller: controller.name,
            error,
          });
        }
      }
    };
    const election = asElection(this.#options.leaderElection);
    const health = this.#options.health;
    let listening = false;
    if (health !== undefined) {
      health.addCheck("liveness", "operator", () => this.healthy);
      health.addCheck("readiness", "operator", () => this.ready);
      if (health.address === undefined) {
        health.listen();
        listening = true;
      }
    }
    let electionDone: Promise<unknown> = Promise.resolve();
    if (election === undefined) {
      this.#leader = true;
      this.#leadershipKnown = true;
    } else {
      electionDone = election.run(electionStop.signal, {
        onStartedLeading: () => {
          this.#leader = true;
          this.#leadershipKnown = true;
          this.#logger.info("became the leader");
          startIfReady();
        },
        onStoppedLeading: () => {
          const was = this.#leader;
          this.#leader = false;
          this.#leadershipKnown = true;
          if (was) this.#logger.info("lost leadership: running Runs are aborted");
          for (const controller of this.#controllers) controller.pause();
        },
        onFollowing: (leader) => {
          this.#leadershipKnown = true;
          this.#logger.debug("following", { leader });
        },
      }).catch((error) => this.#logger.error("the leader election failed", { error }));
    }

    try {
      const informers = this.#controllers.flatMap((controller) => [...controller.informers]);
      // A cache that cannot sync (e.g. RBAC forbids listing a kind) keeps every controller
      // waiting: say which, and why, until it syncs.
      const report = setInterval(() => {
        for (const informer of informers) {
          if (informer.synced) continue;
          const error = (informer as { lastError?: Error }).lastError;
          this.#logger.warn(
            `waiting for the ${informer.resource.kind} cache to sync` +
              (error ? `: ${error.message}` : ""),
          );
        }
      }, this.#options.syncReportIntervalMs ?? 10_000);
      try {
        await Promise.all(informers.map((informer) => informer.waitForSync(signal)));
      } finally {
        clearInterval(report);
      }
      this.#synced = true;
      startIfReady();
      if (!signal.aborted) {
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      this.#stopping = true;
      const grace = this.#options.shutdownGraceMs ?? 10_000;
      await Promise.all(this.#controllers.map((controller) => controller.shutdown(grace)));
      informersStop.abort(new Error("the operator is shutting down"));
      electionStop.abort(new Error("the operator is shutting down"));
      await Promise.all([informersDone, electionDone]);
      if (health !== undefined) {
        health.removeCheck("liveness", "operator");
        health.removeCheck("readiness", "operator");
        if (listening) await health.close();
      }
      this.#leader = false;
      this.#synced = false;
      this.#running = false;
    }
  }

  /**
   * Runs until SIGINT or SIGTERM (through `handleShutdownSignals`): the first signal shuts
   * down gracefully; a second one exits the process at once (128 + the signal's number).
   *
   * @returns When the operator has stopped after a signal.
   */
  async runUntilSignal(): Promise<void> {
    using shutdown = handleShutdownSignals({
      onShutdown: (signal) =>
        this.#logger.info(`${signal}: shutting down (send it again to exit at once)`),
    });
    await this.run(shutdown.signal);
  }
}

function asElection(
  election: LeaderElection | LeaderElector | undefined,
): LeaderElection | undefined {
  return election instanceof LeaderElector ? leaseElection(election) : election;
}
